package io.switchboard.executor.action.terraform;

import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code terraform} action against a fake {@code terraform}: a bash script honouring the CLI
 * contract the action relies on (argv, exit codes 0/1/2 of {@code plan -detailed-exitcode}, the
 * {@code -out} file), for what the real binary cannot show on demand: a held state lock, a hang, a
 * flood of output, and exactly what reaches the process.
 */
class TerraformFakeBinaryTest extends TerraformTestBase {

  /** Succeeds like Terraform: init 0; plan writes its -out file and exits 2 (changes); apply 0. */
  private static final String CONTRACT = """
      case "$1" in
        init) echo "Terraform has been successfully initialized!"; exit 0 ;;
        plan)
          for a in "$@"; do case "$a" in -out=*) echo fake-plan > "${a#-out=}" ;; esac; done
          echo "Plan: 1 to add, 0 to change, 0 to destroy."; exit 2 ;;
        apply) echo "Apply complete! Resources: 1 added, 0 changed, 0 destroyed."; exit 0 ;;
      esac
      exit 64
      """;

  @Test
  void argvAndEnvironmentFollowTheContractAndTheSecretIsNeverOnTheCommandLine() throws IOException {
    Path log = scratch.resolve("log");
    TerraformAction action = action(fake("""
        { echo "argv:"; printf '%%s\\n' "$@"; echo "env:"; /usr/bin/env | sort; } >> %s
        """.formatted(log) + CONTRACT), Map.of());
    workspace("acme", "infra", Map.of("main.tf", "# fake\n"));
    store.set("acme", "tf-token", "acme-tf-token-1234");

    ActionResult planned = run(action, "acme", 7, plan("infra")
        .put("vars", new JsonObject().put("greeting", "hello world; $(touch /tmp/pwned) `id` *"))
        .put("secretVars", new JsonObject().put("token", "tf-token")));
    ActionResult applied = run(action, "acme", 8, apply("infra", 7));

    assertThat(planned.succeeded()).as(planned.error()).isTrue();
    assertThat(applied.succeeded()).as(applied.error()).isTrue();
    List<List<String>> calls = calls(log);
    assertThat(calls).hasSize(3);
    Path planFile = savedPlan("acme", "infra", 7);
    assertThat(argv(calls.get(0))).containsExactly("init", "-input=false", "-no-color");
    assertThat(argv(calls.get(1))).containsExactly("plan", "-input=false", "-no-color", "-detailed-exitcode",
        "-out=" + planFile, "-var", "greeting=hello world; $(touch /tmp/pwned) `id` *");
    assertThat(argv(calls.get(2))).containsExactly("apply", "-input=false", "-no-color", planFile.toString());
    Path tfData = data.resolve("tenants/acme/infra/tf-data");
    for (List<String> call : calls) {
      assertThat(argv(call)).noneMatch(arg -> arg.contains("acme-tf-token"));
      assertThat(env(call)).containsExactly(
          "CHECKPOINT_DISABLE=1",
          "HOME=" + data.resolve("home"),
          "LANG=C.UTF-8",
          "PATH=/usr/bin:/bin",
          "TF_CLI_CONFIG_FILE=" + data.resolve("home/.terraformrc"),
          "TF_DATA_DIR=" + tfData,
          "TF_INPUT=0",
          "TF_IN_AUTOMATION=1",
          "TF_VAR_token=acme-tf-token-1234");
    }
    assertThat(Files.readString(data.resolve("home/.terraformrc"))).isEmpty();
    assertThat(Files.getPosixFilePermissions(planFile.getParent())).isEqualTo(PosixFilePermissions.fromString(
        "rwx------"));
  }

  @Test
  void aHeldStateLockIsARetryableFailure() throws IOException {
    TerraformAction action = action(fake("""
        if [ "$1" = plan ]; then
          echo "Error: Error acquiring the state lock" >&2
          echo "Lock Info: ID: 4f1c Operation: OperationTypeApply" >&2
          exit 1
        fi
        """ + CONTRACT), Map.of());
    workspace("acme", "infra", Map.of("main.tf", "# fake\n"));

    ActionResult result = run(action, "acme", 9, plan("infra"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isTrue();
    assertThat(result.error()).isEqualTo("terraform plan of workspace `infra` failed at `terraform plan` (exit 1): "
        + "another operation holds the state lock; it will be retried; last lines:\n"
        + "Error: Error acquiring the state lock\nLock Info: ID: 4f1c Operation: OperationTypeApply");
    assertThat(savedPlan("acme", "infra", 9)).doesNotExist();
  }

  @Test
  void anyOtherFailureIsFinalAndNamesTheStepThatFailed() throws IOException {
    Path planRan = scratch.resolve("plan-ran");
    TerraformAction initFails = action(fake("""
        [ "$1" = init ] && { echo "Error: Failed to query available provider packages"; exit 1; }
        [ "$1" = plan ] && touch %s
        """.formatted(planRan) + CONTRACT), Map.of());
    TerraformAction planFails = action(fake("""
        [ "$1" = plan ] && { echo "Error: Unsupported argument"; exit 1; }
        """ + CONTRACT), Map.of());
    TerraformAction applyFails = action(fake("""
        [ "$1" = apply ] && { echo "Error: creating thing: 403 Forbidden"; exit 1; }
        """ + CONTRACT), Map.of());
    workspace("acme", "infra", Map.of("main.tf", "# fake\n"));

    ActionResult init = run(initFails, "acme", 1, plan("infra"));
    ActionResult plan = run(planFails, "acme", 2, plan("infra"));
    run(applyFails, "acme", 3, plan("infra"));
    ActionResult apply = run(applyFails, "acme", 4, apply("infra", 3));

    assertThat(List.of(init, plan, apply)).noneMatch(ActionResult::succeeded).noneMatch(ActionResult::retryable);
    assertThat(init.error()).isEqualTo("terraform plan of workspace `infra` failed at `terraform init` (exit 1); "
        + "last lines:\nError: Failed to query available provider packages");
    assertThat(planRan).doesNotExist();
    assertThat(plan.error()).startsWith("terraform plan of workspace `infra` failed at `terraform plan` (exit 1)");
    assertThat(apply.error()).isEqualTo("terraform apply of workspace `infra` (plan 3) failed at `terraform apply` "
        + "(exit 1); last lines:\nError: creating thing: 403 Forbidden");
    assertThat(savedPlan("acme", "infra", 3)).as("a failed apply keeps its plan").isRegularFile();
  }

  @Test
  void stopKillsAHangingPlanAndItsChildren() throws IOException {
    Path pids = scratch.resolve("pids");
    TerraformAction action = action(fake("""
        if [ "$1" = plan ]; then
          sleep 600 &
          echo "$! $$" > %1$s.tmp && mv %1$s.tmp %1$s
          wait
        fi
        """.formatted(pids) + CONTRACT), Map.of(TerraformSettings.KILL_GRACE_MILLIS, "200"));
    workspace("acme", "infra", Map.of("main.tf", "# fake\n"));
    Promise<String> stop = Promise.promise();

    Future<ActionResult> running = start(action, "acme", 5, plan("infra"), stop, new JobSecrets(store, "acme"));
    Await.until("the fake plan has started its child", () -> Files.exists(pids));
    String[] started = Files.readString(pids).trim().split(" ");
    long child = Long.parseLong(started[0]);
    long terraform = Long.parseLong(started[1]);
    assertThat(running.isComplete()).isFalse();

    stop.complete("timed out after 900 s");

    assertThat(Await.result(running).error()).isEqualTo("terraform plan of workspace `infra`: stopped (timed out "
        + "after 900 s) during `terraform plan`; Terraform got SIGTERM and, after 200 ms, it and its child processes "
        + "SIGKILL");
    Await.until("the fake terraform is gone", () -> !alive(terraform));
    Await.until("its child is gone", () -> !alive(child));
    assertThat(savedPlan("acme", "infra", 5)).doesNotExist();
  }

  @Test
  void aTerraformIgnoringSigtermIsKilledAfterTheGrace() throws IOException {
    Path pid = scratch.resolve("pid");
    TerraformAction action = action(fake("""
        trap '' TERM
        echo "$$" > %1$s.tmp && mv %1$s.tmp %1$s
        while true; do sleep 0.1; done
        """.formatted(pid)), Map.of(TerraformSettings.KILL_GRACE_MILLIS, "200"));
    workspace("acme", "infra", Map.of("main.tf", "# fake\n"));
    Promise<String> stop = Promise.promise();

    Future<ActionResult> running = start(action, "acme", 6, plan("infra"), stop, new JobSecrets(store, "acme"));
    Await.until("the fake init has started", () -> Files.exists(pid));
    long terraform = Long.parseLong(Files.readString(pid).trim());
    stop.complete("cancelled by bob");

    assertThat(Await.result(running).error()).contains("stopped (cancelled by bob) during `terraform init`");
    Await.until("the stubborn fake terraform is gone", () -> !alive(terraform));
  }

  @Test
  void onlyTheTailOfALongOutputIsKeptAndTheSummaryLineIsStillFound() throws IOException {
    TerraformAction action = action(fake("""
        if [ "$1" = plan ]; then
          for a in "$@"; do case "$a" in -out=*) echo fake-plan > "${a#-out=}" ;; esac; done
          for i in $(seq -w 1 5000); do echo "  # thing.t$i will be created"; done
          echo "Plan: 5000 to add, 0 to change, 0 to destroy."
          exit 2
        fi
        """ + CONTRACT), Map.of(TerraformSettings.OUTPUT_LIMIT_BYTES, "1024"));
    workspace("acme", "infra", Map.of("main.tf", "# fake\n"));

    ActionResult result = run(action, "acme", 10, plan("infra"));

    assertThat(result.succeeded()).as(result.error()).isTrue();
    List<String> lines = result.output().lines().toList();
    assertThat(lines.get(0)).isEqualTo("terraform plan of workspace `infra`: Plan: 5000 to add, 0 to change, 0 to "
        + "destroy. (output cut: only the last 1024 of 160046 bytes kept)");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("Plan: 5000 to add, 0 to change, 0 to destroy.");
    assertThat(lines.get(2)).matches("  # thing\\.t\\d{4} will be created");
    assertThat(result.output().length()).isLessThan(1024 + 300);
  }

  @Test
  void aSecretStoreThatIsDownIsARetryableFailureAndNothingRuns() throws IOException {
    Path ran = scratch.resolve("ran");
    TerraformAction action = action(fake("touch " + ran + "\n" + CONTRACT), Map.of());
    workspace("acme", "infra", Map.of("main.tf", "# fake\n"));
    store.set("acme", "tf-token", "acme-tf-token-1234").unavailable();

    ActionResult result = run(action, "acme", 3, plan("infra").put("secretVars",
        new JsonObject().put("token", "tf-token")));

    assertThat(result.retryable()).isTrue();
    assertThat(result.error()).isEqualTo("terraform plan of workspace `infra`: the secret store failed reading "
        + "'tf-token' for variable token");
    assertThat(ran).doesNotExist();
  }

  @Test
  void jobsAreRefusedWithoutAWorkspacesDirectoryOrABinary() throws IOException {
    workspace("acme", "infra", Map.of("main.tf", "# fake\n"));
    TerraformAction unconfigured = new TerraformAction(TerraformSettings.fromEnv(Map.of()));
    TerraformAction noBinary = action(scratch.resolve("bin/terraform").toString(), Map.of());

    assertThat(run(unconfigured, "acme", 1, plan("infra")).error()).isEqualTo("terraform: this executor has no "
        + "workspaces directory configured (SWITCHBOARD_TERRAFORM_WORKSPACES_DIR is not set), so it runs no Terraform");
    ActionResult missing = run(noBinary, "acme", 2, plan("infra"));
    assertThat(missing.retryable()).isFalse();
    assertThat(missing.error()).isEqualTo("terraform: there is no Terraform binary on this executor "
        + "(SWITCHBOARD_TERRAFORM_BIN is '" + scratch.resolve("bin/terraform") + "')");
  }

  @Test
  void badArgumentsAreRefusedBeforeAnythingRuns() throws IOException {
    Path ran = scratch.resolve("ran");
    TerraformAction action = action(fake("touch " + ran + "\n" + CONTRACT), Map.of());
    workspace("acme", "infra", Map.of("main.tf", "# fake\n"));

    assertThat(error(action, new JsonObject().put("workspace", "infra")))
        .isEqualTo("terraform needs an 'operation': 'plan' or 'apply'");
    assertThat(error(action, plan("infra").put("operation", "destroy")))
        .isEqualTo("terraform needs an 'operation': 'plan' or 'apply'");
    assertThat(error(action, plan("../acme/infra"))).contains("is not a workspace name");
    assertThat(error(action, plan("a/b"))).contains("is not a workspace name");
    assertThat(error(action, plan(".hidden"))).contains("is not a workspace name");
    assertThat(error(action, plan("nope"))).isEqualTo("terraform: this tenant has no workspace 'nope'");
    assertThat(error(action, plan("infra").put("vars", new JsonObject().put("bad name", "x"))))
        .contains("variable name 'bad name' in 'vars' is refused");
    assertThat(error(action, plan("infra").put("vars", new JsonObject().put("n", 3))))
        .isEqualTo("terraform: vars.n must be a string");
    assertThat(error(action, plan("infra").put("vars", new JsonObject().put("n", "two\nlines"))))
        .contains("no control characters");
    assertThat(error(action, plan("infra").put("secretVars", new JsonObject().put("token", ""))))
        .isEqualTo("terraform: secretVars.token must be the name of a secret");
    assertThat(error(action, plan("infra").put("secretVars", new JsonObject().put("token", "unset"))))
        .isEqualTo("terraform: cannot set variable token: secret 'unset' is not set for this tenant "
            + "(PUT /api/v1/secrets/unset)");
    assertThat(error(action, plan("infra").put("target", "x"))).contains("unknown argument 'target'");
    assertThat(error(action, new JsonObject().put("operation", "apply").put("workspace", "infra")))
        .startsWith("terraform apply needs 'plan': the id of the plan job");
    assertThat(error(action, apply("infra", 1).put("vars", new JsonObject())))
        .contains("unknown argument 'vars'").contains("a saved plan applies with the variables it was planned with");
    assertThat(ran).doesNotExist();
  }

  @Test
  void aJobStoppedBeforeItStartsRunsNothing() throws IOException {
    Path ran = scratch.resolve("ran");
    TerraformAction action = action(fake("touch " + ran + "\n" + CONTRACT), Map.of());
    workspace("acme", "infra", Map.of("main.tf", "# fake\n"));
    Promise<String> stop = Promise.promise();
    stop.complete("shutting down");

    ActionResult result = result(action, "acme", 1, plan("infra"), stop);

    assertThat(result.error()).isEqualTo("terraform: stopped before Terraform started: shutting down");
    assertThat(ran).doesNotExist();
  }

  // ---------------------------------------------------------------- helpers

  /** Writes a fake {@code terraform} (a directory of its own each) and answers with its path. */
  private String fake(String body) throws IOException {
    Path bin = Files.createTempDirectory(scratch, "bin-");
    Path file = bin.resolve("terraform");
    Files.writeString(file, "#!/bin/bash\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file.toString();
  }

  private String error(TerraformAction action, JsonObject arguments) {
    ActionResult result = run(action, "acme", 1, arguments);
    assertThat(result.succeeded()).as(arguments.encode()).isFalse();
    assertThat(result.retryable()).as(arguments.encode()).isFalse();
    return result.error();
  }

  /** The log the fake wrote: one list of lines per call, each "argv:", the arguments, "env:", the environment. */
  private static List<List<String>> calls(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    List<List<String>> calls = new ArrayList<>();
    for (String line : lines) {
      if (line.equals("argv:")) {
        calls.add(new ArrayList<>());
      }
      calls.get(calls.size() - 1).add(line);
    }
    return calls;
  }

  private static List<String> argv(List<String> call) {
    return call.subList(1, call.indexOf("env:"));
  }

  /** The environment, without what bash itself exports (PWD, SHLVL, _). */
  private static List<String> env(List<String> call) {
    return call.subList(call.indexOf("env:") + 1, call.size()).stream()
        .filter(line -> !line.startsWith("PWD=") && !line.startsWith("SHLVL=") && !line.startsWith("_="))
        .toList();
  }
}

package io.switchboard.executor.action.terraform;

import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code terraform} action against the real binary, offline: only Terraform's built-in
 * {@code terraform_data} resource (no provider to download) and the local backend. Skipped where no
 * {@code terraform} is installed ({@code SWITCHBOARD_TERRAFORM_BIN}, else {@code PATH}).
 */
class TerraformActionTest extends TerraformTestBase {

  private static final String HELLO = """
      resource "terraform_data" "hello" {
        input = "hello"
      }
      """;
  private static final String WITH_VARIABLES = """
      variable "greeting" {
        type = string
      }
      variable "token" {
        type = string
      }
      resource "terraform_data" "hello" {
        input = var.greeting
      }
      output "greeting" {
        value = var.greeting
      }
      output "token" {
        value = var.token
      }
      """;

  private TerraformAction action;

  @BeforeEach
  void realTerraform() {
    Optional<Path> binary = TerraformSettings.fromEnv(System.getenv()).locateBinary();
    assumeTrue(binary.isPresent(), "no terraform binary on this machine (neither " + TerraformSettings.BIN
        + " nor 'terraform' on PATH): the tests against the real Terraform are skipped");
    action = action(binary.get().toString(), Map.of(TerraformSettings.KILL_GRACE_MILLIS, "500"));
  }

  @Test
  void aPlanWithChangesSucceedsWithItsSummaryAndSavesThePlanWithoutTouchingTheState() throws IOException {
    Path infra = workspace("acme", "infra", Map.of("main.tf", HELLO));

    ActionResult result = run(action, "acme", 11, plan("infra"));

    assertThat(result.succeeded()).as(result.error()).isTrue();
    assertThat(result.output().lines().toList()).startsWith(
        "terraform plan of workspace `infra`: Plan: 1 to add, 0 to change, 0 to destroy.",
        "Saved as plan 11: an apply job with workspace `infra` and plan 11 applies exactly this.");
    assertThat(result.output()).contains("# terraform_data.hello will be created");
    assertThat(savedPlan("acme", "infra", 11)).isRegularFile();
    assertThat(infra.resolve("terraform.tfstate")).doesNotExist();
    assertThat(infra.resolve(".terraform")).doesNotExist();
  }

  @Test
  void aPlanWithoutChangesSucceedsAndSavesNothing() throws IOException {
    workspace("acme", "quiet", Map.of("main.tf", "locals {\n  unused = 1\n}\n"));

    ActionResult result = run(action, "acme", 12, plan("quiet"));

    assertThat(result.succeeded()).as(result.error()).isTrue();
    assertThat(result.output()).startsWith("terraform plan of workspace `quiet`: No changes. Your infrastructure "
        + "matches the configuration.\nNothing to apply, so no plan was saved.");
    assertThat(savedPlan("acme", "quiet", 12)).doesNotExist();
  }

  @Test
  void applyingTheSavedPlanCreatesTheStateAndUsesThePlanUp() throws IOException {
    Path infra = workspace("acme", "infra", Map.of("main.tf", HELLO));
    assertThat(run(action, "acme", 21, plan("infra")).succeeded()).isTrue();

    ActionResult applied = run(action, "acme", 22, apply("infra", 21));

    assertThat(applied.succeeded()).as(applied.error()).isTrue();
    assertThat(applied.output()).startsWith("terraform apply of workspace `infra` (plan 21): Apply complete! "
        + "Resources: 1 added, 0 changed, 0 destroyed.");
    assertThat(Files.readString(infra.resolve("terraform.tfstate"))).contains("\"terraform_data\"", "\"hello\"");
    assertThat(savedPlan("acme", "infra", 21)).doesNotExist();
    assertThat(run(action, "acme", 23, apply("infra", 21)).error()).contains("there is no saved plan 21");
    assertThat(run(action, "acme", 24, plan("infra")).output()).contains("No changes.");
  }

  @Test
  void applyIsRefusedWithoutASavedPlan() throws IOException {
    Path infra = workspace("acme", "infra", Map.of("main.tf", HELLO));

    ActionResult result = run(action, "acme", 31, apply("infra", 99));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).startsWith("terraform apply: there is no saved plan 99 for workspace `infra` of this "
        + "tenant");
    assertThat(infra.resolve("terraform.tfstate")).doesNotExist();
  }

  @Test
  void applyIsRefusedWhenTheWorkspaceFilesChangedSinceThePlan() throws IOException {
    Path infra = workspace("acme", "infra", Map.of("main.tf", HELLO));
    assertThat(run(action, "acme", 41, plan("infra")).succeeded()).isTrue();
    Files.writeString(infra.resolve("main.tf"), HELLO.replace("hello", "changed"));

    ActionResult result = run(action, "acme", 42, apply("infra", 41));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).isEqualTo("terraform apply: plan 41 is stale: the files of workspace `infra` changed "
        + "since it was made; run a plan again");
    assertThat(infra.resolve("terraform.tfstate")).doesNotExist();
  }

  @Test
  void terraformItselfRefusesAPlanWhoseStateMovedOn() throws IOException {
    workspace("acme", "infra", Map.of("main.tf", HELLO));
    assertThat(run(action, "acme", 51, plan("infra")).succeeded()).isTrue();
    assertThat(run(action, "acme", 52, plan("infra")).succeeded()).isTrue();
    assertThat(run(action, "acme", 53, apply("infra", 51)).succeeded()).isTrue();

    ActionResult second = run(action, "acme", 54, apply("infra", 52));

    assertThat(second.succeeded()).isFalse();
    assertThat(second.retryable()).isFalse();
    assertThat(second.error()).startsWith("terraform apply of workspace `infra` (plan 52) failed at `terraform apply` "
        + "(exit 1); last lines:").contains("Saved plan is stale");
  }

  @Test
  void anotherTenantCanNeitherPlanNorApplyTheWorkspace() throws IOException {
    Path acme = workspace("acme", "infra", Map.of("main.tf", HELLO));
    assertThat(run(action, "acme", 61, plan("infra")).succeeded()).isTrue();
    Files.createDirectories(workspaces.resolve("globex"));

    ActionResult planned = run(action, "globex", 62, plan("infra"));
    ActionResult applied = run(action, "globex", 63, apply("infra", 61));
    Files.createSymbolicLink(workspaces.resolve("globex").resolve("borrowed"), acme);
    ActionResult linked = run(action, "globex", 64, plan("borrowed"));
    workspace("globex", "infra", Map.of("main.tf", HELLO));
    ActionResult sameName = run(action, "globex", 65, apply("infra", 61));

    assertThat(planned.error()).isEqualTo("terraform: this tenant has no workspace 'infra'");
    assertThat(applied.error()).isEqualTo("terraform: this tenant has no workspace 'infra'");
    assertThat(linked.error()).contains("workspace 'borrowed' leads out of this tenant's workspaces; refused");
    assertThat(sameName.error()).startsWith("terraform apply: there is no saved plan 61 for workspace `infra` of "
        + "this tenant");
    assertThat(acme.resolve("terraform.tfstate")).doesNotExist();
    assertThat(savedPlan("acme", "infra", 61)).isRegularFile();
    assertThat(run(action, "acme", 66, apply("infra", 61)).succeeded()).isTrue();
  }

  @Test
  void varsAndSecretVarsReachTerraformAndTheSecretIsRedactedFromPlanAndApply() throws IOException {
    workspace("acme", "vars", Map.of("main.tf", WITH_VARIABLES));
    store.set("acme", "tf-token", "acme-tf-token-1234").set("globex", "tf-token", "globex-tf-token-9876");
    JsonObject arguments = plan("vars").put("vars", new JsonObject().put("greeting", "hello world"))
        .put("secretVars", new JsonObject().put("token", "tf-token"));

    ActionResult planned = run(action, "acme", 71, arguments);
    ActionResult applied = run(action, "acme", 72, apply("vars", 71));

    assertThat(planned.succeeded()).as(planned.error()).isTrue();
    assertThat(planned.output()).contains("+ greeting = \"hello world\"", "+ token    = \"[redacted:tf-token]\"")
        .doesNotContain("tf-token-");
    assertThat(applied.succeeded()).as(applied.error()).isTrue();
    assertThat(applied.output()).contains("greeting = \"hello world\"", "token = \"[redacted:tf-token]\"")
        .doesNotContain("tf-token-");
  }

  @Test
  void applyIsRefusedWhenASecretChangedSinceThePlan() throws IOException {
    Path dir = workspace("acme", "vars", Map.of("main.tf", WITH_VARIABLES));
    store.set("acme", "tf-token", "acme-tf-token-1234");
    assertThat(run(action, "acme", 81, plan("vars").put("vars", new JsonObject().put("greeting", "hi"))
        .put("secretVars", new JsonObject().put("token", "tf-token"))).succeeded()).isTrue();
    store.set("acme", "tf-token", "acme-tf-token-rotated");

    ActionResult result = run(action, "acme", 82, apply("vars", 81));

    assertThat(result.error()).isEqualTo("terraform apply: plan 81 is stale: the secret behind token changed since "
        + "it was made; run a plan again");
    assertThat(dir.resolve("terraform.tfstate")).doesNotExist();
  }

  @Test
  void aSyntaxErrorIsAFinalFailureNamingTheStep() throws IOException {
    workspace("acme", "broken", Map.of("main.tf", "resource \"terraform_data\" \"x\" {\n  input =\n}\n"));

    ActionResult result = run(action, "acme", 91, plan("broken"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).startsWith("terraform plan of workspace `broken` failed at `terraform init` (exit 1); "
        + "last lines:").contains("main.tf line 2");
    assertThat(savedPlan("acme", "broken", 91)).doesNotExist();
  }

  @Test
  void stopDuringAnApplyInterruptsTerraformAndKillsItsChildren() throws IOException {
    Path pids = scratch.resolve("pids");
    // local-exec is built in: the provisioner's shell starts a sleep and says who is who
    workspace("acme", "slow", Map.of("main.tf", """
        resource "terraform_data" "slow" {
          provisioner "local-exec" {
            command = "sleep 600 & echo \\"$! $$\\" > %1$s.tmp && mv %1$s.tmp %1$s; wait"
          }
        }
        """.formatted(pids)));
    assertThat(run(action, "acme", 101, plan("slow")).succeeded()).isTrue();
    Promise<String> stop = Promise.promise();

    Future<ActionResult> running = start(action, "acme", 102, apply("slow", 101), stop, new JobSecrets(store, "acme"));
    Await.until("the provisioner has started its sleep", () -> Files.exists(pids));
    String[] started = Files.readString(pids).trim().split(" ");
    long sleep = Long.parseLong(started[0]);
    long shell = Long.parseLong(started[1]);
    long terraform = ProcessHandle.of(shell).flatMap(ProcessHandle::parent).orElseThrow().pid();
    assertThat(running.isComplete()).isFalse();

    stop.complete("cancelled by alice");

    ActionResult result = Await.result(running);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).isEqualTo("terraform apply of workspace `slow` (plan 101): stopped (cancelled by "
        + "alice) during `terraform apply`; Terraform got SIGTERM and, after 500 ms, it and its child processes "
        + "SIGKILL");
    Await.until("terraform is gone", () -> !alive(terraform));
    Await.until("the provisioner's shell is gone", () -> !alive(shell));
    Await.until("its sleep is gone", () -> !alive(sleep));
  }
}

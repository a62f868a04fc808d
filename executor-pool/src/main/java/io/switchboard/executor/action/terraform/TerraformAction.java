package io.switchboard.executor.action.terraform;

import io.switchboard.executor.action.Action;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.executor.action.process.OutputTail;
import io.switchboard.executor.action.process.ProcessRun;
import io.switchboard.executor.action.terraform.TerraformRequest.Operation;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Terraform on one of the job's tenant's workspaces ({@link TerraformSettings}): {@code plan},
 * read-only, which saves the plan it makes, and {@code apply} of such a saved plan, never of
 * anything else. The catalog should put {@code apply} behind an approval rule.
 *
 * <p>Arguments ({@link TerraformRequest}):
 * <ul>
 *   <li>{@code operation}: {@code plan} or {@code apply}; {@code workspace}: a directory name, the
 *       workspace {@code <workspaces dir>/<tenant>/<workspace>} of the job's own tenant.</li>
 *   <li>{@code plan} only: {@code vars} (variable name to string value, each passed as the two argv
 *       entries {@code -var name=value}, no shell) and {@code secretVars} (variable name to the name
 *       of a tenant secret, passed as {@code TF_VAR_<name>} in the environment, never on the command
 *       line, and redacted from the output).</li>
 *   <li>{@code apply} only: {@code plan}, the id of the plan job whose saved plan to apply.</li>
 * </ul>
 *
 * <p>{@code plan} runs {@code terraform init -input=false} and then {@code terraform plan -input=false
 * -no-color -detailed-exitcode -out=<plan file>}; it changes nothing but, when the configuration uses
 * providers, the workspace's {@code .terraform.lock.hcl} (Terraform's data directory lives outside the
 * workspace). Exit 0 (no changes) succeeds and saves nothing;
 * exit 2 (changes) succeeds and keeps the plan file, with a {@link SavedPlan} record, under the
 * tenant's and workspace's plan directory, named by the plan job's id. {@code apply} refuses a plan
 * that is missing, belongs to another tenant or workspace, or is stale (the workspace files or a
 * secret changed since); then runs {@code terraform apply -input=false -no-color <plan file>}, and a
 * successful apply uses the plan up. Terraform itself refuses a plan whose state has moved on.
 *
 * <p>Terraform runs with a clean environment: {@code PATH=/usr/bin:/bin}, an empty {@code HOME} and
 * CLI configuration file under the data directory (so no user's configuration or credentials are
 * read), {@code TF_IN_AUTOMATION=1}, {@code TF_INPUT=0}, {@code CHECKPOINT_DISABLE=1}, its data
 * directory per tenant and workspace, the plugin cache if configured, and the secret variables. The
 * output (stdout and stderr merged) is capped to its tail; the result names the summary line
 * ({@code Plan: …}, {@code No changes. …}, {@code Apply complete! …}) or, on failure, the step that
 * failed. Only a held state lock ({@value #STATE_LOCK_ERROR}) is a retryable failure. On
 * {@link ActionContext#stop()} Terraform gets SIGTERM (it stops its work and writes its state) and,
 * after the grace, it and its child processes SIGKILL.
 */
public final class TerraformAction implements Action {

  public static final String TYPE = "terraform";
  /** What Terraform prints when another operation holds the state lock: a retry may cure it. */
  public static final String STATE_LOCK_ERROR = "Error acquiring the state lock";

  static final String PATH = "/usr/bin:/bin";
  static final String LANG = "C.UTF-8";
  private static final Pattern SUMMARY = Pattern.compile("^(Plan: .*|No changes\\..*|Apply complete!.*)$",
      Pattern.MULTILINE);

  private final TerraformSettings settings;

  public TerraformAction(TerraformSettings settings) {
    this.settings = settings;
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** Where the job is: its workspace and binary, and for {@code apply} the saved plan it applies. */
  private record Prepared(Path binary, Path home, TerraformWorkspace workspace, SavedPlan saved) {
  }

  /** One job: its request and the step (the Terraform command) running now. */
  private static final class Job {
    final ActionContext context;
    final TerraformRequest request;
    final ProcessRun processes;
    volatile String step = "preparing";

    Job(ActionContext context, TerraformRequest request, ProcessRun processes) {
      this.context = context;
      this.request = request;
      this.processes = processes;
    }

    String what() {
      return "terraform " + request.operation().name().toLowerCase() + " of workspace `" + request.workspace() + "`"
          + (request.operation() == Operation.APPLY ? " (plan " + request.planJob() + ")" : "");
    }
  }

  @Override
  public Future<ActionResult> run(ActionContext context) {
    if (settings.workspacesDir() == null) {
      return done(ActionResult.failure("terraform: this executor has no workspaces directory configured ("
          + TerraformSettings.WORKSPACES_DIR + " is not set), so it runs no Terraform"));
    }
    TerraformRequest request;
    try {
      request = TerraformRequest.parse(context.arguments() == null ? new JsonObject() : context.arguments());
    } catch (TerraformRefused e) {
      return done(ActionResult.failure(e.getMessage()));
    }
    if (context.stop().isComplete()) {
      return done(ActionResult.failure("terraform: stopped before Terraform started: " + context.stop().result()));
    }
    Vertx vertx = context.vertx();
    Job job = new Job(context, request, new ProcessRun(vertx, settings.killGrace(), settings.outputLimitBytes(),
        ProcessRun.Termination.PROCESS_FIRST));
    Promise<ActionResult> result = Promise.promise();
    context.stop().onSuccess(reason -> {
      result.tryComplete(ActionResult.failure(job.what() + ": stopped (" + reason + ") during `" + job.step
          + "`; Terraform got SIGTERM and, after " + settings.killGrace().toMillis() + " ms, it and its child "
          + "processes SIGKILL"));
      job.processes.stop();
    });
    vertx.executeBlocking(() -> prepare(context.tenantId(), request), false)
        .compose(prepared -> request.operation() == Operation.PLAN ? plan(job, prepared) : apply(job, prepared))
        .onComplete(outcome -> {
          if (outcome.succeeded()) {
            result.tryComplete(outcome.result());
          } else if (outcome.cause() instanceof TerraformRefused refused) {
            result.tryComplete(ActionResult.failure(refused.getMessage()));
          } else if (outcome.cause() instanceof JobSecrets.Unreadable unreadable) {
            result.tryComplete(ActionResult.retryableFailure(job.what() + ": the secret store failed reading '"
                + unreadable.secret() + "' for variable " + unreadable.key()));
          } else {
            result.tryComplete(ActionResult.failure(job.what() + ": could not run `" + job.step + "`: "
                + outcome.cause().getMessage()));
          }
        });
    return result.future();
  }

  // ------------------------------------------------------------------ preparing (blocking)

  private Prepared prepare(String tenant, TerraformRequest request) throws TerraformRefused, IOException {
    Path binary = settings.locateBinary().orElseThrow(() -> new TerraformRefused("terraform: there is no "
        + "Terraform binary on this executor (" + TerraformSettings.BIN + " is '" + settings.binary() + "')"));
    TerraformWorkspace workspace = TerraformWorkspace.resolve(settings, tenant, request.workspace());
    workspace.prepare();
    Path home = settings.dataDir().resolve("home");
    TerraformWorkspace.privateDirectories(home);
    Path cliConfig = home.resolve(".terraformrc");
    if (!Files.exists(cliConfig)) {
      Files.writeString(cliConfig, "");
    }
    if (request.operation() == Operation.PLAN) {
      return new Prepared(binary, home, workspace, null);
    }
    long id = request.planJob();
    Path record = workspace.planRecord(id);
    if (!Files.isRegularFile(record) || !Files.isRegularFile(workspace.planFile(id))) {
      throw new TerraformRefused("terraform apply: there is no saved plan " + id + " for workspace `"
          + request.workspace() + "` of this tenant (a plan job saves one only when it finds changes, and an "
          + "apply uses it up); run a plan first");
    }
    SavedPlan saved = SavedPlan.read(record);
    if (!saved.tenant().equals(tenant) || !saved.workspace().equals(request.workspace()) || saved.planJob() != id) {
      throw new TerraformRefused("terraform apply: plan " + id + " was not made for workspace `"
          + request.workspace() + "` of this tenant; refused");
    }
    if (!saved.fingerprint().equals(workspace.fingerprint())) {
      throw new TerraformRefused("terraform apply: plan " + id + " is stale: the files of workspace `"
          + request.workspace() + "` changed since it was made; run a plan again");
    }
    return new Prepared(binary, home, workspace, saved);
  }

  // ------------------------------------------------------------------ plan and apply

  private Future<ActionResult> plan(Job job, Prepared prepared) {
    return secrets(job, job.request.secretVars()).compose(secretValues -> {
      Map<String, String> env = environment(prepared, secretValues);
      return step(job, prepared, env, List.of("init", "-input=false", "-no-color")).compose(failed -> failed != null
          ? Future.succeededFuture(failed)
          : planAndSave(job, prepared, env, secretValues));
    });
  }

  /** After init: fingerprints the workspace, plans, and keeps the plan when it has changes. */
  private Future<ActionResult> planAndSave(Job job, Prepared prepared, Map<String, String> env,
                                           Map<String, String> secretValues) {
    Vertx vertx = job.context.vertx();
    TerraformWorkspace workspace = prepared.workspace();
    long id = job.context.jobId();
    Path planFile = workspace.planFile(id);
    List<String> args = new ArrayList<>(List.of("plan", "-input=false", "-no-color", "-detailed-exitcode",
        "-out=" + planFile));
    job.request.vars().forEach((name, value) -> {
      args.add("-var");
      args.add(name + "=" + value);
    });
    return vertx.executeBlocking(() -> {
      Files.deleteIfExists(workspace.planRecord(id));
      Files.deleteIfExists(planFile);
      return workspace.fingerprint();
    }, false).compose(fingerprint -> run(job, prepared, env, args).compose(exit -> {
      String output = job.context.secrets().redact(exit.output().text()).stripTrailing();
      String summary = job.what() + ": " + summary(output) + exit.output().cutNote();
      if (exit.code() == 2) {
        SavedPlan saved = SavedPlan.of(workspace.tenant(), workspace.name(), id, fingerprint, summary(output),
            job.request.secretVars(), secretValues);
        return vertx.executeBlocking(() -> {
          saved.write(workspace.planRecord(id));
          return null;
        }, false).map(v -> ActionResult.success(summary + "\nSaved as plan " + id + ": an apply job with workspace `"
            + workspace.name() + "` and plan " + id + " applies exactly this.\n" + output));
      }
      return vertx.executeBlocking(() -> Files.deleteIfExists(planFile), false).map(v -> exit.code() == 0
          ? ActionResult.success(summary + "\nNothing to apply, so no plan was saved.\n" + output)
          : failure(job, exit, output));
    }));
  }

  private Future<ActionResult> apply(Job job, Prepared prepared) {
    SavedPlan saved = prepared.saved();
    TerraformWorkspace workspace = prepared.workspace();
    return secrets(job, saved.secretVars()).compose(secretValues -> {
      List<String> changed = saved.changedSecrets(secretValues);
      if (!changed.isEmpty()) {
        return Future.failedFuture(new TerraformRefused("terraform apply: plan " + saved.planJob() + " is stale: "
            + "the secret behind " + String.join(", ", changed) + " changed since it was made; run a plan again"));
      }
      List<String> args = List.of("apply", "-input=false", "-no-color",
          workspace.planFile(saved.planJob()).toString());
      return run(job, prepared, environment(prepared, secretValues), args).compose(exit -> {
        String output = job.context.secrets().redact(exit.output().text()).stripTrailing();
        if (exit.code() != 0) {
          return Future.succeededFuture(failure(job, exit, output));
        }
        return job.context.vertx().executeBlocking(() -> {
          Files.deleteIfExists(workspace.planRecord(saved.planJob()));
          return Files.deleteIfExists(workspace.planFile(saved.planJob()));
        }, false).map(v -> ActionResult.success(job.what() + ": " + summary(output) + exit.output().cutNote()
            + "\n" + output));
      });
    });
  }

  /** Runs one Terraform command; answers with a failure when it failed, null when it exited 0. */
  private Future<ActionResult> step(Job job, Prepared prepared, Map<String, String> env, List<String> args) {
    return run(job, prepared, env, args).map(exit -> exit.code() == 0 ? null
        : failure(job, exit, job.context.secrets().redact(exit.output().text()).stripTrailing()));
  }

  private Future<ProcessRun.Exit> run(Job job, Prepared prepared, Map<String, String> env, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(prepared.binary().toString());
    command.addAll(args);
    job.step = "terraform " + args.get(0);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(prepared.workspace().dir().toFile())
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(env);
    return job.processes.start(builder, "switchboard-terraform-output-" + job.context.jobId());
  }

  private Map<String, String> environment(Prepared prepared, Map<String, String> secretValues) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", PATH);
    env.put("LANG", LANG);
    env.put("HOME", prepared.home().toString());
    env.put("TF_CLI_CONFIG_FILE", prepared.home().resolve(".terraformrc").toString());
    env.put("TF_IN_AUTOMATION", "1");
    env.put("TF_INPUT", "0");
    env.put("CHECKPOINT_DISABLE", "1");
    env.put("TF_DATA_DIR", prepared.workspace().tfData().toString());
    if (settings.pluginCacheDir() != null) {
      env.put("TF_PLUGIN_CACHE_DIR", settings.pluginCacheDir().toString());
    }
    secretValues.forEach((variable, value) -> env.put("TF_VAR_" + variable, value));
    return env;
  }

  /** The secrets behind the variables, by variable name; one not set refuses the job by name. */
  private static Future<Map<String, String>> secrets(Job job, Map<String, String> secretVars) {
    return job.context.secrets().getAll(secretVars).recover(e -> Future.failedFuture(
        e instanceof JobSecrets.Unreadable unreadable && !unreadable.storeFailed()
            ? new TerraformRefused("terraform: cannot set variable " + unreadable.key() + ": " + e.getMessage())
            : e));
  }

  private ActionResult failure(Job job, ProcessRun.Exit exit, String output) {
    boolean locked = exit.code() == 1 && output.contains(STATE_LOCK_ERROR);
    String summary = job.what() + " failed at `" + job.step + "` (exit " + exit.code() + ")"
        + (locked ? ": another operation holds the state lock; it will be retried" : "")
        + exit.output().cutNote();
    String last = OutputTail.lastLines(output);
    String error = last.isEmpty() ? summary + "; no output" : summary + "; last lines:\n" + last;
    return locked ? ActionResult.retryableFailure(error) : ActionResult.failure(error);
  }

  static String summary(String output) {
    String last = null;
    Matcher matcher = SUMMARY.matcher(output);
    while (matcher.find()) {
      last = matcher.group(1);
    }
    return last != null ? last : "(Terraform printed no summary line)";
  }

  private static Future<ActionResult> done(ActionResult result) {
    return Future.succeededFuture(result);
  }
}

package io.switchboard.executor.action.terraform;

import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.executor.action.MapSecretStore;
import io.switchboard.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the terraform tests share: a workspaces directory ({@code <dir>/<tenant>/<workspace>}), a data
 * directory, secrets in a map, and helpers that run one job and wait for its result.
 */
abstract class TerraformTestBase {

  @TempDir
  Path workspaces;
  @TempDir
  Path data;
  @TempDir
  Path scratch;

  Vertx vertx;
  MapSecretStore store;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
    store = new MapSecretStore();
  }

  @AfterEach
  void closeVertx() {
    Await.result(vertx.close());
  }

  /** The action with the test's directories, this binary, and the extra settings. */
  TerraformAction action(String binary, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put(TerraformSettings.WORKSPACES_DIR, workspaces.toString());
    env.put(TerraformSettings.DATA_DIR, data.toString());
    env.put(TerraformSettings.BIN, binary);
    return new TerraformAction(TerraformSettings.fromEnv(env));
  }

  /** Writes the workspace's files (name to content) and answers with its directory. */
  Path workspace(String tenant, String name, Map<String, String> files) throws IOException {
    Path dir = workspaces.resolve(tenant).resolve(name);
    Files.createDirectories(dir);
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue());
    }
    return dir;
  }

  ActionResult run(TerraformAction action, String tenant, long jobId, JsonObject arguments) {
    return result(action, tenant, jobId, arguments, Promise.promise());
  }

  /** Runs the job and answers with its redacted result, as the executor stores it. */
  ActionResult result(TerraformAction action, String tenant, long jobId, JsonObject arguments,
                      Promise<String> stop) {
    JobSecrets secrets = new JobSecrets(store, tenant);
    return secrets.redact(Await.result(start(action, tenant, jobId, arguments, stop, secrets)));
  }

  Future<ActionResult> start(TerraformAction action, String tenant, long jobId, JsonObject arguments,
                             Promise<String> stop, JobSecrets secrets) {
    return action.run(new ActionContext(vertx, tenant, jobId, 1, "idem-" + jobId, arguments, secrets,
        stop.future()));
  }

  static JsonObject plan(String workspace) {
    return new JsonObject().put("operation", "plan").put("workspace", workspace);
  }

  static JsonObject apply(String workspace, long planJob) {
    return new JsonObject().put("operation", "apply").put("workspace", workspace).put("plan", planJob);
  }

  Path savedPlan(String tenant, String workspace, long planJob) {
    return data.resolve("tenants").resolve(tenant).resolve(workspace).resolve("plans").resolve(planJob + ".tfplan");
  }

  static boolean alive(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    return handle.isPresent() && handle.get().isAlive();
  }
}

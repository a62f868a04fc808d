package io.switchboard.executor.action.shell;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShellScriptActionTest {

  private static DatabaseUrl url;

  @TempDir
  Path scripts;
  @TempDir
  Path scratch;

  private Vertx vertx;
  private Pool pool;
  private SecretStore store;
  private ShellScriptAction action;

  @BeforeAll
  static void database() {
    url = TestDatabase.fresh();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
  }

  @BeforeEach
  void setUp() {
    TestDatabase.execute(url, "DELETE FROM tenant_secrets");
    vertx = Vertx.vertx();
    pool = TestDatabase.pool(vertx, url);
    store = new LocalSecretStore(pool, MasterKey.generate());
    action = action(Map.of());
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  // ---------------------------------------------------------------- success and arguments

  @Test
  void aScriptRunsWithItsArgumentsAsSeparateLiteralArgv() throws IOException {
    script("hello.sh", """
        echo "hello from $(basename "$0")"
        echo "argc=$#"
        for a in "$@"; do printf '[%s]\\n' "$a"; done
        echo "to stderr" >&2
        """);

    ActionResult result = run(new JsonObject().put("script", "hello.sh")
        .put("args", new JsonArray().add("--env=prod").add("a/b:c@d+e").add("*").add("$HOME")));

    // '*' and '$HOME' are outside the pattern: refused, never expanded
    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).contains("args[2] '*' is refused");

    ActionResult ok = run(new JsonObject().put("script", "hello.sh")
        .put("args", new JsonArray().add("--env=prod").add("a/b:c@d+e").add("x.y_z-1")));
    assertThat(ok.succeeded()).as(ok.error()).isTrue();
    assertThat(ok.output()).isEqualTo(String.join("\n",
        "`hello.sh` finished (exit 0)",
        "hello from hello.sh",
        "argc=3",
        "[--env=prod]",
        "[a/b:c@d+e]",
        "[x.y_z-1]",
        "to stderr"));
  }

  @Test
  void argumentsAreNeverInterpretedByAShell() throws IOException {
    Path marker = scratch.resolve("pwned");
    script("echo1.sh", "printf '%s\\n' \"$1\"\n");

    for (String hostile : List.of("$(touch " + marker + ")", "`touch " + marker + "`", "a; touch " + marker,
        "a && touch " + marker, "a | tee " + marker, "hello world", "a\nb", "'quoted'", "", "x".repeat(257))) {
      ActionResult result = run(new JsonObject().put("script", "echo1.sh").put("args", new JsonArray().add(hostile)));
      assertThat(result.succeeded()).as(hostile).isFalse();
      assertThat(result.retryable()).isFalse();
      assertThat(result.error()).as(hostile).contains("args[0]").contains("is refused");
    }
    // What the pattern allows reaches the script byte for byte, even what a shell would expand.
    ActionResult literal = run(new JsonObject().put("script", "echo1.sh")
        .put("args", new JsonArray().add("--x=a/../b:@+").add("ignored")));
    assertThat(literal.output()).isEqualTo("`echo1.sh` finished (exit 0)\n--x=a/../b:@+");
    assertThat(marker).doesNotExist();
  }

  @Test
  void badArgumentsAreRefusedWithoutRunningAnything() throws IOException {
    Path marker = scratch.resolve("ran");
    script("mark.sh", "touch " + marker + "\n");

    assertThat(run(new JsonObject()).error()).contains("needs a 'script' argument");
    assertThat(run(new JsonObject().put("script", 7)).error()).contains("needs a 'script' argument");
    assertThat(run(new JsonObject().put("script", "mark.sh").put("args", "a b")).error())
        .contains("'args' argument must be an array");
    assertThat(run(new JsonObject().put("script", "mark.sh").put("args", new JsonArray().add(1))).error())
        .contains("args[0] must be a string");
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i <= ShellScriptAction.MAX_ARGS; i++) {
      tooMany.add("a");
    }
    assertThat(run(new JsonObject().put("script", "mark.sh").put("args", tooMany)).error()).contains("at most 64");
    assertThat(run(new JsonObject().put("script", "mark.sh").put("env", "X")).error())
        .contains("'env' argument must map");
    assertThat(run(new JsonObject().put("script", "mark.sh").put("env", new JsonObject().put("api_token", "s")))
        .error()).contains("env variable name 'api_token' is refused");
    for (String reserved : List.of("PATH", "LD_PRELOAD", "BASH_ENV", "SWITCHBOARD_IDEMPOTENCY_KEY", "LC_ALL", "IFS")) {
      assertThat(run(new JsonObject().put("script", "mark.sh").put("env", new JsonObject().put(reserved, "s")))
          .error()).as(reserved).contains("'" + reserved + "' is reserved");
    }
    assertThat(run(new JsonObject().put("script", "mark.sh").put("env", new JsonObject().put("TOKEN", 5))).error())
        .contains("env.TOKEN must be the name of a secret");
    assertThat(run(new JsonObject().put("script", "mark.sh").put("cmd", "rm -rf /")).error())
        .contains("unknown argument 'cmd'");
    assertThat(marker).doesNotExist();
  }

  // ---------------------------------------------------------------- which files may run

  @Test
  void onlyExecutableRegularFilesDirectlyInTheScriptsDirectoryMayRun() throws IOException {
    Path marker = scratch.resolve("ran");
    Path outside = scratch.resolve("outside.sh");
    Files.writeString(outside, "#!/bin/bash\ntouch " + marker + "\n");
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwx------"));
    Files.createSymbolicLink(scripts.resolve("escape.sh"), outside);
    Files.createSymbolicLink(scripts.resolve("shell"), Path.of("/bin/bash"));
    Files.createSymbolicLink(scripts.resolve("dangling.sh"), scratch.resolve("nothing"));
    Files.writeString(scripts.resolve("plain.sh"), "#!/bin/bash\ntouch " + marker + "\n");
    Files.createDirectory(scripts.resolve("subdir"));
    script("inside.sh", "echo inside\n");
    Files.createSymbolicLink(scripts.resolve("alias.sh"), scripts.resolve("inside.sh"));

    assertThat(error("../outside.sh")).contains("not a plain script file name");
    assertThat(error("subdir/x.sh")).contains("not a plain script file name");
    assertThat(error(outside.toString())).contains("not a plain script file name");
    assertThat(error("..")).contains("not a plain script file name");
    assertThat(error(".hidden")).contains("not a plain script file name");
    assertThat(error("a..b")).contains("not a plain script file name");
    assertThat(error("escape.sh")).contains("link leading out of the scripts directory");
    assertThat(error("shell")).contains("link leading out of the scripts directory");
    assertThat(error("dangling.sh")).contains("link to nothing");
    assertThat(error("plain.sh")).contains("is not executable");
    assertThat(error("subdir")).contains("is not a regular file");
    assertThat(error("missing.sh")).contains("no script 'missing.sh'");
    assertThat(marker).doesNotExist();
    assertThat(run(new JsonObject().put("script", "alias.sh")).output()).endsWith("\ninside");
  }

  @Test
  void withoutAScriptsDirectoryEveryJobIsRefused() throws IOException {
    script("ok.sh", "echo ok\n");
    ShellScriptAction unconfigured = new ShellScriptAction(ShellSettings.fromEnv(Map.of()));

    ActionResult result = Await.result(unconfigured.run(context("acme", new JsonObject().put("script", "ok.sh"),
        Promise.promise())));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).contains("no scripts directory configured").contains("SWITCHBOARD_SHELL_SCRIPTS_DIR");
    ShellScriptAction missingDir = new ShellScriptAction(ShellSettings.fromEnv(Map.of(ShellSettings.SCRIPTS_DIR,
        scratch.resolve("nope").toString())));
    assertThat(Await.result(missingDir.run(context("acme", new JsonObject().put("script", "ok.sh"),
        Promise.promise()))).error()).contains("does not exist");
  }

  // ---------------------------------------------------------------- environment and secrets

  @Test
  void theEnvironmentHoldsOnlyPathLangTheIdempotencyKeyAndTheDeclaredSecrets() throws IOException {
    Await.result(store.put("acme", "deploy-token", "acme-deploy-token-1234"));
    Await.result(store.put("globex", "deploy-token", "globex-deploy-token-9876"));
    Await.result(store.put("acme", "db-password", "acme-db-pass-5678"));
    // bash itself exports PWD, SHLVL and _ to the commands it runs; everything else came from us
    script("env.sh", "exec /usr/bin/env\n");

    ActionResult result = run(new JsonObject().put("script", "env.sh")
        .put("env", new JsonObject().put("API_TOKEN", "deploy-token").put("DB_PASSWORD", "db-password")));

    assertThat(result.succeeded()).as(result.error()).isTrue();
    List<String> env = result.output().lines().skip(1)
        .filter(line -> !line.startsWith("PWD=") && !line.startsWith("SHLVL=") && !line.startsWith("_="))
        .sorted().toList();
    assertThat(env).containsExactly(
        "API_TOKEN=[redacted:deploy-token]",
        "DB_PASSWORD=[redacted:db-password]",
        "LANG=C.UTF-8",
        "PATH=/usr/bin:/bin",
        "SWITCHBOARD_IDEMPOTENCY_KEY=idem-key");
    assertThat(result.output()).doesNotContain("globex");
  }

  @Test
  void secretsComeFromTheJobsTenantAndAreRedactedFromOutputAndErrors() throws IOException {
    Await.result(store.put("acme", "deploy-token", "acme-deploy-token-1234"));
    Await.result(store.put("globex", "deploy-token", "globex-deploy-token-9876"));
    script("leak.sh", """
        echo "token is $API_TOKEN"
        echo "reversed: $(printf '%s' "$API_TOKEN" | rev)"
        echo "ends in: $(printf '%s' "$API_TOKEN" | tail -c 4)"
        [ "$1" = fail ] && { echo "failed with $API_TOKEN" >&2; exit 2; }
        exit 0
        """);
    JsonObject env = new JsonObject().put("API_TOKEN", "deploy-token");

    JobSecrets acmeSecrets = new JobSecrets(store, "acme");
    ActionResult acme = Await.result(action.run(new ActionContext(vertx, "acme", 1L, 1, "idem-key",
        new JsonObject().put("script", "leak.sh").put("env", env), acmeSecrets, Promise.<String>promise().future())));
    JobSecrets globexSecrets = new JobSecrets(store, "globex");
    ActionResult globex = Await.result(action.run(new ActionContext(vertx, "globex", 2L, 1, "idem-key-2",
        new JsonObject().put("script", "leak.sh").put("env", env).put("args", new JsonArray().add("fail")),
        globexSecrets, Promise.<String>promise().future())));

    assertThat(acmeSecrets.redact(acme).output()).isEqualTo(String.join("\n",
        "`leak.sh` finished (exit 0)",
        "token is [redacted:deploy-token]",
        "reversed: [redacted:deploy-token]",
        "ends in: 1234"));
    // (the last four characters are no secret; they show whose secret the script got)
    assertThat(globex.error()).contains("ends in: 9876").doesNotContain("ends in: 1234");
    ActionResult globexRedacted = globexSecrets.redact(globex);
    assertThat(globexRedacted.error()).contains("failed with [redacted:deploy-token]")
        .doesNotContain("globex-deploy-token").doesNotContain("acme-deploy-token");
  }

  @Test
  void aMissingSecretRefusesTheJobByName() throws IOException {
    Await.result(store.put("globex", "deploy-token", "globex-deploy-token-9876"));
    Path marker = scratch.resolve("ran");
    script("mark.sh", "touch " + marker + "\n");

    ActionResult result = run(new JsonObject().put("script", "mark.sh")
        .put("env", new JsonObject().put("API_TOKEN", "deploy-token")));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).contains("cannot set API_TOKEN").contains("secret 'deploy-token' is not set")
        .doesNotContain("globex-deploy-token");
    assertThat(marker).doesNotExist();
  }

  // ---------------------------------------------------------------- exit codes and output

  @Test
  void aNonZeroExitIsAFinalFailureWithTheCodeAndTheLastLines() throws IOException {
    script("fail.sh", """
        for i in $(seq 1 30); do echo "step $i"; done
        echo "boom: disk full" >&2
        exit 3
        """);

    ActionResult result = run(new JsonObject().put("script", "fail.sh"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    List<String> lines = result.error().lines().toList();
    assertThat(lines.get(0)).isEqualTo("`fail.sh` failed with exit code 3; last lines:");
    assertThat(lines.subList(1, lines.size())).hasSize(20).startsWith("step 12").endsWith("step 30", "boom: disk full");
  }

  @Test
  void exitCode75IsARetryableFailure() throws IOException {
    script("busy.sh", "echo 'lock held by another deploy'\nexit 75\n");

    ActionResult result = run(new JsonObject().put("script", "busy.sh"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isTrue();
    assertThat(result.error()).startsWith("`busy.sh` failed with exit code 75 (EX_TEMPFAIL")
        .endsWith("lock held by another deploy");
  }

  @Test
  void onlyTheTailOfALongOutputIsKeptAndTheCutIsSaid() throws IOException {
    script("chatty.sh", "for i in $(seq -w 1 5000); do echo \"line $i\"; done\n");
    ShellScriptAction small = action(Map.of(ShellSettings.OUTPUT_LIMIT_BYTES, "1024"));

    ActionResult result = Await.result(small.run(context("acme", new JsonObject().put("script", "chatty.sh"),
        Promise.promise())));

    assertThat(result.succeeded()).isTrue();
    List<String> lines = result.output().lines().toList();
    assertThat(lines.get(0)).isEqualTo("`chatty.sh` finished (exit 0) (output cut: only the last 1024 of 50000 bytes "
        + "kept)");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("line 5000");
    assertThat(lines.subList(1, lines.size())).allMatch(line -> line.matches("line \\d{4}"));
    assertThat(result.output().length()).isLessThan(1024 + 100);
  }

  @Test
  void theScriptRunsInAFreshWorkingDirectoryThatIsDeletedAfterwards() throws IOException {
    script("pwd.sh", "pwd\ntouch leftover.txt\nls\n");

    ActionResult first = run(new JsonObject().put("script", "pwd.sh"));
    ActionResult second = run(new JsonObject().put("script", "pwd.sh"));

    Path firstDir = Path.of(first.output().lines().toList().get(1));
    Path secondDir = Path.of(second.output().lines().toList().get(1));
    assertThat(firstDir).isNotEqualTo(secondDir).isNotEqualTo(scripts);
    assertThat(first.output()).endsWith("\nleftover.txt");
    assertThat(second.output()).endsWith("\nleftover.txt");
    Await.until("the working directories are deleted", () -> !Files.exists(firstDir) && !Files.exists(secondDir));
  }

  // ---------------------------------------------------------------- stop

  @Test
  void stopKillsTheScriptAndItsChildren() throws IOException {
    Path pids = scratch.resolve("pids");
    script("slow.sh", """
        sleep 600 &
        echo "$! $$ $PWD" > "$1.tmp" && mv "$1.tmp" "$1"
        wait
        """);
    Promise<String> stop = Promise.promise();

    Future<ActionResult> running = action.run(context("acme", new JsonObject().put("script", "slow.sh")
        .put("args", new JsonArray().add(pids.toString())), stop));
    Await.until("the script has started its child", () -> Files.exists(pids));
    String[] started = Files.readString(pids).trim().split(" ");
    long child = Long.parseLong(started[0]);
    long script = Long.parseLong(started[1]);
    Path workDir = Path.of(started[2]);
    assertThat(alive(child)).isTrue();
    assertThat(alive(script)).isTrue();
    assertThat(running.isComplete()).isFalse();

    stop.complete("cancelled by alice");

    ActionResult result = Await.result(running);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).isEqualTo("shell: stopped (cancelled by alice); the script 'slow.sh' and its child "
        + "processes were killed");
    Await.until("the script is gone", () -> !alive(script));
    Await.until("its child is gone", () -> !alive(child));
    Await.until("its working directory is deleted", () -> !Files.exists(workDir));
  }

  @Test
  void aScriptIgnoringSigtermIsKilledAfterTheGrace() throws IOException {
    Path pids = scratch.resolve("pids");
    script("stubborn.sh", """
        trap '' TERM
        echo "$$" > "$1.tmp" && mv "$1.tmp" "$1"
        while true; do sleep 0.1; done
        """);
    ShellScriptAction quick = action(Map.of(ShellSettings.KILL_GRACE_MILLIS, "200"));
    Promise<String> stop = Promise.promise();

    Future<ActionResult> running = quick.run(context("acme", new JsonObject().put("script", "stubborn.sh")
        .put("args", new JsonArray().add(pids.toString())), stop));
    Await.until("the script has started", () -> Files.exists(pids));
    long script = Long.parseLong(Files.readString(pids).trim());
    stop.complete("timed out after 1 s");

    assertThat(Await.result(running).error()).contains("stopped (timed out after 1 s)");
    Await.until("the stubborn script is gone", () -> !alive(script));
  }

  @Test
  void aJobStoppedBeforeItStartsRunsNothing() throws IOException {
    Path marker = scratch.resolve("ran");
    script("mark.sh", "touch " + marker + "\n");
    Promise<String> stop = Promise.promise();
    stop.complete("shutting down");

    ActionResult result = Await.result(action.run(context("acme", new JsonObject().put("script", "mark.sh"), stop)));

    assertThat(result.error()).contains("stopped").contains("shutting down");
    assertThat(marker).doesNotExist();
  }

  // ---------------------------------------------------------------- settings

  @Test
  void settingsComeFromTheEnvironmentAndNameTheBadVariable() {
    ShellSettings none = ShellSettings.fromEnv(Map.of());
    assertThat(none.scriptsDir()).isNull();
    assertThat(none.outputLimitBytes()).isEqualTo(65536);
    assertThat(none.killGrace()).isEqualTo(Duration.ofSeconds(2));
    ShellSettings set = ShellSettings.fromEnv(Map.of(ShellSettings.SCRIPTS_DIR, "/opt/switchboard/scripts",
        ShellSettings.OUTPUT_LIMIT_BYTES, "4096", ShellSettings.KILL_GRACE_MILLIS, "0"));
    assertThat(set.scriptsDir()).isEqualTo(Path.of("/opt/switchboard/scripts"));
    assertThat(set.outputLimitBytes()).isEqualTo(4096);
    assertThat(set.killGrace()).isZero();

    assertThatThrownBy(() -> ShellSettings.fromEnv(Map.of(ShellSettings.SCRIPTS_DIR, "scripts")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_SHELL_SCRIPTS_DIR");
    assertThatThrownBy(() -> ShellSettings.fromEnv(Map.of(ShellSettings.OUTPUT_LIMIT_BYTES, "0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_SHELL_OUTPUT_LIMIT_BYTES");
    assertThatThrownBy(() -> ShellSettings.fromEnv(Map.of(ShellSettings.OUTPUT_LIMIT_BYTES, "64k")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_SHELL_OUTPUT_LIMIT_BYTES");
    assertThatThrownBy(() -> ShellSettings.fromEnv(Map.of(ShellSettings.KILL_GRACE_MILLIS, "-1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_SHELL_KILL_GRACE_MILLIS");
  }

  // ---------------------------------------------------------------- helpers

  private ShellScriptAction action(Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(extra);
    env.put(ShellSettings.SCRIPTS_DIR, scripts.toString());
    return new ShellScriptAction(ShellSettings.fromEnv(env));
  }

  private void script(String name, String body) throws IOException {
    Path file = scripts.resolve(name);
    Files.writeString(file, "#!/bin/bash\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private ActionResult run(JsonObject arguments) {
    return Await.result(action.run(context("acme", arguments, Promise.promise())));
  }

  private String error(String script) {
    ActionResult result = run(new JsonObject().put("script", script));
    assertThat(result.succeeded()).as(script).isFalse();
    assertThat(result.retryable()).as(script).isFalse();
    return result.error();
  }

  private ActionContext context(String tenant, JsonObject arguments, Promise<String> stop) {
    return new ActionContext(vertx, tenant, 1L, 1, "idem-key", arguments, new JobSecrets(store, tenant), stop.future());
  }

  private static boolean alive(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    return handle.isPresent() && handle.get().isAlive();
  }
}

package io.switchboard.deploy;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LocalResources;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.testkit.slack.SlackResponseUrlServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secret canaries (issue 11): the promise that a secret handed to an action never leaves the
 * executor in any form redaction claims to catch, checked end to end. Every action type that takes
 * a secret gets its own random canary through the admin API; a node (role all, a separate JVM whose
 * output goes to a file) runs, from signed Slack slash commands, one command per action type and
 * outcome: the target or script prints the secret back in every form of {@link CanaryForms} in a
 * successful answer, in a failure, and while the job waits (as progress, for GitHub Actions and
 * Jenkins), and a third command per type hangs until the job times out. Then the node's log, every
 * row of every table, every message Slack's stand-in received, {@code /metrics} and the admin API's
 * answers for jobs and the audit log must hold none of those forms, while the targets did receive the
 * secret and the jobs show {@code [redacted:<name>]} where it was.
 *
 * <p>Not covered here: {@code prometheus} (its token is sent, but the answer is formatted series, so a
 * target has no free text to print it in), {@code flyway} (a real database and its own redaction of
 * the URL, {@code FlywayActionTest}), {@code simulated} and {@code echo} (no secrets).
 */
@DisplayName("Secret canaries: no form of an action's secret reaches logs, tables, chat, metrics or the API")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretCanaryTest {

  private static final String SIGNING_SECRET = "canary-signing-secret";
  private static final String ADMIN_TOKEN = "sbt_canary_admin_token";
  private static final String METRICS_TOKEN = "canary-metrics-token";
  private static final String LOG_NAME = "secret-canary-node";
  private static final Path LOG = Path.of("target", LOG_NAME + ".log");
  private static final List<String> MODES = List.of("ok", "fail", "hang");
  /** Pieces of a value this long count as a leak (its label is at most 9 characters, the random part 38). */
  private static final int PIECE = 16;

  /** The canaries by secret name; the Jenkins user is a secret too. */
  private final Map<String, String> canaries = new LinkedHashMap<>();
  private final Map<String, Long> jobs = new LinkedHashMap<>();
  private final List<String> acks = new ArrayList<>();
  private final Set<String> progressSeen = new LinkedHashSet<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Vertx vertx = Vertx.vertx();
  private SlackResponseUrlServer slack;
  private CanaryTargets targets;
  private DatabaseUrl database;
  private Pool pool;
  private NodeProcess node;
  private String base;
  private Path scratch;

  @BeforeAll
  void runEveryActionWithACanary() throws Exception {
    for (String type : List.of("http", "github", "jenkins", "kube", "shell", "terraform")) {
      canaries.put("canary-" + type, CanaryForms.fresh(type));
    }
    canaries.put("canary-jenkins-user", CanaryForms.fresh("user", " /+=%~"));
    slack = SlackResponseUrlServer.start();
    targets = new CanaryTargets(vertx);
    database = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, database);
    scratch = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "secret-canary-");
    int port = LocalResources.freePort();
    base = "http://127.0.0.1:" + port;
    node = spawnNode(port);
    node.awaitReady(Duration.ofMinutes(2));

    TestDatabase.execute(database, "UPDATE tenants SET max_running_jobs = 64 WHERE id = 'demo'");
    canaries.forEach(this::putSecret);
    putSecret("kube-api", targets.base() + "/k8s");
    putPolicy();

    for (String command : commands().keySet()) {
      // A channel each: results to one channel at the same moment would be posted as one digest without outputs.
      HttpResponse<String> ack = SignedSlashCommand.of(SIGNING_SECRET, "T0DEMO", command, slack.responseUrl(command))
          .field("channel_id", "C0" + command.replace("-", "").toUpperCase()).post(base);
      acks.add(ack.body());
      Matcher queued = Pattern.compile("Queued as job (\\d+)").matcher(ack.body());
      assertThat(queued.find()).as("ack of %s: %s", command, ack.body()).isTrue();
      jobs.put(command, Long.parseLong(queued.group(1)));
    }
    // A job keeps only its latest progress line: the earlier ones are gathered as they come.
    waitUntil("every job has ended and its result reached Slack", () -> {
      Await.result(pool.query("SELECT progress FROM jobs WHERE progress IS NOT NULL").execute())
          .forEach(row -> progressSeen.add(row.getString(0)));
      return count("SELECT count(*) FROM jobs WHERE status IN ('succeeded', 'failed') AND replied_at IS NOT NULL")
          == jobs.size();
    });
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (node != null) {
      node.stop();
    }
    if (targets != null) {
      targets.close();
    }
    if (slack != null) {
      slack.close();
    }
    Await.result(vertx.close());
  }

  // ------------------------------------------------------------------ the canaries did flow

  @Test
  @Order(0)
  @DisplayName("what the targets and scripts print holds every claimed form of the secret")
  void theEchoesHoldEveryForm() throws Exception {
    String value = canaries.get("canary-shell");
    ProcessBuilder script = new ProcessBuilder("bash", "-c", FORMS_FUNCTION + "forms \"$V\"").redirectErrorStream(true);
    script.environment().put("V", value);
    Process bash = script.start();
    String printed;
    try (var out = bash.getInputStream()) {
      printed = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(bash.waitFor()).as(printed).isZero();
    assertThat(printed.lines()).as("lines the scripts print").hasSameSizeAs(CanaryForms.echo(value).lines().toList());
    CanaryForms.forms(value).forEach((form, encoded) -> {
      assertThat(CanaryForms.echo(value)).as("the targets' echo holds the %s", form).contains(encoded);
      assertThat(printed).as("the scripts' echo holds the %s", form).contains(encoded);
    });
  }

  @Test
  @Order(1)
  @DisplayName("every target got its secret, and every job shows [redacted:<name>] where the forms were")
  void theCanariesFlowed() {
    assertThat(targets.authorizations("hook")).contains("Bearer " + canaries.get("canary-http"));
    assertThat(targets.authorizations("github")).contains("Bearer " + canaries.get("canary-github"));
    assertThat(targets.authorizations("k8s")).contains("Bearer " + canaries.get("canary-kube"));
    assertThat(targets.authorizations("jenkins")).contains("Basic " + Base64.getEncoder().encodeToString(
        (canaries.get("canary-jenkins-user") + ":" + canaries.get("canary-jenkins")).getBytes(StandardCharsets.UTF_8)));

    int lines = CanaryForms.echo("x").split("\n").length;
    for (Map.Entry<String, Long> job : jobs.entrySet()) {
      JsonObject read = new JsonObject(get("/api/v1/jobs/" + job.getValue()));
      String secret = secretOf(job.getKey());
      if (job.getKey().endsWith("-long")) {
        assertThat(read.getString("status")).as(job.getKey()).isEqualTo("succeeded");
        assertThat(read.getString("output")).as(job.getKey()).contains("[redac");
      } else if (job.getKey().endsWith("-hang")) {
        assertThat(read.getString("status")).as(job.getKey()).isEqualTo("failed");
        assertThat(read.getString("error")).as(job.getKey()).contains("timed out");
      } else {
        String text = job.getKey().endsWith("-ok") ? read.getString("output") : read.getString("error");
        assertThat(read.getString("status")).as(job.getKey() + ": " + read.encodePrettily())
            .isEqualTo(job.getKey().endsWith("-ok") ? "succeeded" : "failed");
        assertThat(occurrences(text, "[redacted:" + secret)).as("markers in %s's %s", job.getKey(), text)
            .isGreaterThanOrEqualTo(lines);
      }
    }
    for (String waiting : List.of("canary-github-hang", "canary-jenkins-hang")) {
      assertThat(progressSeen.stream().filter(line -> line.contains("[redacted:" + secretOf(waiting) + "]")))
          .as("progress lines of %s seen while it ran", waiting).isNotEmpty();
    }
  }

  // ------------------------------------------------------------------ and none of their forms left

  @Test
  @Order(2)
  @DisplayName("the node's log (stdout and stderr, io.switchboard at debug) holds no form of any canary")
  void logs() throws Exception {
    node.terminate(Duration.ofSeconds(60));
    String log = node.output();
    assertThat(log).as("the log").contains("Switchboard is running").contains("Switchboard stopped");
    assertNoCanary("the node's log " + LOG, log);
  }

  @Test
  @Order(3)
  @DisplayName("no row of any table in schema public holds a form of any canary")
  void everyTable() {
    List<String> tables = Await.result(pool.query("SELECT table_name FROM information_schema.tables "
        + "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name").execute())
        .stream().map(row -> row.getString(0)).toList();
    assertThat(tables).contains("jobs", "job_attempts", "audit_events", "tenant_secrets", "tenant_policies");
    for (String table : tables) {
      StringBuilder dump = new StringBuilder();
      for (Row row : Await.result(pool.query("SELECT t::text FROM public.\"" + table.replace("\"", "\"\"")
          + "\" AS t").execute())) {
        dump.append(row.getString(0)).append('\n');
      }
      assertNoCanary("table " + table, dump.toString());
    }
  }

  @Test
  @Order(1)
  @DisplayName("no message to Slack (results, acknowledgements) holds a form of any canary")
  void slackMessages() {
    assertThat(slack.posts()).hasSizeGreaterThanOrEqualTo(1);
    StringBuilder all = new StringBuilder(String.join("\n", acks));
    slack.posts().forEach(post -> all.append('\n').append(post.message().encode()));
    jobs.keySet().stream().filter(command -> command.endsWith("-ok") || command.endsWith("-fail")).forEach(command ->
        assertThat(slack.posts()).as("Slack's posts").anySatisfy(post -> {
          assertThat(post.path()).endsWith("/" + command);
          assertThat(post.message().encode()).contains("[redacted:" + secretOf(command));
        }));
    assertNoCanary("Slack's messages", all.toString());
  }

  @Test
  @Order(1)
  @DisplayName("no progress line seen while the jobs ran holds a form of any canary")
  void progress() {
    assertThat(progressSeen).isNotEmpty();
    assertNoCanary("progress lines", String.join("\n", progressSeen));
  }

  @Test
  @Order(1)
  @DisplayName("/metrics holds no form of any canary")
  void metrics() {
    String metrics = send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
        .header("Authorization", "Bearer " + METRICS_TOKEN).build());
    assertThat(metrics).contains("switchboard_jobs_completed_total");
    assertNoCanary("/metrics", metrics);
  }

  @Test
  @Order(1)
  @DisplayName("the admin API's jobs, job details and audit log hold no form of any canary")
  void adminApi() {
    StringBuilder answers = new StringBuilder(get("/api/v1/jobs?limit=100"));
    jobs.values().forEach(id -> answers.append('\n').append(get("/api/v1/jobs/" + id)));
    long after = 0;
    while (true) {
      JsonObject page = new JsonObject(get("/api/v1/audit?limit=100&after=" + after));
      answers.append('\n').append(page.encode());
      JsonArray events = page.getJsonArray("events");
      if (events.isEmpty()) {
        break;
      }
      after = page.getLong("nextAfter");
    }
    answers.append('\n').append(get("/api/v1/secrets"));
    assertThat(answers).contains("job.succeeded").contains("[redacted:canary-http]");
    assertNoCanary("the admin API's answers", answers.toString());
  }

  // ------------------------------------------------------------------ the scan

  /**
   * No claimed form of any canary in {@code text}, and no piece of {@value #PIECE} characters of a
   * value either: a secret cut short by an output limit before it was redacted is a leak too.
   */
  private void assertNoCanary(String where, String text) {
    List<String> found = new ArrayList<>();
    canaries.forEach((name, value) -> {
      Map<String, String> forms = new LinkedHashMap<>(CanaryForms.forms(value));
      for (int i = 0; i + PIECE <= value.length(); i++) {
        forms.putIfAbsent("piece " + i + ".." + (i + PIECE) + " of the value", value.substring(i, i + PIECE));
      }
      forms.forEach((form, encoded) -> {
        int at = text.indexOf(encoded);
        if (at >= 0) {
          found.add(name + " as " + form + " (" + encoded + ") at: "
              + text.substring(Math.max(0, at - 120), Math.min(text.length(), at + encoded.length() + 40)));
        }
      });
    });
    assertThat(found).as("forms of secrets found in %s", where).isEmpty();
  }

  // ------------------------------------------------------------------ set-up

  /** The catalog: one command per action type and outcome, run by anyone, once, without locks. */
  private Map<String, JsonObject> commands() {
    String t = targets.base();
    Map<String, JsonObject> commands = new LinkedHashMap<>();
    for (String mode : MODES) {
      commands.put("canary-http-" + mode, action("http", new JsonObject().put("method", "POST")
          .put("url", t + "/hook/" + mode)
          .put("headers", new JsonObject().put("Authorization", "Bearer {{secret:canary-http}}"))
          .put("body", new JsonObject().put("token", "{{secret:canary-http}}"))));
      commands.put("canary-github-" + mode, action("github-actions", new JsonObject().put("owner", "acme")
          .put("repo", mode).put("workflow", "deploy.yml").put("ref", "main").put("tokenSecret", "canary-github")
          .put("inputs", new JsonObject())));
      commands.put("canary-jenkins-" + mode, action("jenkins", new JsonObject().put("url", t + "/jenkins")
          .put("job", mode).put("userSecret", "canary-jenkins-user").put("tokenSecret", "canary-jenkins")));
      commands.put("canary-kube-" + mode, action("kubernetes", new JsonObject().put("operation", "get-pods")
          .put("namespace", mode).put("deployment", "app").put("apiServerSecret", "kube-api")
          .put("tokenSecret", "canary-kube")));
      commands.put("canary-shell-" + mode, action("shell", new JsonObject().put("script", "canary.sh")
          .put("args", new JsonArray().add(mode)).put("env", new JsonObject().put("CANARY", "canary-shell"))));
      commands.put("canary-terraform-" + mode, action("terraform", new JsonObject().put("operation", "plan")
          .put("workspace", "infra").put("vars", new JsonObject().put("mode", mode))
          .put("secretVars", new JsonObject().put("token", "canary-terraform"))));
    }
    commands.put("canary-http-long", action("http", new JsonObject().put("method", "POST").put("url", t + "/hook/long")
        .put("headers", new JsonObject().put("Authorization", "Bearer {{secret:canary-http}}"))));
    commands.forEach((name, command) -> command.put("name", name).put("description", "secret canary")
        .put("readOnly", true).put("arguments", new JsonArray()).put("maxAttempts", 1)
        .put("timeoutSeconds", name.endsWith("-hang") ? hangSeconds(name) : 60));
    return commands;
  }

  /** GitHub Actions and Jenkins report progress while they wait: long enough for every piece of the echo. */
  private static int hangSeconds(String command) {
    return command.contains("github") || command.contains("jenkins") ? 8 : 3;
  }

  private static JsonObject action(String type, JsonObject parameters) {
    return new JsonObject().put("action", new JsonObject().put("type", type).put("parameters", parameters));
  }

  private String secretOf(String command) {
    String type = command.substring("canary-".length(), command.lastIndexOf('-'));
    return "canary-" + type;
  }

  private void putPolicy() {
    JsonObject bucket = new JsonObject().put("burst", 100).put("perMinute", 1000);
    JsonObject policy = new JsonObject()
        .put("commands", new JsonArray(new ArrayList<>(commands().values())))
        .put("roles", new JsonArray().add(new JsonObject().put("name", "runner").put("description", "runs canaries")
            .put("permissions", new JsonArray().add(new JsonObject().put("commands", new JsonArray().add("*"))))))
        .put("bindings", new JsonArray().add(new JsonObject().put("role", "runner")
            .put("subjects", new JsonArray().add("slack:user:U0USER"))))
        .put("rateLimits", new JsonObject().put("tenant", bucket).put("user", bucket).put("channel", bucket));
    HttpResponse<String> current = exchange(HttpRequest.newBuilder(URI.create(base + "/api/v1/policy"))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).build());
    String etag = current.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> put = exchange(HttpRequest.newBuilder(URI.create(base + "/api/v1/policy"))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
        .header("If-Match", etag).PUT(HttpRequest.BodyPublishers.ofString(policy.encode())).build());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
  }

  private void putSecret(String name, String value) {
    HttpResponse<String> put = exchange(HttpRequest.newBuilder(URI.create(base + "/api/v1/secrets/" + name))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(new JsonObject().put("value", value).encode())).build());
    assertThat(put.statusCode()).as(put.body()).isBetween(200, 204);
  }

  /** A node with gateway and executor in a JVM of its own, its stdout and stderr in {@link #LOG}. */
  private NodeProcess spawnNode(int port) throws IOException {
    Path scripts = Files.createDirectories(scratch.resolve("scripts"));
    executable(scripts.resolve("canary.sh"), "#!/bin/bash\n" + FORMS_FUNCTION + """
        forms "$CANARY"
        case "$1" in
          ok) exit 0 ;;
          fail) exit 3 ;;
          *) exec sleep 120 ;;
        esac
        """);
    Path terraform = scratch.resolve("terraform");
    executable(terraform, "#!/bin/bash\n" + FORMS_FUNCTION + """
        case "$1" in
          init) echo "Terraform has been successfully initialized!"; exit 0 ;;
          plan)
            mode=""
            for a in "$@"; do case "$a" in -out=*) out="${a#-out=}" ;; mode=*) mode="${a#mode=}" ;; esac; done
            echo "Plan: 1 to add, 0 to change, 0 to destroy."
            forms "$TF_VAR_token"
            case "$mode" in
              ok) echo fake-plan > "$out"; exit 2 ;;
              fail) exit 1 ;;
              *) exec sleep 120 ;;
            esac ;;
        esac
        exit 64
        """);
    Path workspaces = scratch.resolve("workspaces");
    Files.createDirectories(workspaces.resolve("demo/infra"));
    Files.writeString(workspaces.resolve("demo/infra/main.tf"), "# canary\n");

    Map<String, String> env = new HashMap<>();
    env.put("SWITCHBOARD_DATABASE_URL", database.withCredentials());
    env.put("SWITCHBOARD_MASTER_KEY", TestSecrets.MASTER_KEY);
    env.put("SWITCHBOARD_AUDIT_ANCHOR_FILE", TestSecrets.anchorFile());
    env.put("SWITCHBOARD_DEMO_TENANT", "true");
    env.put("SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET", SIGNING_SECRET);
    env.put("SWITCHBOARD_DEMO_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("SWITCHBOARD_METRICS_TOKEN", METRICS_TOKEN);
    env.put("SWITCHBOARD_HTTP_HOST", "127.0.0.1");
    env.put("SWITCHBOARD_HTTP_PORT", Integer.toString(port));
    env.put("SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", slack.prefix());
    env.put("SWITCHBOARD_EXECUTOR_POLL_MILLIS", "200");
    env.put("SWITCHBOARD_EXECUTOR_CONCURRENCY", "32");
    env.put("SWITCHBOARD_HTTP_ACTION_ALLOW_PRIVATE", "true");
    env.put("SWITCHBOARD_GITHUB_API_URL", targets.base() + "/github/api/v3");
    env.put("SWITCHBOARD_GITHUB_POLL_MILLIS", "100");
    env.put("SWITCHBOARD_JENKINS_POLL_MILLIS", "100");
    env.put("SWITCHBOARD_KUBERNETES_POLL_MILLIS", "100");
    env.put("SWITCHBOARD_SHELL_SCRIPTS_DIR", scripts.toString());
    env.put("SWITCHBOARD_SHELL_KILL_GRACE_MILLIS", "500");
    env.put("SWITCHBOARD_TERRAFORM_BIN", terraform.toString());
    env.put("SWITCHBOARD_TERRAFORM_WORKSPACES_DIR", workspaces.toString());
    env.put("SWITCHBOARD_TERRAFORM_DATA_DIR", scratch.resolve("terraform-data").toString());
    env.put("SWITCHBOARD_TERRAFORM_KILL_GRACE_MILLIS", "500");
    return NodeProcess.start(LOG_NAME, LOG.getParent(), "all", List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-Dorg.slf4j.simpleLogger.log.io.switchboard=debug"), env, port);
  }

  /**
   * {@code forms VALUE} prints VALUE in every form, one {@code label=form} line each, as
   * {@link CanaryForms#echo} does, with the tools a script has at hand (base64, od, tr, bash).
   */
  private static final String FORMS_FUNCTION = """
      forms() {
        local v="$1" pre
        printf 'raw=%s\\n' "$v"
        for pre in "" x xy; do
          printf 'b64(%s_)=%s\\n' "$pre" "$(printf '%s%s!' "$pre" "$v" | base64 -w0)"
          printf 'b64url(%s_)=%s\\n' "$pre" "$(printf '%s%s!' "$pre" "$v" | base64 -w0 | tr '+/' '-_')"
        done
        printf 'b64=%s\\n' "$(printf '%s' "$v" | base64 -w0)"
        printf 'basic=Basic %s\\n' "$(printf 'deploy-bot:%s' "$v" | base64 -w0)"
        pct() { # keep, what a space becomes (empty: encoded), hex format
          local out="" c h i
          for ((i = 0; i < ${#v}; i++)); do
            c="${v:i:1}"
            case "$c" in
              [a-zA-Z0-9]) out+="$c" ;;
              " ") if [ -n "$2" ]; then out+="$2"; else printf -v h "$3" "'$c"; out+="$h"; fi ;;
              *) if [[ "$1" == *"$c"* ]]; then out+="$c"; else printf -v h "$3" "'$c"; out+="$h"; fi ;;
            esac
          done
          printf '%s' "$out"
        }
        printf 'query=%s\\n' "$(pct '.-*_' '+' '%%%02X')"
        printf 'path=%s\\n' "$(pct '.-*_' '' '%%%02X')"
        printf 'pct=%s\\n' "$(pct '-._~' '' '%%%02X')"
        printf 'pctlower=%s\\n' "$(pct '-._~' '' '%%%02x')"
        printf 'hex=%s\\n' "$(printf '%s' "$v" | od -An -v -tx1 | tr -d ' \\n')"
        printf 'HEX=%s\\n' "$(printf '%s' "$v" | od -An -v -tx1 | tr -d ' \\n' | tr a-f A-F)"
        local r="" i
        for ((i = ${#v} - 1; i >= 0; i--)); do r+="${v:i:1}"; done
        printf 'rev=%s\\n' "$r"
      }
      """;

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
  }

  // ------------------------------------------------------------------ plumbing

  private String get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + ADMIN_TOKEN).build());
  }

  private String send(HttpRequest request) {
    HttpResponse<String> response = exchange(request);
    assertThat(response.statusCode()).as("%s: %s", request.uri(), response.body()).isEqualTo(200);
    return response.body();
  }

  private HttpResponse<String> exchange(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls every 100 ms for up to two minutes: a JVM starting on a busy CI machine takes its time. */
  private static void waitUntil(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(100);
    }
  }

  private long count(String sql) {
    return Await.result(pool.query(sql).execute()).iterator().next().getLong(0);
  }

  private static int occurrences(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }
}

package io.switchboard.deploy;

import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.gateway.sandbox.SandboxVisitor;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guided tour of {@code docs/sandbox.md}, step by step, against a whole node (role all) on real
 * PostgreSQL: the demo tenant gets the demo policy at start-up, and alice, bob and carol run its
 * simulated commands through the sandbox API as the page would.
 */
@DisplayName("The sandbox tour: the demo policy and its simulated commands, as alice, bob and carol")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxTourTest {

  private static final String TOKEN = "sbt_tour_admin_token";

  private final Vertx vertx = Vertx.vertx();
  private DatabaseUrl database;
  private Pool pool;
  private SwitchboardNode node;

  @BeforeAll
  void start() {
    database = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, database);
    node = SwitchboardNode.start(config(), TestSecrets.SETTINGS, Role.ALL);
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
    Await.result(vertx.close());
  }

  @Test
  @Order(1)
  @DisplayName("start-up gave the demo tenant the demo policy, audited, as version 1")
  void demoPolicyInstalled() {
    Row stored = one("SELECT version, document, updated_by FROM tenant_policies WHERE tenant_id = 'demo'");
    assertThat(stored.getLong("version")).isEqualTo(1);
    assertThat(stored.getString("updated_by")).isEqualTo(DemoPolicy.ACTOR);
    assertThat(new JsonObject(stored.getValue("document").toString())).isEqualTo(DemoPolicy.document());
    assertThat(one("SELECT count(*) AS n FROM audit_events WHERE tenant_id = 'demo' AND event_type = 'policy.changed' "
        + "AND actor = '" + DemoPolicy.ACTOR + "'").getLong("n")).isEqualTo(1);
  }

  @Test
  @Order(2)
  @DisplayName("alice sees her roles and the catalog in help")
  void aliceSeesWhatSheMayRun() {
    SandboxVisitor alice = visitor("alice");
    alice.command("whoami");
    alice.command("help");
    assertThat(alice.transcript()).contains("developer").contains("deploy").contains("smoke-test").contains("backup");
  }

  @Test
  @Order(3)
  @DisplayName("alice deploys to staging: progress lines, then a result that says it was simulated")
  void aliceDeploysStaging() {
    SandboxVisitor alice = visitor("alice");
    long job = queued(alice.command("deploy staging api --version 1.4.2"));

    Await.until("a progress line on the job's message", () -> jobMessage(alice, job).getJsonArray("sections",
        new JsonArray()).stream().anyMatch(line -> String.valueOf(line).startsWith("[simulated] ")));
    JsonObject result = finished(alice, job, "succeeded");
    assertThat(result.getString("output")).endsWith("[simulated] deployed api 1.4.2 to staging "
        + "(a simulation: nothing outside Switchboard was touched)");
    assertThat(result.getString("output").lines()).allSatisfy(line -> assertThat(line).startsWith("[simulated] "));
  }

  @Test
  @Order(4)
  @DisplayName("alice may not deploy to production: refused with the reason, nothing queued")
  void aliceIsRefusedProduction() {
    SandboxVisitor alice = visitor("alice");
    long jobs = count("SELECT count(*) FROM jobs WHERE tenant_id = 'demo'");

    JsonObject answer = new JsonObject(alice.command("deploy production api --version 1.4.2").body());

    assertThat(answer.getValue("job")).isNull();
    assertThat(answer.getValue("approval")).isNull();
    assertThat(alice.messages().get(alice.messages().size() - 1).getString("text"))
        .contains("`deploy` in production on api needs role deployer");
    assertThat(count("SELECT count(*) FROM jobs WHERE tenant_id = 'demo'")).isEqualTo(jobs);
  }

  @Test
  @Order(5)
  @DisplayName("carol's production deploy waits for an approver; bob approves and it runs")
  void carolsProductionDeployIsApprovedByBob() {
    SandboxVisitor carol = visitor("carol");
    JsonObject held = new JsonObject(carol.command("deploy production web --version 2.0.0").body());
    long approval = held.getLong("approval");
    assertThat(held.getValue("job")).isNull();
    assertThat(carol.transcript()).contains("needs 1 approval from role `approver`");

    assertThat(new JsonObject(carol.vote(approval, "approve").body()).getString("outcome")).isEqualTo("own_request");
    carol.pick("bob");
    assertThat(new JsonObject(carol.vote(approval, "approve").body()).getString("outcome")).isEqualTo("approved");

    long job = count("SELECT id FROM jobs WHERE tenant_id = 'demo' AND command = 'deploy' "
        + "AND arguments->>'environment' = 'production'");
    JsonObject result = finished(carol, job, "succeeded");
    assertThat(result.getString("output")).endsWith("[simulated] deployed web 2.0.0 to production "
        + "(a simulation: nothing outside Switchboard was touched)");
  }

  @Test
  @Order(6)
  @DisplayName("the smoke test fails with a clear error")
  void smokeTestFails() {
    SandboxVisitor alice = visitor("alice");
    long job = queued(alice.command("smoke-test staging api"));

    JsonObject result = finished(alice, job, "failed");

    assertThat(result.getString("output")).contains("[simulated] smoke tests of api in staging failed: "
        + "3 of 12 checks failed");
  }

  @Test
  @Order(7)
  @DisplayName("the slow backup reports progress and stops at once on cancel <id>")
  void slowBackupIsCancelled() {
    SandboxVisitor alice = visitor("alice");
    long job = queued(alice.command("backup staging api"));
    Await.until("the backup's first progress line", () -> jobMessage(alice, job).getJsonArray("sections",
        new JsonArray()).stream().anyMatch(line -> String.valueOf(line).contains("stop it with `cancel " + job + "`")));

    alice.command("cancel " + job);

    JsonObject result = finished(alice, job, "cancelled");
    assertThat(count("SELECT count(*) FROM jobs WHERE tenant_id = 'demo' AND id = " + job
        + " AND status = 'cancelled' AND finished_at < created_at + interval '60 seconds'")).isEqualTo(1);
    assertThat(result.getString("status")).isEqualTo("cancelled");
  }

  @Test
  @Order(8)
  @DisplayName("bob holds no role that deploys: refused with the reason")
  void bobIsRefused() {
    SandboxVisitor bob = visitor("bob");
    bob.command("deploy staging api --version 1.4.2");
    assertThat(bob.transcript()).contains("`deploy` in staging on api needs role developer or role deployer");
  }

  @Test
  @Order(9)
  @DisplayName("a later start keeps the policy an operator wrote, even an empty one")
  void aRestartKeepsTheOperatorsPolicy() throws Exception {
    HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(baseUrl() + "/api/v1/policy")).header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", "application/json").header("If-Match", "\"1\"")
        .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

    node.close();
    node = SwitchboardNode.start(config(), TestSecrets.SETTINGS, Role.ALL);

    Row stored = one("SELECT version, document FROM tenant_policies WHERE tenant_id = 'demo'");
    assertThat(stored.getLong("version")).isEqualTo(2);
    assertThat(new JsonObject(stored.getValue("document").toString())).isEqualTo(new JsonObject());
    SandboxVisitor carol = visitor("carol");
    carol.command("deploy staging api --version 1.4.2");
    assertThat(carol.transcript()).contains("Unknown command 'deploy'");
  }

  private SandboxVisitor visitor(String user) {
    SandboxVisitor visitor = new SandboxVisitor(baseUrl());
    assertThat(visitor.pick(user).statusCode()).isEqualTo(200);
    return visitor;
  }

  private static long queued(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    Long job = new JsonObject(answer.body()).getLong("job");
    assertThat(job).as("queued as a job: " + answer.body()).isNotNull();
    return job;
  }

  /** Waits for the job's message to show {@code status}; returns it. */
  private static JsonObject finished(SandboxVisitor visitor, long job, String status) {
    Await.until("job " + job + " shown as " + status, () -> status.equals(jobMessage(visitor, job).getString("status")));
    return jobMessage(visitor, job);
  }

  /** The message of job {@code job} in the visitor's channel (its acknowledgement, progress or result). */
  private static JsonObject jobMessage(SandboxVisitor visitor, long job) {
    List<JsonObject> messages = visitor.messages();
    Optional<JsonObject> found = messages.stream().filter(m -> Long.valueOf(job).equals(m.getLong("job"))
        || ("job " + job).equals(m.getString("reference"))
        || String.valueOf(m.getString("text")).startsWith("Queued as job " + job + ":")).reduce((a, b) -> b);
    return found.orElse(new JsonObject());
  }

  private Row one(String sql) {
    return Await.result(pool.query(sql).execute()).iterator().next();
  }

  private long count(String sql) {
    return Await.result(pool.preparedQuery(sql).execute(Tuple.tuple())).iterator().next().getLong(0);
  }

  private String baseUrl() {
    return "http://127.0.0.1:" + node.httpPort();
  }

  private SwitchboardConfig config() {
    Map<String, String> env = new HashMap<>(Map.of(
        "SWITCHBOARD_DATABASE_URL", database.withCredentials(),
        "SWITCHBOARD_AUDIT_ANCHOR_FILE", TestSecrets.anchorFile(),
        "SWITCHBOARD_DEMO_TENANT", "true",
        "SWITCHBOARD_SANDBOX_ENABLED", "true",
        "SWITCHBOARD_DEMO_ADMIN_TOKEN", TOKEN,
        "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
        "SWITCHBOARD_HTTP_PORT", "0",
        "SWITCHBOARD_EXECUTOR_POLL_MILLIS", "200"));
    return SwitchboardConfig.fromEnv(env);
  }
}

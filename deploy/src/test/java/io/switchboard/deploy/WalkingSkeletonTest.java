package io.switchboard.deploy;

import io.switchboard.audit.AuditChainVerifier;
import io.switchboard.audit.ChainVerification;
import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.testkit.slack.SlackResponseUrlServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One signed slash command through a whole node (role all) on real PostgreSQL, to the reply in Slack. */
@DisplayName("Walking skeleton: a signed Slack command travels the whole path")
class WalkingSkeletonTest {

  private static final String SECRET = "e2e-signing-secret";
  private static final String TOKEN = "sbt_e2e_admin_token";

  private final Vertx vertx = Vertx.vertx();
  private SlackResponseUrlServer slack;
  private DatabaseUrl database;
  private Pool pool;
  private SwitchboardNode node;

  @BeforeEach
  void start() {
    slack = SlackResponseUrlServer.start();
    database = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, database);
    node = SwitchboardNode.start(config(Map.of()), TestSecrets.SETTINGS, Role.ALL);
  }

  @AfterEach
  void stop() {
    node.close();
    slack.close();
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("ack, job completes, Slack receives the output, the audit chain has four rows and verifies")
  void endToEnd() throws Exception {
    SignedSlashCommand command = SignedSlashCommand.of(SECRET, "T0DEMO", "echo hello from the skeleton",
        slack.responseUrl("e2e"));
    HttpResponse<String> ack = command.post(baseUrl());

    assertThat(ack.statusCode()).isEqualTo(200);
    Matcher queued = Pattern.compile("Queued as job (\\d+)").matcher(new JsonObject(ack.body()).getString("text"));
    assertThat(queued.find()).isTrue();
    long jobId = Long.parseLong(queued.group(1));

    Await.until("the result is posted to response_url", () -> !slack.posts().isEmpty());
    SlackResponseUrlServer.Post post = slack.posts().get(0);
    assertThat(post.path()).endsWith("/e2e");
    assertThat(post.message().getJsonArray("blocks").encode()).contains("hello from the skeleton").contains("succeeded");

    HttpResponse<String> read = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/jobs/" + jobId))
            .header("Authorization", "Bearer " + TOKEN).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).isEqualTo(200);
    JsonObject job = new JsonObject(read.body());
    assertThat(job.getString("status")).isEqualTo("succeeded");
    assertThat(job.getString("output")).isEqualTo("hello from the skeleton");
    assertThat(job.getString("tenant")).isEqualTo("demo");
    assertThat(job.getString("finishedAt")).isNotNull();

    List<Row> audit = Await.result(pool.query(
        "SELECT event_type, job_id FROM audit_events WHERE tenant_id = 'demo' ORDER BY seq").execute()).stream().toList();
    assertThat(audit).extracting(row -> row.getString("event_type"))
        .containsExactly("command.received", "job.queued", "job.started", "job.succeeded");
    assertThat(audit).extracting(row -> row.getLong("job_id")).containsOnly(jobId);
    ChainVerification chain = Await.result(new AuditChainVerifier(pool).verify("demo"));
    assertThat(chain.isIntact()).as(chain.problem()).isTrue();
    assertThat(chain.recordsChecked()).isEqualTo(4);

    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("switchboard_jobs_completed_total{status=\"succeeded\"} 1.0")
        .contains("switchboard_jobs_queued_total{platform=\"slack\"} 1.0")
        .contains("switchboard_job_latency_seconds_count");
  }

  @Test
  @DisplayName("a second start on the same database keeps the demo tenant's secret and token")
  void restartKeepsTheDemoTenant() {
    node.close();
    node = SwitchboardNode.start(config(Map.of(
        "SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET", "", "SWITCHBOARD_DEMO_ADMIN_TOKEN", "")), TestSecrets.SETTINGS, Role.ALL);
    assertThat(node.demo()).hasValueSatisfying(demo -> {
      assertThat(demo.signingSecret()).isEqualTo(SECRET);
      assertThat(demo.signingSecretGenerated()).isFalse();
      assertThat(demo.generatedAdminToken()).isEmpty();
    });
    HttpResponse<String> ack = SignedSlashCommand.of(SECRET, "T0DEMO", "echo again", slack.responseUrl("again"))
        .post(baseUrl());
    assertThat(ack.statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("roles that share a database need SWITCHBOARD_DATABASE_URL")
  void scaledRolesNeedADatabaseUrl() {
    SwitchboardConfig embedded = SwitchboardConfig.fromEnv(Map.of());
    assertThatThrownBy(() -> SwitchboardNode.start(embedded, TestSecrets.SETTINGS, Role.EXECUTOR))
        .hasMessageContaining("SWITCHBOARD_DATABASE_URL");
    assertThatThrownBy(() -> SwitchboardNode.start(embedded, TestSecrets.SETTINGS, Role.GATEWAY))
        .hasMessageContaining("SWITCHBOARD_DATABASE_URL");
  }

  private String baseUrl() {
    return "http://127.0.0.1:" + node.httpPort();
  }

  private SwitchboardConfig config(Map<String, String> overrides) {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "SWITCHBOARD_DATABASE_URL", database.withCredentials(),
        "SWITCHBOARD_AUDIT_ANCHOR_FILE", TestSecrets.anchorFile(),
        "SWITCHBOARD_DEMO_TENANT", "true",
        "SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET", SECRET,
        "SWITCHBOARD_DEMO_ADMIN_TOKEN", TOKEN,
        "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
        "SWITCHBOARD_HTTP_PORT", "0",
        "SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", slack.prefix(),
        "SWITCHBOARD_EXECUTOR_POLL_MILLIS", "200"));
    env.putAll(overrides);
    return SwitchboardConfig.fromEnv(env);
  }
}

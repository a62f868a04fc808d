package io.switchboard.deploy;

import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.testkit.slack.SlackResponseUrlServer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running node (role {@code all}) that has done some of everything its metrics count: a signed
 * command queued and run to success, a refused one (bad signature), the admin API read the job by
 * its id, a probe, an unknown path, a garbage collection. Its one job has an id no label could hold by accident
 * ({@link #JOB_ID}), so a test can look for it among label values; the tenant is the demo tenant
 * ({@code demo}, Slack team {@code T0DEMO}, channel {@code C0DEMO}).
 */
final class MetricsNode implements AutoCloseable {

  static final String SECRET = "metrics-signing-secret";
  static final String TOKEN = "sbt_metrics_admin_token";
  /** The jobs' sequence starts here, so the job's id is this. */
  static final long JOB_ID = 7_406_213_359L;

  private final SlackResponseUrlServer slack;
  private final SwitchboardNode node;
  private final HttpClient http = HttpClient.newHttpClient();

  private MetricsNode(SlackResponseUrlServer slack, SwitchboardNode node) {
    this.slack = slack;
    this.node = node;
  }

  static MetricsNode start() {
    SlackResponseUrlServer slack = SlackResponseUrlServer.start();
    DatabaseUrl database = TestDatabase.fresh();
    TestDatabase.execute(database, "ALTER SEQUENCE jobs_id_seq RESTART WITH " + JOB_ID);
    Map<String, String> env = new HashMap<>(Map.of(
        "SWITCHBOARD_DATABASE_URL", database.withCredentials(),
        "SWITCHBOARD_AUDIT_ANCHOR_FILE", TestSecrets.anchorFile(),
        "SWITCHBOARD_DEMO_TENANT", "true",
        "SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET", SECRET,
        "SWITCHBOARD_DEMO_ADMIN_TOKEN", TOKEN,
        "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
        "SWITCHBOARD_HTTP_PORT", "0",
        "SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", slack.prefix(),
        "SWITCHBOARD_EXECUTOR_POLL_MILLIS", "200",
        "SWITCHBOARD_EXECUTOR_GAUGE_MILLIS", "200"));
    // a sink nobody listens on: the forwarding meters are exported, and the records wait
    env.put("SWITCHBOARD_AUDIT_FORWARD_URL", "http://127.0.0.1:9/audit");
    SwitchboardNode node = SwitchboardNode.start(SwitchboardConfig.fromEnv(env), TestSecrets.SETTINGS, Role.ALL);
    MetricsNode started = new MetricsNode(slack, node);
    try {
      started.exercise();
    } catch (RuntimeException | AssertionError e) {
      started.close();
      throw e;
    }
    return started;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + node.httpPort();
  }

  Scrape scrape() {
    return Scrape.fetch(baseUrl());
  }

  private void exercise() {
    HttpResponse<String> ack = SignedSlashCommand.of(SECRET, "T0DEMO", "echo metrics", slack.responseUrl("metrics"))
        .post(baseUrl());
    Matcher queued = Pattern.compile("Queued as job (\\d+)").matcher(new JsonObject(ack.body()).getString("text"));
    if (!queued.find() || Long.parseLong(queued.group(1)) != JOB_ID) {
      throw new IllegalStateException("expected job " + JOB_ID + ", got: " + ack.body());
    }
    SignedSlashCommand.of("not-the-secret", "T0DEMO", "echo refused", slack.responseUrl("refused")).post(baseUrl());
    Await.until("the job's result is posted", () -> !slack.posts().isEmpty());
    Await.until("the job reads as succeeded", () -> get("/api/v1/jobs/" + JOB_ID, TOKEN).contains("\"succeeded\""));
    get("/health", null);
    get("/ready", null);
    get("/no/such/path/" + JOB_ID, null);
    Await.until("the node counts the finished job", () -> scrape().names().contains("switchboard_jobs_completed_total"));
    // GC pauses are a series once a collection has happened; a young JVM may not have had one yet.
    System.gc();
    Await.until("a GC pause is counted", () -> scrape().names().contains("jvm_gc_pause_seconds_count"));
  }

  String get(String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    node.close();
    slack.close();
  }
}

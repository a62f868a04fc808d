package io.switchboard.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.testsupport.Await;
import io.switchboard.core.testsupport.TestDatabase;
import io.switchboard.core.testsupport.slack.SignedSlashCommand;
import io.switchboard.core.testsupport.slack.SlackResponseUrlServer;
import io.switchboard.tenancy.ApiTokens;
import io.switchboard.tenancy.Tenants;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A gateway on a fresh database with two tenants, each with its own Slack app: {@code acme} (team
 * T0ACME) and {@code globex} (team T0GLOBEX), each with an admin token, and an operator token. No executor runs, so jobs
 * stay queued and tests can look at exactly what the gateway wrote.
 */
public final class GatewayFixture implements AutoCloseable {

  public static final String ACME_SECRET = "acme-signing-secret";
  public static final String GLOBEX_SECRET = "globex-signing-secret";
  public static final String ACME_TOKEN = "sbt_acme_token";
  public static final String GLOBEX_TOKEN = "sbt_globex_token";
  public static final String OPERATOR_TOKEN = "sbo_operator_token";

  private final Vertx vertx = Vertx.vertx();
  private final DatabaseUrl url = TestDatabase.fresh();
  private final Pool pool = TestDatabase.pool(vertx, url);
  private final SlackResponseUrlServer slack = SlackResponseUrlServer.start();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Long> wakeups = new CopyOnWriteArrayList<>();
  private final List<JsonObject> cancels = new CopyOnWriteArrayList<>();
  private final List<JsonObject> finished = new CopyOnWriteArrayList<>();
  private final String baseUrl;

  public GatewayFixture() {
    Await.result(pool.withTransaction(tx -> Tenants.createIfAbsent(tx, "acme", "Acme")
        .compose(v -> Tenants.createIfAbsent(tx, "globex", "Globex"))
        .compose(v -> Tenants.bindSlackTeam(tx, "acme", "T0ACME", ACME_SECRET))
        .compose(v -> Tenants.bindSlackTeam(tx, "globex", "T0GLOBEX", GLOBEX_SECRET))
        .compose(v -> ApiTokens.store(tx, "acme", ACME_TOKEN, "test"))
        .compose(v -> ApiTokens.store(tx, "globex", GLOBEX_TOKEN, "test"))));
    vertx.eventBus().<Long>consumer(EventBusAddresses.JOBS_WAKEUP, message -> wakeups.add(message.body()));
    vertx.eventBus().<JsonObject>consumer(EventBusAddresses.JOBS_CANCEL, message -> cancels.add(message.body()));
    vertx.eventBus().<JsonObject>consumer(EventBusAddresses.JOBS_FINISHED, message -> finished.add(message.body()));
    SwitchboardConfig config = SwitchboardConfig.fromEnv(Map.of(
        "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
        "SWITCHBOARD_HTTP_PORT", "0",
        "SWITCHBOARD_OPERATOR_TOKEN", OPERATOR_TOKEN,
        "SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", slack.prefix()));
    GatewayVerticle gateway = new GatewayVerticle(config, pool, registry,
        new LocalSecretStore(pool, MasterKey.generate()));
    Await.result(vertx.deployVerticle(gateway));
    baseUrl = "http://127.0.0.1:" + gateway.actualPort();
  }

  public SignedSlashCommand acmeCommand(String text) {
    return SignedSlashCommand.of(ACME_SECRET, "T0ACME", text, slack.responseUrl("acme-" + System.nanoTime()));
  }

  public long count(String sql) {
    return Await.result(pool.query(sql).execute()).iterator().next().getLong(0);
  }

  public long jobCount() {
    return count("SELECT count(*) FROM jobs");
  }

  public List<String> auditTypes(String tenant) {
    return Await.result(pool.query("SELECT event_type FROM audit_events WHERE tenant_id = '" + tenant + "' ORDER BY seq")
        .execute()).stream().map((Row row) -> row.getString(0)).toList();
  }

  public double metric(String name, String... tags) {
    var search = registry.find(name).tags(tags);
    return search.counter() == null ? 0 : search.counter().count();
  }

  public String baseUrl() {
    return baseUrl;
  }

  public List<Long> wakeups() {
    return wakeups;
  }

  /** Cancel requests published for running jobs. */
  public List<JsonObject> cancels() {
    return cancels;
  }

  /** Finished-job notifications published (by the gateway, e.g. for a job cancelled while queued). */
  public List<JsonObject> finished() {
    return finished;
  }

  /** Sends {@code text} as Slack user {@code user} of acme and returns the ephemeral answer's text. */
  public String acmeSays(String user, String text) {
    var response = acmeCommand(text).field("user_id", user).post(baseUrl);
    if (response.statusCode() != 200) {
      throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body()).getString("text");
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  public DatabaseUrl url() {
    return url;
  }

  public SlackResponseUrlServer slack() {
    return slack;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    slack.close();
    Await.result(vertx.close());
  }
}

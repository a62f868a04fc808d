package io.switchboard.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.audit.AuditChainVerifier;
import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.platform.ChatPlatforms;
import io.switchboard.tenancy.ApiTokens;
import io.switchboard.tenancy.SlackSigningSecrets;
import io.switchboard.tenancy.Tenants;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.switchboard.tenancy.policy.PolicyStore;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.testkit.slack.SlackResponseUrlServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * A gateway on a fresh database with two tenants, each with its own Slack app: {@code acme} (team
 * T0ACME) and {@code globex} (team T0GLOBEX), their signing secrets in the tenants' secret store, each
 * with an admin token, and an operator token. No executor runs, so jobs
 * stay queued and tests can look at exactly what the gateway wrote. The Slack Web API points at a
 * closed loopback port unless a test gives its stand-in's URL.
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
  private final SecretStore secrets = new LocalSecretStore(pool, MasterKey.generate());
  private final String baseUrl;
  private final SwitchboardConfig config;
  private final Clock notificationClock;
  private final GatewayVerticle gateway;
  private final Path anchorFile = Path.of("target", "audit-anchors", "fixture-" + System.nanoTime() + ".jsonl");

  public GatewayFixture() {
    this(Map.of());
  }

  /** A gateway with more configuration, e.g. the Slack app's Web API URL and OAuth client. */
  public GatewayFixture(Map<String, String> moreEnv) {
    this(moreEnv, Clock.systemUTC());
  }

  /** A gateway with more configuration whose notifications run on {@code notificationClock}. */
  public GatewayFixture(Map<String, String> moreEnv, Clock notificationClock) {
    Await.result(pool.withTransaction(tx -> Tenants.createIfAbsent(tx, "acme", "Acme")
        .compose(v -> Tenants.createIfAbsent(tx, "globex", "Globex"))
        .compose(v -> ApiTokens.store(tx, "acme", ACME_TOKEN, "test"))
        .compose(v -> ApiTokens.store(tx, "globex", GLOBEX_TOKEN, "test"))));
    bindOwnSlackApp("acme", "T0ACME", ACME_SECRET);
    bindOwnSlackApp("globex", "T0GLOBEX", GLOBEX_SECRET);
    vertx.eventBus().<Long>consumer(EventBusAddresses.JOBS_WAKEUP, message -> wakeups.add(message.body()));
    vertx.eventBus().<JsonObject>consumer(EventBusAddresses.JOBS_CANCEL, message -> cancels.add(message.body()));
    vertx.eventBus().<JsonObject>consumer(EventBusAddresses.JOBS_FINISHED, message -> finished.add(message.body()));
    Map<String, String> env = new HashMap<>(Map.of(
        "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
        "SWITCHBOARD_HTTP_PORT", "0",
        "SWITCHBOARD_OPERATOR_TOKEN", OPERATOR_TOKEN,
        "SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", slack.prefix(),
        "SWITCHBOARD_SLACK_API_URL", "http://127.0.0.1:9/api/",
        "SWITCHBOARD_SLACK_CLIENT_ID", "fixture.client",
        "SWITCHBOARD_SLACK_CLIENT_SECRET", "fixture-client-secret",
        "SWITCHBOARD_AUDIT_ANCHOR_FILE", anchorFile.toString()));
    env.putAll(moreEnv);
    config = SwitchboardConfig.fromEnv(env);
    this.notificationClock = notificationClock;
    gateway = new GatewayVerticle(config, ChatPlatforms.installed(config.environment()), pool, registry, secrets,
        notificationClock);
    Await.result(vertx.deployVerticle(gateway));
    baseUrl = "http://127.0.0.1:" + gateway.actualPort();
  }

  /**
   * Binds a Slack team to the tenant with the tenant's own app, as the operator's configuration does:
   * its signing secret in the tenant's secret store, the row marked own app.
   */
  public void bindOwnSlackApp(String tenantId, String teamId, String signingSecret) {
    Await.result(new SlackSigningSecrets(secrets).storedWhile(tenantId, teamId, signingSecret,
        () -> Tenants.bindSlackTeam(pool, tenantId, teamId, true)));
  }

  /**
   * Replaces the tenant's policy document (as an admin would) and tells the gateways, which swap it
   * in without a restart.
   */
  public long putPolicy(String tenant, JsonObject document) {
    long version = Await.result(pool.withTransaction(tx -> PolicyStore.loadForUpdate(tx, tenant)
        .compose(current -> PolicyStore.replace(tx, tenant, current.version(), document, "test"))));
    PolicyDirectory.announce(vertx, tenant, version);
    return version;
  }

  /** Starts one more gateway on the same database, as a second node would; returns its base URL. */
  public String startSecondGateway() {
    return startSecondGateway(secrets);
  }

  /** Starts one more gateway on the same database with its own secret store (e.g. one that fails). */
  public String startSecondGateway(SecretStore store) {
    GatewayVerticle second = new GatewayVerticle(config, ChatPlatforms.installed(config.environment()), pool, registry,
        store, notificationClock);
    Await.result(vertx.deployVerticle(second));
    return "http://127.0.0.1:" + second.actualPort();
  }

  /** A click on a button of a Switchboard message, as Slack posts it to {@code /slack/interactions}. */
  public SignedSlashCommand acmeClick(String user, String channel, String actionId, long approvalId) {
    JsonObject payload = new JsonObject()
        .put("type", "block_actions")
        .put("team", new JsonObject().put("id", "T0ACME").put("domain", "acme"))
        .put("user", new JsonObject().put("id", user).put("team_id", "T0ACME"))
        .put("channel", new JsonObject().put("id", channel))
        .put("api_app_id", "A0APP")
        .put("trigger_id", UUID.randomUUID().toString())
        .put("response_url", slack.responseUrl("click-" + System.nanoTime()))
        .put("actions", new JsonArray().add(new JsonObject()
            .put("type", "button").put("action_id", actionId).put("block_id", "approval-" + approvalId)
            .put("value", Long.toString(approvalId))));
    return SignedSlashCommand.of(ACME_SECRET, "T0ACME", "", slack.responseUrl("unused"))
        .rawBody("payload=" + URLEncoder.encode(payload.encode(), StandardCharsets.UTF_8))
        .to("/slack/interactions");
  }

  public SignedSlashCommand globexCommand(String text) {
    return SignedSlashCommand.of(GLOBEX_SECRET, "T0GLOBEX", text, slack.responseUrl("globex-" + System.nanoTime()));
  }

  public SignedSlashCommand acmeCommand(String text) {
    return SignedSlashCommand.of(ACME_SECRET, "T0ACME", text, slack.responseUrl("acme-" + System.nanoTime()));
  }

  public long count(String sql) {
    return Await.result(pool.query(sql).execute()).iterator().next().getLong(0);
  }

  /** The ts of the Slack message that shows the tenant's job (chat_job_messages). */
  public String slackJobMessageTs(String tenant, long jobId) {
    return Await.result(pool.preparedQuery("SELECT address->>'ts' FROM chat_job_messages WHERE tenant_id = $1 AND job_id = $2")
        .execute(Tuple.of(tenant, jobId))).iterator().next().getString(0);
  }

  /**
   * Inserts {@code count} succeeded jobs of the acme tenant in {@code channel}; job n (from 1) has its
   * result owed to {@code replyTo.apply(n)} and the output "output of result n". Returns their ids in order.
   */
  public List<Long> finishedAcmeJobs(String platform, String channel, IntFunction<JsonObject> replyTo, int count) {
    return finishedAcmeJobs(platform, channel, replyTo, 1, count);
  }

  /** As {@link #finishedAcmeJobs(String, String, IntFunction, int)}, numbered from {@code first}; answers their ids. */
  public List<Long> finishedAcmeJobs(String platform, String channel, IntFunction<JsonObject> replyTo, int first,
                                     int count) {
    List<Tuple> rows = IntStream.range(first, first + count).mapToObj(n -> Tuple.of(platform, channel + "-" + n, channel,
        "echo " + n, replyTo.apply(n), "output of result " + n)).toList();
    Await.result(pool.preparedQuery("INSERT INTO jobs (tenant_id, idempotency_key, platform, requester, channel, "
        + "command, command_text, action, arguments, reply_to, status, attempts, output, started_at, finished_at) "
        + "VALUES ('acme', $2, $1, 'U1', $3, 'echo', $4, 'echo', '{}', $5, 'succeeded', 1, $6, now(), now())")
        .executeBatch(rows));
    String[] keys = rows.stream().map(row -> row.getString(1)).toArray(String[]::new);
    return Await.result(pool.preparedQuery("SELECT id FROM jobs WHERE tenant_id = 'acme' AND idempotency_key = ANY($1) ORDER BY id")
        .execute(Tuple.of(keys))).stream().map((Row row) -> row.getLong(0)).toList();
  }

  /** Tells the gateway that the acme tenant's job succeeded, as an executor does. */
  public void publishAcmeSucceeded(long jobId) {
    vertx.eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", jobId, JobStatus.SUCCEEDED).toJson());
  }

  public long jobCount() {
    return count("SELECT count(*) FROM jobs");
  }

  /** Whether every tenant's audit chain verifies, whatever a test's requests put in it. */
  public boolean auditChainsIntact() {
    for (Row tenant : Await.result(pool.query("SELECT id FROM tenants").execute())) {
      if (!Await.result(new AuditChainVerifier(pool).verify(tenant.getString(0))).isIntact()) {
        return false;
      }
    }
    return true;
  }

  public List<String> auditTypes(String tenant) {
    return Await.result(pool.query("SELECT event_type FROM audit_events WHERE tenant_id = '" + tenant + "' ORDER BY seq")
        .execute()).stream().map((Row row) -> row.getString(0)).toList();
  }

  public double metric(String name, String... tags) {
    var search = registry.find(name).tags(tags);
    return search.counter() == null ? 0 : search.counter().count();
  }

  /** The gateway's routes as mounted ({@link GatewayVerticle#routes()}). */
  public List<String> routes() {
    return gateway.routes();
  }

  /** Where this gateway anchors the audit chains, when the process has an audit key. */
  public Path anchorFile() {
    return anchorFile;
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

  /** The worked example of {@code docs/policy.md}: deployers, approvers, a freeze, rate limits. */
  public static JsonObject examplePolicy() {
    try {
      return new JsonObject(Files.readString(Path.of("..", "docs", "examples", "policy.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code text} as Slack user {@code user} of acme in {@code channel}; returns the whole answer. */
  public JsonObject acmeAnswer(String user, String channel, String text) {
    var response = acmeCommand(text).field("user_id", user).field("channel_id", channel).post(baseUrl);
    if (response.statusCode() != 200) {
      throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body());
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

  /** The secret store the gateway uses (bot tokens live there). */
  public SecretStore secrets() {
    return secrets;
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

package io.switchboard.core.config;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.log.RedactedRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a Switchboard node is configured with, read once from {@code SWITCHBOARD_*} environment
 * variables and checked at start-up. A bad value stops the node with a message naming the variable;
 * nothing is re-read later. Defaults give the zero-configuration embedded node. Each chat platform
 * reads its own {@code SWITCHBOARD_<PLATFORM>_*} variables, next to its code, from {@link #environment()}.
 */
public record SwitchboardConfig(
    String httpHost,
    int httpPort,
    Path dataDir,
    Optional<DatabaseUrl> databaseUrl,
    int embeddedPostgresPort,
    boolean demoTenant,
    Optional<String> demoSlackSigningSecret,
    Optional<String> demoAdminToken,
    Optional<String> operatorToken,
    Optional<String> metricsToken,
    int executorConcurrency,
    Duration executorPollInterval,
    Duration executorGaugeInterval,
    Duration jobLease,
    Duration actionTimeout,
    Duration shutdownGrace,
    Cluster cluster,
    Pacing pacing,
    Notifications notifications,
    AuditAnchorSettings auditAnchors,
    AuditForwardSettings auditForwarding,
    Environment environment) {

  /**
   * The clustered event bus (Hazelcast) a node joins when {@code members} is not empty; with none,
   * the event bus is in-process and nodes meet only in PostgreSQL.
   *
   * @param members      other nodes' Hazelcast {@code host:port} (this node may be in the list)
   * @param host         the address this node binds and is reached at, by Hazelcast and the event bus
   * @param port         this node's Hazelcast port
   * @param eventBusPort this node's event-bus port (0: any free port)
   * @param name         the cluster name; nodes join only a cluster of the same name
   */
  public record Cluster(List<String> members, String host, int port, int eventBusPort, String name) {

    public boolean enabled() {
      return !members.isEmpty();
    }
  }

  public static final String DEFAULT_HTTP_HOST = "0.0.0.0";
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final String DEFAULT_DATA_DIR = "./data";
  public static final int DEFAULT_EXECUTOR_CONCURRENCY = 8;
  public static final Duration DEFAULT_EXECUTOR_POLL_INTERVAL = Duration.ofSeconds(2);
  /** How often executors refresh the queue gauges (depth, oldest waiting job): well within a Prometheus scrape. */
  public static final Duration DEFAULT_EXECUTOR_GAUGE_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_ACTION_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);
  public static final int DEFAULT_CLUSTER_PORT = 5701;

  public SwitchboardConfig {
    if (jobLease.compareTo(actionTimeout.plusSeconds(5)) < 0) {
      throw new IllegalArgumentException("SWITCHBOARD_JOB_LEASE_SECONDS must exceed the action timeout by at least 5 s");
    }
  }

  /** Every component, the tokens and the demo signing secret as {@code [redacted]}: safe to log. */
  @Override
  public String toString() {
    return RedactedRecord.toString(this, "demoSlackSigningSecret", "demoAdminToken", "operatorToken", "metricsToken");
  }

  /** Reads the configuration from environment variables (pass {@code System.getenv()}). */
  public static SwitchboardConfig fromEnv(Map<String, String> env) {
    Environment in = new Environment(env);
    Duration actionTimeout = in.seconds("SWITCHBOARD_ACTION_TIMEOUT_SECONDS", DEFAULT_ACTION_TIMEOUT);
    Optional<DatabaseUrl> databaseUrl = in.optional("SWITCHBOARD_DATABASE_URL").map(DatabaseUrl::parse);
    Path dataDir = Path.of(in.string("SWITCHBOARD_DATA_DIR", DEFAULT_DATA_DIR));
    return new SwitchboardConfig(
        in.string("SWITCHBOARD_HTTP_HOST", DEFAULT_HTTP_HOST),
        in.port("SWITCHBOARD_HTTP_PORT", DEFAULT_HTTP_PORT),
        dataDir,
        databaseUrl,
        in.port("SWITCHBOARD_EMBEDDED_POSTGRES_PORT", 0),
        in.bool("SWITCHBOARD_DEMO_TENANT", databaseUrl.isEmpty()),
        in.optional("SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET"),
        in.optional("SWITCHBOARD_DEMO_ADMIN_TOKEN"),
        in.optional("SWITCHBOARD_OPERATOR_TOKEN"),
        in.optional("SWITCHBOARD_METRICS_TOKEN"),
        in.positiveInt("SWITCHBOARD_EXECUTOR_CONCURRENCY", DEFAULT_EXECUTOR_CONCURRENCY),
        in.millis("SWITCHBOARD_EXECUTOR_POLL_MILLIS", DEFAULT_EXECUTOR_POLL_INTERVAL),
        in.millis("SWITCHBOARD_EXECUTOR_GAUGE_MILLIS", DEFAULT_EXECUTOR_GAUGE_INTERVAL),
        in.seconds("SWITCHBOARD_JOB_LEASE_SECONDS", actionTimeout.plusSeconds(30)),
        actionTimeout,
        in.seconds("SWITCHBOARD_SHUTDOWN_GRACE_SECONDS", DEFAULT_SHUTDOWN_GRACE),
        new Cluster(
            in.list("SWITCHBOARD_CLUSTER_MEMBERS", ""),
            in.string("SWITCHBOARD_CLUSTER_HOST", "127.0.0.1"),
            in.port("SWITCHBOARD_CLUSTER_PORT", DEFAULT_CLUSTER_PORT),
            in.port("SWITCHBOARD_EVENTBUS_PORT", 0),
            in.string("SWITCHBOARD_CLUSTER_NAME", "switchboard")),
        new Pacing(in.positiveInt("SWITCHBOARD_PACING_QUEUE", Pacing.DEFAULT_QUEUE_CAPACITY)),
        new Notifications(
            in.seconds("SWITCHBOARD_NOTIFY_DEDUP_SECONDS", Notifications.DEFAULT_DEDUP_WINDOW),
            in.seconds("SWITCHBOARD_NOTIFY_GROUP_WAIT_SECONDS", Notifications.DEFAULT_GROUP_WAIT)),
        new AuditAnchorSettings(
            in.optional("SWITCHBOARD_AUDIT_ANCHOR_FILE").map(Path::of)
                .orElse(dataDir.resolve(AuditAnchorSettings.FILE_NAME)),
            in.seconds("SWITCHBOARD_AUDIT_ANCHOR_SECONDS", AuditAnchorSettings.DEFAULT_INTERVAL),
            in.optional(AuditAnchorSettings.WEBHOOK_VARIABLE).map(AuditAnchorSettings::webhook)),
        AuditForwardSettings.fromEnv(in),
        in);
  }
}

package io.switchboard.core.config;

import io.switchboard.core.db.DatabaseUrl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a Switchboard node is configured with, read once from {@code SWITCHBOARD_*} environment
 * variables and checked at start-up. A bad value stops the node with a message naming the variable;
 * nothing is re-read later. Defaults give the zero-configuration embedded node.
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
    Optional<String> slackSigningSecret,
    List<String> slackResponseUrlPrefixes,
    SlackApp slackApp,
    DiscordApp discordApp,
    int executorConcurrency,
    Duration executorPollInterval,
    Duration executorGaugeInterval,
    Duration jobLease,
    Duration actionTimeout,
    Duration shutdownGrace,
    Cluster cluster,
    TeamsApp teamsApp,
    boolean sandboxEnabled,
    Duration sandboxSessionIdle,
    boolean sandboxAllowRemote,
    Pacing pacing,
    Notifications notifications,
    AuditAnchorSettings auditAnchors) {

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

  /**
   * The shared Switchboard Slack app: where its Web API is, and its OAuth client for installations.
   *
   * @param apiUrl       the Web API methods prefix, ending in {@code /} (tests point it at a stand-in)
   * @param authorizeUrl where {@code GET /slack/install} sends the browser
   * @param clientId     the app's OAuth client id; without it and the secret, installing is unavailable (503)
   * @param clientSecret the app's OAuth client secret
   * @param stateSecret  the key that signs OAuth {@code state}; defaults to the client secret
   * @param redirectUri  the OAuth redirect URL registered with the app, sent with both OAuth steps when set
   * @param scopes       the bot scopes asked for
   */
  public record SlackApp(String apiUrl, String authorizeUrl, Optional<String> clientId, Optional<String> clientSecret,
                         Optional<String> stateSecret, Optional<String> redirectUri, List<String> scopes) {

    public SlackApp {
      if (!apiUrl.startsWith("http://") && !apiUrl.startsWith("https://")) {
        throw new IllegalArgumentException("SWITCHBOARD_SLACK_API_URL must be an http(s) URL");
      }
      apiUrl = apiUrl.endsWith("/") ? apiUrl : apiUrl + "/";
      stateSecret = stateSecret.or(() -> clientSecret);
    }

    /** Whether installing through OAuth is configured. */
    public boolean oauthEnabled() {
      return clientId.isPresent() && clientSecret.isPresent();
    }
  }

  /**
   * The shared Switchboard Discord application: where Discord's HTTP API is, and the application's
   * identity. Guilds installed with their own application carry its id and key instead.
   *
   * @param apiUrl        Discord's API base, without a trailing {@code /} (tests point it at a stand-in)
   * @param applicationId the application id (Developer Portal, General Information)
   * @param publicKey     the application's Ed25519 public key, 64 hex digits; interactions are verified with it
   */
  public record DiscordApp(String apiUrl, Optional<String> applicationId, Optional<String> publicKey) {

    public DiscordApp {
      if (!apiUrl.startsWith("http://") && !apiUrl.startsWith("https://")) {
        throw new IllegalArgumentException("SWITCHBOARD_DISCORD_API_URL must be an http(s) URL");
      }
      apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
      if (publicKey.isPresent() && !publicKey.get().matches("[0-9a-fA-F]{64}")) {
        throw new IllegalArgumentException("SWITCHBOARD_DISCORD_PUBLIC_KEY must be 64 hex digits (an Ed25519 key)");
      }
      if (applicationId.isPresent() && !applicationId.get().matches("[0-9]{1,20}")) {
        throw new IllegalArgumentException("SWITCHBOARD_DISCORD_APPLICATION_ID must be a Discord id (digits)");
      }
    }
  }

  public static final String DEFAULT_DISCORD_API_URL = "https://discord.com/api/v10";
  public static final String DEFAULT_SLACK_API_URL = "https://slack.com/api/";
  public static final String DEFAULT_SLACK_AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize";
  public static final String DEFAULT_SLACK_SCOPES =
      "commands,chat:write,app_mentions:read,im:history,usergroups:read,files:write";
  public static final String DEFAULT_HTTP_HOST = "0.0.0.0";
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final String DEFAULT_DATA_DIR = "./data";
  public static final String DEFAULT_SLACK_RESPONSE_URL_PREFIX = "https://hooks.slack.com/";
  public static final int DEFAULT_EXECUTOR_CONCURRENCY = 8;
  public static final Duration DEFAULT_EXECUTOR_POLL_INTERVAL = Duration.ofSeconds(2);
  /** How often executors refresh the queue gauges (depth, oldest waiting job): well within a Prometheus scrape. */
  public static final Duration DEFAULT_EXECUTOR_GAUGE_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_ACTION_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);
  /** How long a sandbox session may go without a new message before it and its messages are deleted. */
  public static final Duration DEFAULT_SANDBOX_SESSION_IDLE = Duration.ofHours(24);
  public static final int DEFAULT_CLUSTER_PORT = 5701;

  public SwitchboardConfig {
    if (jobLease.compareTo(actionTimeout.plusSeconds(5)) < 0) {
      throw new IllegalArgumentException("SWITCHBOARD_JOB_LEASE_SECONDS must exceed the action timeout by at least 5 s");
    }
  }

  /** Reads the configuration from environment variables (pass {@code System.getenv()}). */
  public static SwitchboardConfig fromEnv(Map<String, String> env) {
    EnvReader in = new EnvReader(env);
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
        in.optional("SWITCHBOARD_SLACK_SIGNING_SECRET"),
        in.list("SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", DEFAULT_SLACK_RESPONSE_URL_PREFIX),
        new SlackApp(
            in.string("SWITCHBOARD_SLACK_API_URL", DEFAULT_SLACK_API_URL),
            in.string("SWITCHBOARD_SLACK_AUTHORIZE_URL", DEFAULT_SLACK_AUTHORIZE_URL),
            in.optional("SWITCHBOARD_SLACK_CLIENT_ID"),
            in.optional("SWITCHBOARD_SLACK_CLIENT_SECRET"),
            in.optional("SWITCHBOARD_SLACK_STATE_SECRET"),
            in.optional("SWITCHBOARD_SLACK_REDIRECT_URI"),
            in.list("SWITCHBOARD_SLACK_SCOPES", DEFAULT_SLACK_SCOPES)),
        new DiscordApp(
            in.string("SWITCHBOARD_DISCORD_API_URL", DEFAULT_DISCORD_API_URL),
            in.optional("SWITCHBOARD_DISCORD_APPLICATION_ID"),
            in.optional("SWITCHBOARD_DISCORD_PUBLIC_KEY")),
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
        TeamsApp.fromEnv(env),
        in.bool("SWITCHBOARD_SANDBOX_ENABLED", databaseUrl.isEmpty()),
        in.hours("SWITCHBOARD_SANDBOX_SESSION_IDLE_HOURS", DEFAULT_SANDBOX_SESSION_IDLE),
        in.bool("SWITCHBOARD_SANDBOX_ALLOW_REMOTE", false),
        new Pacing(
            in.millis("SWITCHBOARD_PACING_SLACK_MILLIS", Pacing.DEFAULT_SLACK),
            in.millis("SWITCHBOARD_PACING_TEAMS_MILLIS", Pacing.DEFAULT_TEAMS),
            in.millis("SWITCHBOARD_PACING_DISCORD_MILLIS", Pacing.DEFAULT_DISCORD),
            in.workspaceRate("SLACK", Pacing.DEFAULT_SLACK_WORKSPACE),
            in.workspaceRate("TEAMS", Pacing.DEFAULT_TEAMS_WORKSPACE),
            in.workspaceRate("DISCORD", Pacing.DEFAULT_DISCORD_WORKSPACE),
            in.positiveInt("SWITCHBOARD_PACING_QUEUE", Pacing.DEFAULT_QUEUE_CAPACITY)),
        new Notifications(
            in.seconds("SWITCHBOARD_NOTIFY_DEDUP_SECONDS", Notifications.DEFAULT_DEDUP_WINDOW),
            in.seconds("SWITCHBOARD_NOTIFY_GROUP_WAIT_SECONDS", Notifications.DEFAULT_GROUP_WAIT)),
        new AuditAnchorSettings(
            in.optional("SWITCHBOARD_AUDIT_ANCHOR_FILE").map(Path::of)
                .orElse(dataDir.resolve(AuditAnchorSettings.FILE_NAME)),
            in.seconds("SWITCHBOARD_AUDIT_ANCHOR_SECONDS", AuditAnchorSettings.DEFAULT_INTERVAL)));
  }

  /** Reads typed values from an environment map, failing with the variable's name. */
  private record EnvReader(Map<String, String> env) {

    Optional<String> optional(String name) {
      String value = env.get(name);
      return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    String string(String name, String defaultValue) {
      return optional(name).orElse(defaultValue);
    }

    int positiveInt(String name, int defaultValue) {
      int value = integer(name, defaultValue);
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1 (got " + value + ")");
      }
      return value;
    }

    Duration hours(String name, Duration defaultValue) {
      return optional(name).map(v -> Duration.ofHours(positiveInt(name, 0))).orElse(defaultValue);
    }

    /** {@code SWITCHBOARD_PACING_<PLATFORM>_WORKSPACE_POSTS_PER_MINUTE} and {@code ..._EDITS_PER_MINUTE}. */
    WorkspaceRate workspaceRate(String platform, WorkspaceRate defaults) {
      String prefix = "SWITCHBOARD_PACING_" + platform + "_WORKSPACE_";
      return new WorkspaceRate(positiveInt(prefix + "POSTS_PER_MINUTE", defaults.postsPerMinute()),
          positiveInt(prefix + "EDITS_PER_MINUTE", defaults.editsPerMinute()));
    }

    int port(String name, int defaultValue) {
      int value = integer(name, defaultValue);
      if (value < 0 || value > 65535) {
        throw new IllegalArgumentException(name + " must be a TCP port, 0-65535 (got " + value + ")");
      }
      return value;
    }

    Duration seconds(String name, Duration defaultValue) {
      return optional(name).map(v -> Duration.ofSeconds(positiveInt(name, 0))).orElse(defaultValue);
    }

    Duration millis(String name, Duration defaultValue) {
      return optional(name).map(v -> Duration.ofMillis(positiveInt(name, 0))).orElse(defaultValue);
    }

    boolean bool(String name, boolean defaultValue) {
      return optional(name).map(v -> switch (v.toLowerCase()) {
        case "true", "1", "yes" -> true;
        case "false", "0", "no" -> false;
        default -> throw new IllegalArgumentException(name + " must be true or false (got '" + v + "')");
      }).orElse(defaultValue);
    }

    List<String> list(String name, String defaultValue) {
      return Arrays.stream(string(name, defaultValue).split(","))
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .toList();
    }

    private int integer(String name, int defaultValue) {
      Optional<String> value = optional(name);
      if (value.isEmpty()) {
        return defaultValue;
      }
      try {
        return Integer.parseInt(value.get());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a whole number (got '" + value.get() + "')");
      }
    }
  }
}

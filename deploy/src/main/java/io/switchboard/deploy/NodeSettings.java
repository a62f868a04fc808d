package io.switchboard.deploy;

import io.switchboard.core.config.ClusterDiscovery;
import io.switchboard.core.log.LogRedaction;
import io.switchboard.core.log.LogSettings;
import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.executor.action.ActionRegistry;
import io.switchboard.gateway.platform.ChatPlatforms;
import io.switchboard.gateway.platform.PlatformSettings;
import io.switchboard.tenancy.secrets.SecretStoreSettings;

import java.util.List;
import java.util.Map;

/**
 * The settings a node of a {@link Role} starts with, read and checked from its {@code SWITCHBOARD_*}
 * variables: the node's own, the secret store's, each chat platform's and each action's. Start-up
 * ({@link Switchboard}, {@link SwitchboardNode}) and {@code switchboard config check} read them
 * through these methods, so both accept and refuse the same values with the same messages (an
 * {@link IllegalArgumentException} naming the variable).
 *
 * @param config    the node's settings
 * @param secrets   the secret store's settings (the local default for {@link Role#MIGRATE}, which reads no secret)
 * @param platforms the chat platforms switched on, for a role that runs a gateway; else none
 */
public record NodeSettings(SwitchboardConfig config, SecretStoreSettings secrets, List<PlatformSettings> platforms) {

  /** Reads every setting the role uses, in the order start-up does; the first bad one throws. */
  public static NodeSettings read(Map<String, String> env, Role role) {
    // Logging was set up from these before anything else (a value not understood gave the default): name it now.
    LogSettings.fromEnv(env);
    redactSecretSettings(env);
    SwitchboardConfig config = config(env);
    tracing(config, role);
    requireSharedDatabase(config, role);
    clusterDiscovery(config, role);
    SecretStoreSettings secrets = secrets(env, role);
    List<PlatformSettings> platforms = platforms(config, role);
    actions(env, role);
    return new NodeSettings(config, secrets, platforms);
  }

  /** Parts of a variable's name that mark its value a secret: such values never appear on a log line. */
  private static final List<String> SECRET_NAME_PARTS = List.of("TOKEN", "SECRET", "PASSWORD", "MASTER_KEY",
      "PRIVATE", "CREDENTIAL", "_KEY");

  /**
   * Registers every {@code SWITCHBOARD_*} secret setting's value (the master key, tokens) and the OTLP
   * exporter's headers with {@link LogRedaction}.
   */
  static void redactSecretSettings(Map<String, String> env) {
    env.forEach((name, value) -> {
      // OTLP headers usually carry the collector's API key.
      if (name.startsWith("SWITCHBOARD_") && SECRET_NAME_PARTS.stream().anyMatch(name::contains)
          || name.startsWith("OTEL_EXPORTER_OTLP_") && name.endsWith("HEADERS")) {
        LogRedaction.addKnownSecret(value);
      }
    });
  }

  /** The node's own settings. */
  public static SwitchboardConfig config(Map<String, String> env) {
    return SwitchboardConfig.fromEnv(env);
  }

  /** Tracing's {@code OTEL_*} variables, checked by building the SDK they ask for; {@link Role#MIGRATE} traces nothing. */
  public static void tracing(SwitchboardConfig config, Role role) {
    if (role != Role.MIGRATE) {
      NodeTracing.check(config.environment());
    }
  }

  /** Gateways and executors share a database with other nodes: they need {@code SWITCHBOARD_DATABASE_URL}. */
  public static void requireSharedDatabase(SwitchboardConfig config, Role role) {
    if (config.databaseUrl().isEmpty() && (role == Role.GATEWAY || role == Role.EXECUTOR)) {
      throw new IllegalArgumentException("role " + role.name().toLowerCase()
          + " shares its database with other nodes: set SWITCHBOARD_DATABASE_URL");
    }
  }

  /** How the node finds its cluster; {@link Role#MIGRATE} joins none (its pods are given no cluster settings). */
  public static ClusterDiscovery clusterDiscovery(SwitchboardConfig config, Role role) {
    return role == Role.MIGRATE ? ClusterDiscovery.none()
        : ClusterDiscovery.fromEnv(config.environment(), config.cluster());
  }

  /** The secret store's settings; {@link Role#MIGRATE} reads none. */
  public static SecretStoreSettings secrets(Map<String, String> env, Role role) {
    return role == Role.MIGRATE ? SecretStoreSettings.local() : SecretStoreSettings.fromEnv(env);
  }

  /** The chat platforms switched on, read and checked now, for a role that runs a gateway; else none. */
  public static List<PlatformSettings> platforms(SwitchboardConfig config, Role role) {
    return role.runsGateway() ? ChatPlatforms.installed(config.environment()) : List.of();
  }

  /** The actions an executor of this role would run, configured (and checked) from {@code env}; none for other roles. */
  public static ActionRegistry actions(Map<String, String> env, Role role) {
    return role.runsExecutor() ? ActionRegistry.installed(env) : new ActionRegistry(List.of());
  }
}

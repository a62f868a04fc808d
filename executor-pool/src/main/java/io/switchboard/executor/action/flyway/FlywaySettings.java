package io.switchboard.executor.action.flyway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Node-level configuration of the {@code flyway} action.
 *
 * <table>
 *   <caption>environment</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code SWITCHBOARD_FLYWAY_LOCATIONS_DIR}</td><td>{@code /etc/switchboard/flyway}</td>
 *       <td>directory holding one folder of versioned SQL migrations per {@code location} a job may name</td></tr>
 *   <tr><td>{@code SWITCHBOARD_FLYWAY_CONNECT_TIMEOUT_SECONDS}</td><td>{@code 10}</td>
 *       <td>JDBC connect and login timeout towards the target database</td></tr>
 *   <tr><td>{@code SWITCHBOARD_FLYWAY_SOCKET_TIMEOUT_SECONDS}</td><td>{@code 900}</td>
 *       <td>longest wait for any one answer of the target (one SQL statement); bounds how long a
 *           migration that was asked to stop can keep running</td></tr>
 * </table>
 *
 * <p><b>Approval.</b> {@code operation=info} is read-only. {@code operation=migrate} changes a
 * production schema: the tenant's command catalog should mark commands that run it as requiring
 * approval (the default the catalog should apply for this action type).
 */
public record FlywaySettings(Path locationsDir, Duration connectTimeout, Duration socketTimeout) {

  public static final String LOCATIONS_DIR = "SWITCHBOARD_FLYWAY_LOCATIONS_DIR";
  public static final String CONNECT_TIMEOUT = "SWITCHBOARD_FLYWAY_CONNECT_TIMEOUT_SECONDS";
  public static final String SOCKET_TIMEOUT = "SWITCHBOARD_FLYWAY_SOCKET_TIMEOUT_SECONDS";

  public static final Path DEFAULT_LOCATIONS_DIR = Path.of("/etc/switchboard/flyway");
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(900);

  public FlywaySettings {
    if (locationsDir == null) {
      throw new IllegalArgumentException(LOCATIONS_DIR + " must name a directory");
    }
    locationsDir = locationsDir.toAbsolutePath().normalize();
    if (connectTimeout == null || connectTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException(CONNECT_TIMEOUT + " must be at least 1 second");
    }
    if (socketTimeout == null || socketTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException(SOCKET_TIMEOUT + " must be at least 1 second");
    }
  }

  /** Production defaults. */
  public static FlywaySettings defaults() {
    return new FlywaySettings(DEFAULT_LOCATIONS_DIR, DEFAULT_CONNECT_TIMEOUT, DEFAULT_SOCKET_TIMEOUT);
  }

  /** @throws IllegalArgumentException naming the variable whose value is not valid */
  public static FlywaySettings fromEnv(Map<String, String> env) {
    String dir = env.get(LOCATIONS_DIR);
    Path locations;
    if (dir == null) {
      locations = DEFAULT_LOCATIONS_DIR;
    } else if (dir.isBlank()) {
      throw new IllegalArgumentException(LOCATIONS_DIR + " must not be blank");
    } else {
      try {
        locations = Path.of(dir.trim());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(LOCATIONS_DIR + " is not a valid path: " + dir);
      }
    }
    return new FlywaySettings(locations,
        seconds(env, CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT),
        seconds(env, SOCKET_TIMEOUT, DEFAULT_SOCKET_TIMEOUT));
  }

  private static Duration seconds(Map<String, String> env, String name, Duration fallback) {
    String value = env.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      if (seconds < 1 || seconds > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number of seconds, at least 1 (got '" + value + "')");
    }
  }
}

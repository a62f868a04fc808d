package io.switchboard.executor.action.shell;

import io.switchboard.executor.action.EnvSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Node-level configuration of the {@code shell} action.
 *
 * <table>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code SWITCHBOARD_SHELL_SCRIPTS_DIR}</td><td>none</td>
 *       <td>absolute path of the directory whose executable files are the allowed scripts; unset, the
 *       action refuses every job</td></tr>
 *   <tr><td>{@code SWITCHBOARD_SHELL_OUTPUT_LIMIT_BYTES}</td><td>{@code 65536}</td>
 *       <td>at most this many bytes of a script's output (stdout and stderr merged) are kept: the tail</td></tr>
 *   <tr><td>{@code SWITCHBOARD_SHELL_KILL_GRACE_MILLIS}</td><td>{@code 2000}</td>
 *       <td>after SIGTERM on stop, how long the process tree gets before it is killed with SIGKILL</td></tr>
 * </table>
 *
 * @param scriptsDir       the allow-listed scripts directory, or null when none is configured
 * @param outputLimitBytes the output cap
 * @param killGrace        the SIGTERM to SIGKILL grace period
 */
public record ShellSettings(Path scriptsDir, int outputLimitBytes, Duration killGrace) {

  public static final String SCRIPTS_DIR = "SWITCHBOARD_SHELL_SCRIPTS_DIR";
  public static final String OUTPUT_LIMIT_BYTES = "SWITCHBOARD_SHELL_OUTPUT_LIMIT_BYTES";
  public static final String KILL_GRACE_MILLIS = "SWITCHBOARD_SHELL_KILL_GRACE_MILLIS";

  public static final int DEFAULT_OUTPUT_LIMIT_BYTES = 64 * 1024;

  public ShellSettings {
    if (scriptsDir != null && !scriptsDir.isAbsolute()) {
      throw new IllegalArgumentException(SCRIPTS_DIR + " must be an absolute path, not '" + scriptsDir + "'");
    }
    if (outputLimitBytes < 1) {
      throw new IllegalArgumentException(OUTPUT_LIMIT_BYTES + " must be a positive number of bytes");
    }
    if (killGrace == null || killGrace.isNegative()) {
      throw new IllegalArgumentException(KILL_GRACE_MILLIS + " must not be negative");
    }
  }

  /** Reads the {@code SWITCHBOARD_SHELL_*} variables; an unset variable takes its default. */
  public static ShellSettings fromEnv(Map<String, String> env) {
    Path scriptsDir = EnvSettings.absolutePath(env, SCRIPTS_DIR);
    int limit = number(env, OUTPUT_LIMIT_BYTES, DEFAULT_OUTPUT_LIMIT_BYTES, 1);
    int grace = number(env, KILL_GRACE_MILLIS, 2000, 0);
    return new ShellSettings(scriptsDir, limit, Duration.ofMillis(grace));
  }

  private static int number(Map<String, String> env, String name, int fallback, int min) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= min) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a whole number of at least " + min + ", not '" + value + "'");
  }
}

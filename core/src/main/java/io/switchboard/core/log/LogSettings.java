package io.switchboard.core.log;

import ch.qos.logback.classic.Level;

import java.util.Locale;
import java.util.Map;

/**
 * How the node logs: {@value #FORMAT} ({@code text}, the default, or {@code json}) and
 * {@value #LEVEL} (the root level: {@code trace}, {@code debug}, {@code info}, the default,
 * {@code warn} or {@code error}).
 *
 * @param json  whether lines are JSON objects (one a line) rather than text
 * @param level the root logger's level
 */
public record LogSettings(boolean json, Level level) {

  /** The variable naming the format. */
  public static final String FORMAT = "SWITCHBOARD_LOG_FORMAT";
  /** The variable naming the root level. */
  public static final String LEVEL = "SWITCHBOARD_LOG_LEVEL";

  /** Human-readable text at INFO. */
  public static final LogSettings DEFAULT = new LogSettings(false, Level.INFO);

  /**
   * Reads and checks both variables.
   *
   * @throws IllegalArgumentException naming the variable and its value when one is not understood
   */
  public static LogSettings fromEnv(Map<String, String> env) {
    String format = env.getOrDefault(FORMAT, "").strip().toLowerCase(Locale.ROOT);
    boolean json;
    if (format.isEmpty() || format.equals("text")) {
      json = false;
    } else if (format.equals("json")) {
      json = true;
    } else {
      throw new IllegalArgumentException(FORMAT + " must be text or json, not '" + env.get(FORMAT) + "'");
    }
    String level = env.getOrDefault(LEVEL, "").strip().toUpperCase(Locale.ROOT);
    Level parsed = Level.INFO;
    if (!level.isEmpty()) {
      parsed = Level.toLevel(level, null);
      if (parsed == null || parsed == Level.ALL || parsed == Level.OFF) {
        throw new IllegalArgumentException(LEVEL + " must be trace, debug, info, warn or error, not '"
            + env.get(LEVEL) + "'");
      }
    }
    return new LogSettings(json, parsed);
  }

  /** As {@link #fromEnv}, but a value not understood gives the default (the node then names it and stops). */
  public static LogSettings fromEnvOrDefault(Map<String, String> env) {
    try {
      return fromEnv(env);
    } catch (IllegalArgumentException e) {
      return DEFAULT;
    }
  }
}

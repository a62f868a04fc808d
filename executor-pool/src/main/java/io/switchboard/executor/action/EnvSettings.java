package io.switchboard.executor.action;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Reading an action's node settings from {@code SWITCHBOARD_*} variables, checked once at start-up:
 * an unset or blank variable takes the default; a malformed one fails naming the variable.
 */
public final class EnvSettings {

  private EnvSettings() {
  }

  /** A positive number of milliseconds. */
  public static Duration positiveMillis(Map<String, String> env, String name, Duration fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed > 0) {
        return Duration.ofMillis(parsed);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a positive number of milliseconds, was '" + value + "'");
  }

  /** A positive whole number. */
  public static int positiveInt(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a positive whole number, was '" + value + "'");
  }

  /** An absolute path, or null when the variable is unset or blank. */
  public static Path absolutePath(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    Path path;
    try {
      path = Path.of(value.trim());
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(name + " is not a path: '" + value + "'");
    }
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException(name + " must be an absolute path, not '" + value + "'");
    }
    return path;
  }
}

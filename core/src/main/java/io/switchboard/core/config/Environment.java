package io.switchboard.core.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code SWITCHBOARD_*} variables a node was started with, read as typed values: an unset or blank
 * variable takes the default, and a malformed one fails naming the variable. The node's own settings
 * ({@link SwitchboardConfig}) and each chat platform's (read by the platform itself, next to its code)
 * come from the same environment. {@link #toString()} names no value, so it never prints a secret.
 */
public final class Environment {

  private final Map<String, String> env;

  public Environment(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }


  public Optional<String> optional(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public int positiveInt(String name, int defaultValue) {
    int value = integer(name, defaultValue);
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1 (got " + value + ")");
    }
    return value;
  }

  public Duration hours(String name, Duration defaultValue) {
    return optional(name).map(v -> Duration.ofHours(positiveInt(name, 0))).orElse(defaultValue);
  }

  /** {@code SWITCHBOARD_PACING_<PLATFORM>_WORKSPACE_POSTS_PER_MINUTE} and {@code ..._EDITS_PER_MINUTE}. */
  public WorkspaceRate workspaceRate(String platform, WorkspaceRate defaults) {
    String prefix = "SWITCHBOARD_PACING_" + platform + "_WORKSPACE_";
    return new WorkspaceRate(positiveInt(prefix + "POSTS_PER_MINUTE", defaults.postsPerMinute()),
        positiveInt(prefix + "EDITS_PER_MINUTE", defaults.editsPerMinute()));
  }

  public int port(String name, int defaultValue) {
    int value = integer(name, defaultValue);
    if (value < 0 || value > 65535) {
      throw new IllegalArgumentException(name + " must be a TCP port, 0-65535 (got " + value + ")");
    }
    return value;
  }

  public Duration seconds(String name, Duration defaultValue) {
    return optional(name).map(v -> Duration.ofSeconds(positiveInt(name, 0))).orElse(defaultValue);
  }

  public Duration millis(String name, Duration defaultValue) {
    return optional(name).map(v -> Duration.ofMillis(positiveInt(name, 0))).orElse(defaultValue);
  }

  public boolean bool(String name, boolean defaultValue) {
    return optional(name).map(v -> switch (v.toLowerCase()) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false (got '" + v + "')");
    }).orElse(defaultValue);
  }

  public List<String> list(String name, String defaultValue) {
    return Arrays.stream(string(name, defaultValue).split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /** The variables whose names start with {@code prefix} (such as {@code OTEL_}), blank ones left out. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> found = new TreeMap<>();
    env.forEach((name, value) -> {
      if (name.startsWith(prefix) && value != null && !value.isBlank()) {
        found.put(name, value.trim());
      }
    });
    return found;
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

  @Override
  public String toString() {
    return "Environment[" + env.size() + " variables]";
  }
}

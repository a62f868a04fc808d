package io.switchboard.executor.action.http;

import io.switchboard.executor.action.EnvSettings;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Node-level configuration of the {@code http} action.
 *
 * @param allowedHosts host names (or IP literals) jobs may call, lower case; {@code *.example.com}
 *     matches any sub-domain of example.com. Empty: any host, but addresses in loopback,
 *     link-local, private, unique-local, multicast or unspecified ranges are refused (no SSRF into
 *     the cluster or a cloud metadata endpoint) unless {@code allowPrivate}. A listed host is
 *     trusted by the operator and may resolve to any address.
 * @param allowPrivate whether private and loopback addresses may be called with an empty allow-list
 * @param timeout the whole request, from connecting to the last byte of the response
 */
public record HttpActionSettings(List<String> allowedHosts, boolean allowPrivate, Duration timeout) {

  public static final String ALLOWED_HOSTS = "SWITCHBOARD_HTTP_ACTION_ALLOWED_HOSTS";
  public static final String ALLOW_PRIVATE = "SWITCHBOARD_HTTP_ACTION_ALLOW_PRIVATE";
  public static final String TIMEOUT_MILLIS = "SWITCHBOARD_HTTP_ACTION_TIMEOUT_MILLIS";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  public HttpActionSettings {
    allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("the http action timeout must be positive, was " + timeout);
    }
  }

  /** The production defaults: any public host, no private addresses, 30 s. */
  public static HttpActionSettings defaults() {
    return new HttpActionSettings(List.of(), false, DEFAULT_TIMEOUT);
  }

  /** @throws IllegalArgumentException naming the variable when a value is malformed */
  public static HttpActionSettings fromEnv(Map<String, String> env) {
    String hosts = env.getOrDefault(ALLOWED_HOSTS, "").trim();
    List<String> allowed = hosts.isEmpty() ? List.of() : Arrays.asList(hosts.split(","));
    for (String host : allowed) {
      String h = host.trim();
      if (!h.isEmpty() && !h.matches("(\\*\\.)?[A-Za-z0-9.:\\[\\]_-]+")) {
        throw new IllegalArgumentException(ALLOWED_HOSTS + " must be a comma-separated list of host names "
            + "(optionally *.domain), but contains '" + h + "'");
      }
    }
    return new HttpActionSettings(allowed, bool(env, ALLOW_PRIVATE, false),
        EnvSettings.positiveMillis(env, TIMEOUT_MILLIS, DEFAULT_TIMEOUT));
  }

  /** Whether the host (lower case) is on the allow-list; always true when the list is empty. */
  boolean listed(String host) {
    for (String allowed : allowedHosts) {
      if (allowed.startsWith("*.") ? host.endsWith(allowed.substring(1)) : allowed.equals(host)) {
        return true;
      }
    }
    return false;
  }

  static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, was '" + value + "'");
    };
  }
}

package io.switchboard.executor.action.prometheus;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;

/**
 * Node-level configuration of the {@code prometheus} action.
 *
 * <table>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code SWITCHBOARD_PROMETHEUS_URL}</td><td>{@code http://localhost:9090}</td>
 *       <td>base URL of the Prometheus server (a path prefix such as {@code /prometheus} is kept)</td></tr>
 *   <tr><td>{@code SWITCHBOARD_PROMETHEUS_TIMEOUT_SECONDS}</td><td>{@code 30}</td>
 *       <td>how long one query may take (connect plus answer) before it is a retryable failure</td></tr>
 *   <tr><td>{@code SWITCHBOARD_PROMETHEUS_MAX_SERIES}</td><td>{@code 20}</td>
 *       <td>at most this many series are shown in chat; the rest are counted</td></tr>
 * </table>
 *
 * @param baseUrl    the server's base URL, without a trailing slash
 * @param timeout    the per-query time limit
 * @param maxSeries  how many series of a vector or matrix are listed
 */
public record PrometheusSettings(URI baseUrl, Duration timeout, int maxSeries) {

  public static final String URL = "SWITCHBOARD_PROMETHEUS_URL";
  public static final String TIMEOUT_SECONDS = "SWITCHBOARD_PROMETHEUS_TIMEOUT_SECONDS";
  public static final String MAX_SERIES = "SWITCHBOARD_PROMETHEUS_MAX_SERIES";

  public static final String DEFAULT_URL = "http://localhost:9090";

  public PrometheusSettings {
    if (baseUrl == null || !("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))
        || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(URL + " must be an absolute http(s) URL, not '" + baseUrl + "'");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(TIMEOUT_SECONDS + " must be a positive number of seconds");
    }
    if (maxSeries < 1) {
      throw new IllegalArgumentException(MAX_SERIES + " must be at least 1, not " + maxSeries);
    }
  }

  /** The production defaults: a Prometheus on this host. */
  public static PrometheusSettings defaults() {
    return fromEnv(Map.of());
  }

  /** Reads the {@code SWITCHBOARD_PROMETHEUS_*} variables; an unset variable takes its default. */
  public static PrometheusSettings fromEnv(Map<String, String> env) {
    String url = env.getOrDefault(URL, DEFAULT_URL).trim();
    URI uri;
    try {
      uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(URL + " is not a URL: '" + url + "'");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(URL + " must not have a query or fragment: '" + url + "'");
    }
    if (uri.getUserInfo() != null) {
      throw new IllegalArgumentException(URL + " must not contain credentials; name a secret with the "
          + "'tokenSecret' argument instead");
    }
    int seconds = positiveInt(env, TIMEOUT_SECONDS, 30);
    int maxSeries = positiveInt(env, MAX_SERIES, 20);
    return new PrometheusSettings(uri, Duration.ofSeconds(seconds), maxSeries);
  }

  private static int positiveInt(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < 1) {
        throw new IllegalArgumentException(name + " must be a positive whole number, not '" + value + "'");
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a positive whole number, not '" + value + "'");
    }
  }

  /** The absolute URL of the instant-query endpoint. */
  String queryEndpoint() {
    return baseUrl + "/api/v1/query";
  }
}

package io.switchboard.executor.action.kubernetes;

import java.time.Duration;
import java.util.Map;

/**
 * Node-level configuration of the {@code kubernetes} action. The API server URL and the bearer token
 * are per tenant and come from its secret store, never from here.
 *
 * <table>
 *   <caption>environment</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code SWITCHBOARD_KUBERNETES_POLL_MILLIS}</td><td>{@code 2000}</td>
 *       <td>interval between reads of the deployment while waiting for a rollout</td></tr>
 *   <tr><td>{@code SWITCHBOARD_KUBERNETES_REQUEST_TIMEOUT_MILLIS}</td><td>{@code 30000}</td>
 *       <td>longest wait for one API server response</td></tr>
 *   <tr><td>{@code SWITCHBOARD_KUBERNETES_INSECURE_SKIP_TLS_VERIFY}</td><td>{@code false}</td>
 *       <td>{@code true} accepts any server certificate: for tests and development only, never in
 *           production (the bearer token would go to whoever answers)</td></tr>
 * </table>
 *
 * <p>The API server's certificate is checked against the JVM's CAs, or, for a job with a
 * {@code caCertSecret} argument, against the CA certificate(s) in that tenant secret (see
 * {@link KubernetesAction}). Plain {@code http://} is accepted only for loopback addresses (e.g.
 * {@code kubectl proxy} on the same host).
 */
public record KubernetesSettings(Duration pollInterval, Duration requestTimeout, boolean insecureSkipTlsVerify) {

  public static final String POLL_MILLIS = "SWITCHBOARD_KUBERNETES_POLL_MILLIS";
  public static final String REQUEST_TIMEOUT_MILLIS = "SWITCHBOARD_KUBERNETES_REQUEST_TIMEOUT_MILLIS";
  public static final String INSECURE_SKIP_TLS_VERIFY = "SWITCHBOARD_KUBERNETES_INSECURE_SKIP_TLS_VERIFY";

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(2000);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMillis(30_000);

  public KubernetesSettings {
    if (pollInterval == null || pollInterval.toMillis() < 1) {
      throw new IllegalArgumentException(POLL_MILLIS + " must be at least 1 millisecond");
    }
    if (requestTimeout == null || requestTimeout.toMillis() < 1) {
      throw new IllegalArgumentException(REQUEST_TIMEOUT_MILLIS + " must be at least 1 millisecond");
    }
  }

  public static KubernetesSettings defaults() {
    return new KubernetesSettings(DEFAULT_POLL_INTERVAL, DEFAULT_REQUEST_TIMEOUT, false);
  }

  /** @throws IllegalArgumentException naming the variable whose value is not valid */
  public static KubernetesSettings fromEnv(Map<String, String> env) {
    return new KubernetesSettings(millis(env, POLL_MILLIS, DEFAULT_POLL_INTERVAL),
        millis(env, REQUEST_TIMEOUT_MILLIS, DEFAULT_REQUEST_TIMEOUT), flag(env, INSECURE_SKIP_TLS_VERIFY));
  }

  private static Duration millis(Map<String, String> env, String name, Duration fallback) {
    String value = env.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      long millis = Long.parseLong(value.trim());
      if (millis < 1) {
        throw new NumberFormatException();
      }
      return Duration.ofMillis(millis);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number of milliseconds, at least 1 (got '"
          + value + "')");
    }
  }

  private static boolean flag(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("false")) {
      return false;
    }
    if (value.trim().equalsIgnoreCase("true")) {
      return true;
    }
    throw new IllegalArgumentException(name + " must be 'true' or 'false' (got '" + value + "')");
  }
}

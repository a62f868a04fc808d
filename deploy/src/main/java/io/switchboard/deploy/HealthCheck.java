package io.switchboard.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Map;

/**
 * The container image's {@code HEALTHCHECK}: asks the node's {@code /health} on the loopback address
 * and exits 0 for a 200, 1 otherwise. The JRE base image has neither curl nor wget, so the check is
 * this class, run from the jar in a small JVM of its own: {@code java -cp switchboard.jar
 * io.switchboard.deploy.HealthCheck [url]}. Without an argument it asks
 * {@code http://127.0.0.1:$SWITCHBOARD_HTTP_PORT/health} (port 8080 when unset). JDK classes only.
 */
public final class HealthCheck {

  private static final int TIMEOUT_MILLIS = 3000;

  private HealthCheck() {
  }

  public static void main(String[] args) {
    URI uri = args.length > 0 ? URI.create(args[0]) : defaultUri(System.getenv());
    int status = status(uri);
    if (status != 200) {
      System.err.println("switchboard health check: " + uri + (status < 0 ? " did not answer" : " answered " + status));
      System.exit(1);
    }
  }

  /** {@code http://127.0.0.1:<SWITCHBOARD_HTTP_PORT or 8080>/health}. */
  static URI defaultUri(Map<String, String> env) {
    String port = env.getOrDefault("SWITCHBOARD_HTTP_PORT", "").trim();
    return URI.create("http://127.0.0.1:" + (port.isEmpty() ? "8080" : port) + "/health");
  }

  /** The HTTP status {@code uri} answers a GET with, or -1 when it does not answer within 3 s. */
  static int status(URI uri) {
    try {
      HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
      connection.setConnectTimeout(TIMEOUT_MILLIS);
      connection.setReadTimeout(TIMEOUT_MILLIS);
      connection.setInstanceFollowRedirects(false);
      try {
        int code = connection.getResponseCode();
        InputStream body = code >= 400 ? connection.getErrorStream() : connection.getInputStream();
        if (body != null) {
          body.close();
        }
        return code;
      } finally {
        connection.disconnect();
      }
    } catch (IOException | IllegalArgumentException e) {
      return -1;
    }
  }
}

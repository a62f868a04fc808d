package io.switchboard.testkit.prometheus;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.LocalBinaries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A real Prometheus server (Debian's {@code prometheus} package; {@code .ci/run} installs it) on a
 * free loopback port, with the configuration a test gives it, its data and log in the test's
 * directory. Tests that use it start it only where {@link #binary()} finds one and skip, saying so,
 * elsewhere (see {@link #MISSING}).
 */
public final class RealPrometheus implements AutoCloseable {

  /** The reason a test gives when it skips for want of a binary. */
  public static final String MISSING = "no prometheus binary on this machine (set SWITCHBOARD_TEST_PROMETHEUS_BIN or "
      + "install Debian's prometheus package, as .ci/run does); the real-Prometheus tests are skipped";

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final String url;
  private final Path log;

  private RealPrometheus(Process process, String url, Path log) {
    this.process = process;
    this.url = url;
    this.log = log;
  }

  /**
   * Starts the server with the configuration {@code config} ({@code %PORT%} in it stands for the
   * server's own port, so it can scrape itself), written to {@code dir/prometheus.yml} (relative rule
   * file paths resolve from there), and waits until it answers queries.
   */
  public static RealPrometheus start(Path binary, Path dir, String config) {
    try {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      Path file = dir.resolve("prometheus.yml");
      Files.writeString(file, config.replace("%PORT%", String.valueOf(port)));
      Path log = dir.resolve("prometheus.log");
      Process process = new ProcessBuilder(binary.toString(), "--config.file=" + file,
          "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      RealPrometheus prometheus = new RealPrometheus(process, "http://127.0.0.1:" + port, log);
      try {
        Await.until("Prometheus answers queries", () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("prometheus exited with " + process.exitValue() + ": " + prometheus.log());
          }
          return prometheus.get("/api/v1/query?query=" + encode("vector(1)")).contains("\"success\"");
        });
      } catch (RuntimeException | AssertionError e) {
        prometheus.close();
        throw e;
      }
      return prometheus;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The server's base URL, {@code http://127.0.0.1:PORT}. */
  public String url() {
    return url;
  }

  /** The body of {@code GET path} on the server, or {@code ""} when it does not answer. */
  public String get(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The answer of the instant query {@code promql} ({@code /api/v1/query}), as JSON text. */
  public String query(String promql) {
    return get("/api/v1/query?query=" + encode(promql));
  }

  /** What the server has logged so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The {@code prometheus} binary: {@code SWITCHBOARD_TEST_PROMETHEUS_BIN}, else the first on the PATH. */
  public static Optional<Path> binary() {
    return tool("prometheus", "SWITCHBOARD_TEST_PROMETHEUS_BIN");
  }

  /** The {@code promtool} binary (same package): {@code SWITCHBOARD_TEST_PROMTOOL_BIN}, else the first on the PATH. */
  public static Optional<Path> promtool() {
    return tool("promtool", "SWITCHBOARD_TEST_PROMTOOL_BIN");
  }

  private static Optional<Path> tool(String name, String variable) {
    return LocalBinaries.find(name, variable);
  }
}

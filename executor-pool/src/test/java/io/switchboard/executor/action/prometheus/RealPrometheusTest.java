package io.switchboard.executor.action.prometheus;

import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.executor.action.MapSecretStore;
import io.switchboard.testkit.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The prometheus action against a real Prometheus (Debian's {@code prometheus} package; {@code .ci/run}
 * installs it), scraping itself on loopback. Skipped, saying so, where no {@code prometheus} binary
 * is installed; {@link PrometheusQueryActionTest} covers the action against a stand-in everywhere.
 */
class RealPrometheusTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  static Path dir;

  private static Process prometheus;
  private static String url;
  private static Vertx vertx;

  /**
   * Starts the server where a binary exists. The assumption is made per test ({@link #needsPrometheus}),
   * not here: an assumption in {@code @BeforeAll} reports "Tests run: 0" with its reason nowhere.
   */
  @BeforeAll
  static void start() throws IOException {
    Optional<Path> binary = binary();
    if (binary.isEmpty()) {
      return;
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    url = "http://127.0.0.1:" + port;
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: prometheus
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(port));
    prometheus = new ProcessBuilder(binary.get().toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    Await.until("Prometheus has scraped itself", () -> get("/api/v1/query?query=up").contains("\"value\""));
    vertx = Vertx.vertx();
  }

  @BeforeEach
  void needsPrometheus() {
    assumeTrue(url != null, "no prometheus binary on this machine (set SWITCHBOARD_TEST_PROMETHEUS_BIN or "
        + "install Debian's prometheus package, as .ci/run does); the real-Prometheus tests are skipped");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (prometheus != null) {
      prometheus.descendants().forEach(ProcessHandle::destroyForcibly);
      prometheus.destroyForcibly().waitFor();
    }
    if (vertx != null) {
      Await.result(vertx.close());
    }
  }

  @Test
  void anInstantVectorQueryIsAnsweredFromTheRealServer() {
    ActionResult result = run(new JsonObject().put("query", "up{job=\"prometheus\"}"));

    assertThat(result.succeeded()).as(result.error()).isTrue();
    assertThat(result.output()).startsWith("`up{job=\"prometheus\"}` → 1 series")
        .contains("job=\"prometheus\"").endsWith("1");
  }

  @Test
  void aScalarIsShownAsItsValue() {
    ActionResult result = run(new JsonObject().put("query", "scalar(vector(6 * 7))"));

    assertThat(result.succeeded()).as(result.error()).isTrue();
    assertThat(result.output()).contains("42");
  }

  @Test
  void aBadQueryIsAFinalFailureQuotingPrometheus() {
    ActionResult result = run(new JsonObject().put("query", "sum(up"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).startsWith("Prometheus bad_data (HTTP 400): ").contains("unclosed");
  }

  private static ActionResult run(JsonObject arguments) {
    PrometheusQueryAction action = new PrometheusQueryAction(
        PrometheusSettings.fromEnv(Map.of(PrometheusSettings.URL, url)));
    return Await.result(action.run(new ActionContext(vertx, "acme", 1L, 1, "idem-key", arguments,
        new JobSecrets(new MapSecretStore(), "acme"), Promise.<String>promise().future())));
  }

  private static String get(String path) {
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

  private static Optional<Path> binary() {
    String configured = System.getenv("SWITCHBOARD_TEST_PROMETHEUS_BIN");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    }
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(folder -> Path.of(folder, "prometheus"))
        .filter(Files::isExecutable)
        .findFirst();
  }
}

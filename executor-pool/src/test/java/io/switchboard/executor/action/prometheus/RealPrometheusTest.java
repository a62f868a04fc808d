package io.switchboard.executor.action.prometheus;

import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.executor.action.MapSecretStore;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.prometheus.RealPrometheus;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The prometheus action against a real Prometheus (Debian's {@code prometheus} package; {@code .ci/run}
 * installs it), scraping itself on loopback. Skipped, saying so, where no {@code prometheus} binary
 * is installed; {@link PrometheusQueryActionTest} covers the action against a stand-in everywhere.
 */
class RealPrometheusTest {

  @TempDir
  static Path dir;

  private static RealPrometheus prometheus;
  private static Vertx vertx;

  /**
   * Starts the server where a binary exists. The assumption is made per test ({@link #needsPrometheus}),
   * not here: an assumption in {@code @BeforeAll} reports "Tests run: 0" with its reason nowhere.
   */
  @BeforeAll
  static void start() {
    Optional<Path> binary = RealPrometheus.binary();
    if (binary.isEmpty()) {
      return;
    }
    prometheus = RealPrometheus.start(binary.get(), dir, """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: prometheus
            static_configs:
              - targets: ['127.0.0.1:%PORT%']
        """);
    Await.until("Prometheus has scraped itself", () -> prometheus.query("up").contains("\"value\""));
    vertx = Vertx.vertx();
  }

  @BeforeEach
  void needsPrometheus() {
    assumeTrue(prometheus != null, RealPrometheus.MISSING);
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
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
        PrometheusSettings.fromEnv(Map.of(PrometheusSettings.URL, prometheus.url())));
    return Await.result(action.run(new ActionContext(vertx, "acme", 1L, 1, "idem-key", arguments,
        new JobSecrets(new MapSecretStore(), "acme"), Promise.<String>promise().future())));
  }
}

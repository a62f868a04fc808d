package io.switchboard.core.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("/health, /ready and /metrics; /metrics only with the metrics token when one is set")
class OperationsRoutesTest {

  private Vertx vertx;
  private Pool pool;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    pool = TestDatabase.pool(vertx, TestDatabase.fresh());
    registry.counter("switchboard.example").increment();
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  void withATokenMetricsNeedIt() throws Exception {
    HttpServer server = serve(Optional.of("scrape-secret"));
    assertThat(get(server, "/metrics", null).statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = get(server, "/metrics", "Bearer guess");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    HttpResponse<String> scraped = get(server, "/metrics", "Bearer scrape-secret");
    assertThat(scraped.statusCode()).isEqualTo(200);
    assertThat(scraped.body()).contains("switchboard_example_total 1.0");
    assertThat(get(server, "/health", null).statusCode()).as("probes need no token").isEqualTo(200);
    assertThat(get(server, "/ready", null).statusCode()).isEqualTo(200);
  }

  @Test
  void withoutATokenMetricsAreOpen() throws Exception {
    assertThat(get(serve(Optional.empty()), "/metrics", null).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("each scrape reports whether the database answers, as switchboard_ready")
  void readinessIsAGauge() throws Exception {
    HttpServer server = serve(Optional.empty());
    assertThat(get(server, "/metrics", null).body()).contains("switchboard_ready 1.0");
    Await.result(pool.close());
    HttpResponse<String> down = get(server, "/metrics", null);
    assertThat(down.statusCode()).isEqualTo(200);
    assertThat(down.body()).contains("switchboard_ready 0.0");
    assertThat(get(server, "/ready", null).statusCode()).isEqualTo(503);
  }

  private HttpServer serve(Optional<String> token) {
    Router router = Router.router(vertx);
    OperationsRoutes.mount(router, pool, registry, token);
    return Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  private static HttpResponse<String> get(HttpServer server, String path, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}

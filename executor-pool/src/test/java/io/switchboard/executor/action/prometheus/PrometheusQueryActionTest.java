package io.switchboard.executor.action.prometheus;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.prometheus.FakePrometheus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.switchboard.testkit.prometheus.FakePrometheus.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusQueryActionTest {

  private static DatabaseUrl url;

  private Vertx vertx;
  private Pool pool;
  private SecretStore store;
  private FakePrometheus prometheus;
  private PrometheusQueryAction action;

  @BeforeAll
  static void database() {
    url = TestDatabase.fresh();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
  }

  @BeforeEach
  void setUp() {
    TestDatabase.execute(url, "DELETE FROM tenant_secrets");
    vertx = Vertx.vertx();
    pool = TestDatabase.pool(vertx, url);
    store = new LocalSecretStore(pool, MasterKey.generate());
    prometheus = new FakePrometheus(vertx);
    action = new PrometheusQueryAction(PrometheusSettings.fromEnv(Map.of(PrometheusSettings.URL, prometheus.url())));
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  // ---------------------------------------------------------------- formatting

  @Test
  void aVectorIsListedAsAlignedLinesSortedByMetric() {
    prometheus.answer("up", "vector", new JsonArray()
        .add(sample(labels("__name__", "up", "job", "prometheus", "instance", "localhost:9090"), "1"))
        .add(sample(labels("__name__", "up", "job", "api", "instance", "10.0.0.7:8080"), "0"))
        .add(sample(labels("__name__", "up", "job", "db"), "1")));

    ActionResult result = run(new JsonObject().put("query", "up"));

    assertThat(result.succeeded()).as(result.error()).isTrue();
    assertThat(result.output()).isEqualTo(String.join("\n",
        "`up` → 3 series",
        "up{instance=\"10.0.0.7:8080\", job=\"api\"}          0",
        "up{instance=\"localhost:9090\", job=\"prometheus\"}  1",
        "up{job=\"db\"}                                     1"));
    assertThat(prometheus.requests).hasSize(1);
    assertThat(prometheus.requests.get(0).method()).isEqualTo("GET");
    assertThat(prometheus.requests.get(0).path()).isEqualTo("/api/v1/query");
    assertThat(prometheus.requests.get(0).params().get("query")).isEqualTo("up");
    assertThat(prometheus.requests.get(0).params().contains("time")).isFalse();
    assertThat(prometheus.requests.get(0).headers().contains("Authorization")).isFalse();
  }

  @Test
  void aVectorWithoutNameShowsLabelsOnlyAndAnEmptyMetricShowsBraces() {
    prometheus.answer("sum by (job) (up)", "vector", new JsonArray()
        .add(sample(labels("job", "b\"q"), "2"))
        .add(sample(Map.of(), "5")));

    ActionResult result = run(new JsonObject().put("query", "sum by (job) (up)"));

    assertThat(result.output()).isEqualTo(String.join("\n",
        "`sum by (job) (up)` → 2 series",
        "{job=\"b\\\"q\"}  2",
        "{}            5"));
  }

  @Test
  void onlyTheConfiguredNumberOfSeriesIsListedAndTheRestCounted() {
    JsonArray many = new JsonArray();
    for (int i = 0; i < 25; i++) {
      many.add(sample(labels("__name__", "http_requests_total", "pod", String.format("web-%02d", i)), "" + i));
    }
    prometheus.answer("http_requests_total", "vector", many);

    ActionResult result = run(new JsonObject().put("query", "http_requests_total"));

    List<String> lines = result.output().lines().toList();
    assertThat(lines.get(0)).isEqualTo("`http_requests_total` → 25 series");
    assertThat(lines).hasSize(1 + 20 + 1);
    assertThat(lines.get(1)).isEqualTo("http_requests_total{pod=\"web-00\"}  0");
    assertThat(lines.get(20)).isEqualTo("http_requests_total{pod=\"web-19\"}  19");
    assertThat(lines.get(21)).isEqualTo("… and 5 more");
  }

  @Test
  void aHugeAnswerStaysShortEnoughForChat() {
    JsonArray many = new JsonArray();
    for (int i = 0; i < 20; i++) {
      many.add(sample(labels("__name__", "m", "pod", "p" + i, "long", "x".repeat(400)), "1"));
    }
    prometheus.answer("m", "vector", many);

    ActionResult result = run(new JsonObject().put("query", "m"));

    assertThat(result.output().length()).isLessThanOrEqualTo(3000);
    assertThat(result.output()).startsWith("`m` → 20 series").contains("… and ");
  }

  @Test
  void scalarsStringsAndEmptyResultsAreSaidPlainly() {
    prometheus.answer("1+1", "scalar", new JsonArray().add(1714564800.0).add("2"));
    prometheus.answer("\"hello\"", "string", new JsonArray().add(1714564800.0).add("hello"));

    assertThat(run(new JsonObject().put("query", "1+1")).output()).isEqualTo("`1+1` → scalar 2");
    assertThat(run(new JsonObject().put("query", "\"hello\"")).output()).isEqualTo("`\"hello\"` → string hello");
    assertThat(run(new JsonObject().put("query", "absent_metric")).output())
        .isEqualTo("`absent_metric` → no data (the query matched no series)");
  }

  @Test
  void aRangeVectorShowsEachSeriesLastSample() {
    prometheus.answer("up[5m]", "matrix", new JsonArray()
        .add(new JsonObject().put("metric", new JsonObject().put("__name__", "up").put("job", "api"))
            .put("values", new JsonArray().add(new JsonArray().add(1.0).add("1")).add(new JsonArray().add(2.0).add("0")))));

    assertThat(run(new JsonObject().put("query", "up[5m]")).output()).isEqualTo(String.join("\n",
        "`up[5m]` → 1 series (range; last sample shown)",
        "up{job=\"api\"}  0  (2 samples)"));
  }

  @Test
  void prometheusWarningsArePassedOn() {
    prometheus.answer("rate(x[1m])", "vector", new JsonArray().add(sample(labels("job", "a"), "0.5")))
        .warn("rate(x[1m])", "PromQL info: metric might not be a counter, name does not end in _total");

    assertThat(run(new JsonObject().put("query", "rate(x[1m])")).output()).isEqualTo(String.join("\n",
        "`rate(x[1m])` → 1 series",
        "{job=\"a\"}  0.5",
        "warning: PromQL info: metric might not be a counter, name does not end in _total"));
  }

  @Test
  void theQueryAndTimeAreSentVerbatim() {
    String query = "sum(rate(http_requests_total{code=~\"5..\", path!=\"/a&b=c\"}[5m])) / 2 + 1";
    prometheus.answer(query, "scalar", new JsonArray().add(1.0).add("0.25"));

    ActionResult result = run(new JsonObject().put("query", query).put("time", "2024-05-01T12:00:00+02:00"));

    assertThat(result.output()).isEqualTo("`" + query + "` at 2024-05-01T12:00:00+02:00 → scalar 0.25");
    assertThat(prometheus.requests.get(0).params().get("query")).isEqualTo(query);
    assertThat(prometheus.requests.get(0).params().get("time")).isEqualTo("2024-05-01T12:00:00+02:00");
  }

  @Test
  void aPathPrefixInTheBaseUrlIsKept() {
    PrometheusQueryAction prefixed = new PrometheusQueryAction(PrometheusSettings.fromEnv(Map.of(
        PrometheusSettings.URL, prometheus.url() + "/prom/")));

    ActionResult result = run(prefixed, context("acme", new JsonObject().put("query", "up"), Promise.promise()));

    assertThat(prometheus.requests.get(0).path()).isEqualTo("/prom/api/v1/query");
    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).contains("HTTP 404");
  }

  // ---------------------------------------------------------------- arguments

  @Test
  void badArgumentsFailTheJobWithoutAskingPrometheus() {
    assertThat(run(new JsonObject()).error()).contains("needs a 'query' argument");
    assertThat(run(new JsonObject().put("query", "  ")).error()).contains("needs a 'query' argument");
    assertThat(run(new JsonObject().put("query", 42)).error()).contains("needs a 'query' argument");
    assertThat(run(new JsonObject().put("query", "x".repeat(10_001))).error()).contains("longer than 10000");
    assertThat(run(new JsonObject().put("query", "up").put("time", "yesterday")).error())
        .contains("'time' argument must be an RFC 3339 timestamp").contains("'yesterday'");
    assertThat(run(new JsonObject().put("query", "up").put("time", 1714564800)).error())
        .contains("'time' argument must be an RFC 3339 timestamp");
    assertThat(run(new JsonObject().put("query", "up").put("tokenSecret", 7)).error())
        .contains("'tokenSecret' argument must be the name of a secret");
    assertThat(run(new JsonObject().put("query", "up").put("qeury", "up")).error()).contains("unknown argument 'qeury'");
    ActionResult any = run(new JsonObject());
    assertThat(any.succeeded()).isFalse();
    assertThat(any.retryable()).isFalse();
    assertThat(prometheus.requests).isEmpty();
  }

  // ---------------------------------------------------------------- secrets

  @Test
  void theBearerTokenComesFromTheTenantsOwnSecret() {
    Await.result(store.put("acme", "prom-token", "acme-prom-token-1234"));
    Await.result(store.put("globex", "prom-token", "globex-prom-token-9876"));
    prometheus.requireToken("acme-prom-token-1234").answer("up", "scalar", new JsonArray().add(1.0).add("1"));

    ActionResult acme = run(new JsonObject().put("query", "up").put("tokenSecret", "prom-token"));
    ActionResult globex = run(action, context("globex", new JsonObject().put("query", "up").put("tokenSecret",
        "prom-token"), Promise.promise()));

    assertThat(acme.succeeded()).as(acme.error()).isTrue();
    assertThat(prometheus.requests.get(0).headers().get("Authorization")).isEqualTo("Bearer acme-prom-token-1234");
    assertThat(globex.succeeded()).isFalse();
    assertThat(globex.error()).contains("HTTP 401").contains("tokenSecret");
    assertThat(prometheus.requests.get(1).headers().get("Authorization")).isEqualTo("Bearer globex-prom-token-9876");
    assertThat(prometheus.requests).extracting(seen -> seen.headers().get("Authorization"))
        .containsExactly("Bearer acme-prom-token-1234", "Bearer globex-prom-token-9876");
  }

  @Test
  void aMissingSecretFailsTheJobByNameWithoutAskingPrometheus() {
    Await.result(store.put("globex", "prom-token", "globex-prom-token-9876"));

    ActionResult result = run(new JsonObject().put("query", "up").put("tokenSecret", "prom-token"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).contains("secret 'prom-token' is not set").doesNotContain("globex-prom-token");
    assertThat(prometheus.requests).isEmpty();
  }

  @Test
  void aSecretValueInTheAnswerIsRedacted() {
    Await.result(store.put("acme", "prom-token", "acme-prom-token-1234"));
    prometheus.answer("leaky", "vector", new JsonArray()
        .add(sample(labels("__name__", "leaky", "authorization", "Bearer acme-prom-token-1234"), "1")));
    JobSecrets secrets = new JobSecrets(store, "acme");
    ActionContext context = new ActionContext(vertx, "acme", 1L, 1, "idem-key",
        new JsonObject().put("query", "leaky").put("tokenSecret", "prom-token"), secrets, Promise.<String>promise().future());

    ActionResult raw = Await.result(action.run(context));
    ActionResult redacted = secrets.redact(raw);

    assertThat(raw.output()).contains("acme-prom-token-1234");
    assertThat(redacted.output()).contains("Bearer [redacted:prom-token]").doesNotContain("acme-prom-token-1234");
  }

  // ---------------------------------------------------------------- Prometheus errors

  @Test
  void aBadQueryIsAFinalFailureQuotingPrometheus() {
    prometheus.reject("sum(", 400, "bad_data",
        "invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis");
    prometheus.reject("1/on() group_left x", 422, "execution", "many-to-many matching not allowed");

    ActionResult parse = run(new JsonObject().put("query", "sum("));
    ActionResult execution = run(new JsonObject().put("query", "1/on() group_left x"));

    assertThat(parse.succeeded()).isFalse();
    assertThat(parse.retryable()).isFalse();
    assertThat(parse.error()).isEqualTo(
        "Prometheus bad_data (HTTP 400): invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis");
    assertThat(execution.retryable()).isFalse();
    assertThat(execution.error()).isEqualTo("Prometheus execution (HTTP 422): many-to-many matching not allowed");
  }

  @Test
  void anUnavailablePrometheusIsARetryableFailure() {
    prometheus.reject("slow", 503, "timeout", "query timed out in expression evaluation");

    ActionResult result = run(new JsonObject().put("query", "slow"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isTrue();
    assertThat(result.error()).isEqualTo("Prometheus timeout (HTTP 503): query timed out in expression evaluation");
  }

  @Test
  void aProxyErrorPageIsRetryableForServerErrorsAndFinalOtherwise() {
    prometheus.raw(502, "<html><body>Bad Gateway</body></html>");
    ActionResult gateway = run(new JsonObject().put("query", "up"));
    prometheus.raw(404, "<html>not here</html>");
    ActionResult missing = run(new JsonObject().put("query", "up"));

    assertThat(gateway.retryable()).isTrue();
    assertThat(gateway.error()).contains("HTTP 502").contains("Bad Gateway");
    assertThat(missing.succeeded()).isFalse();
    assertThat(missing.retryable()).isFalse();
    assertThat(missing.error()).contains("HTTP 404");
  }

  @Test
  void aRefusedConnectionIsRetryable() {
    HttpServer closed = vertx.createHttpServer().requestHandler(request -> request.response().end());
    Await.result(closed.listen(0, "127.0.0.1"));
    int port = closed.actualPort();
    Await.result(closed.close());
    PrometheusQueryAction nowhere = new PrometheusQueryAction(PrometheusSettings.fromEnv(Map.of(
        PrometheusSettings.URL, "http://127.0.0.1:" + port)));

    ActionResult result = run(nowhere, context("acme", new JsonObject().put("query", "up"), Promise.promise()));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isTrue();
    assertThat(result.error()).startsWith("Prometheus is unreachable");
  }

  @Test
  void aQueryThatOutlivesTheTimeLimitIsRetryable() {
    prometheus.hang();
    PrometheusQueryAction impatient = new PrometheusQueryAction(PrometheusSettings.fromEnv(Map.of(
        PrometheusSettings.URL, prometheus.url(), PrometheusSettings.TIMEOUT_SECONDS, "1")));

    ActionResult result = run(impatient, context("acme", new JsonObject().put("query", "up"), Promise.promise()));

    assertThat(result.retryable()).isTrue();
    assertThat(result.error()).startsWith("Prometheus did not answer in time");
  }

  // ---------------------------------------------------------------- stop

  @Test
  void stopResetsTheRequestInFlight() {
    prometheus.hang();
    // A time limit far beyond Await's 30 s: only the reset on stop can close the connection in time.
    PrometheusQueryAction patient = new PrometheusQueryAction(PrometheusSettings.fromEnv(Map.of(
        PrometheusSettings.URL, prometheus.url(), PrometheusSettings.TIMEOUT_SECONDS, "600")));
    Promise<String> stop = Promise.promise();

    Future<ActionResult> running = patient.run(context("acme", new JsonObject().put("query", "up"), stop));
    Await.until("the query reaches Prometheus", () -> prometheus.requests.size() == 1);
    assertThat(running.isComplete()).isFalse();
    stop.complete("cancelled by alice");

    ActionResult result = Await.result(running);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).isEqualTo("prometheus: stopped: cancelled by alice");
    Await.until("the connection is closed", () -> prometheus.closedWhileHanging.get() == 1);
  }

  @Test
  void aJobStoppedBeforeItStartsSendsNothing() {
    Promise<String> stop = Promise.promise();
    stop.complete("shutting down");

    ActionResult result = run(action, context("acme", new JsonObject().put("query", "up"), stop));

    assertThat(result.error()).contains("stopped").contains("shutting down");
    assertThat(prometheus.requests).isEmpty();
  }

  // ---------------------------------------------------------------- settings

  @Test
  void settingsHaveProductionDefaultsAndNameTheBadVariable() {
    PrometheusSettings defaults = PrometheusSettings.fromEnv(Map.of());
    assertThat(defaults.baseUrl().toString()).isEqualTo("http://localhost:9090");
    assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.maxSeries()).isEqualTo(20);
    PrometheusSettings custom = PrometheusSettings.fromEnv(Map.of(PrometheusSettings.URL, "https://prom.example/x/",
        PrometheusSettings.TIMEOUT_SECONDS, "5", PrometheusSettings.MAX_SERIES, "3"));
    assertThat(custom.queryEndpoint()).isEqualTo("https://prom.example/x/api/v1/query");
    assertThat(custom.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(custom.maxSeries()).isEqualTo(3);

    assertThatThrownBy(() -> PrometheusSettings.fromEnv(Map.of(PrometheusSettings.URL, "ftp://prom")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_PROMETHEUS_URL");
    assertThatThrownBy(() -> PrometheusSettings.fromEnv(Map.of(PrometheusSettings.URL, "not a url")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_PROMETHEUS_URL");
    assertThatThrownBy(() -> PrometheusSettings.fromEnv(Map.of(PrometheusSettings.URL, "http://u:p@prom")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_PROMETHEUS_URL");
    assertThatThrownBy(() -> PrometheusSettings.fromEnv(Map.of(PrometheusSettings.TIMEOUT_SECONDS, "0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_PROMETHEUS_TIMEOUT_SECONDS");
    assertThatThrownBy(() -> PrometheusSettings.fromEnv(Map.of(PrometheusSettings.MAX_SERIES, "lots")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_PROMETHEUS_MAX_SERIES");
  }

  // ---------------------------------------------------------------- helpers

  private ActionResult run(JsonObject arguments) {
    return run(action, context("acme", arguments, Promise.promise()));
  }

  private static ActionResult run(PrometheusQueryAction action, ActionContext context) {
    return Await.result(action.run(context));
  }

  private ActionContext context(String tenant, JsonObject arguments, Promise<String> stop) {
    return new ActionContext(vertx, tenant, 1L, 1, "idem-key", arguments, new JobSecrets(store, tenant), stop.future());
  }

  private static Map<String, String> labels(String... pairs) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      labels.put(pairs[i], pairs[i + 1]);
    }
    return labels;
  }
}

package io.switchboard.deploy;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.prometheus.RealPrometheus;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The alert rules ({@code deploy/prometheus}) and the dashboard ({@code deploy/grafana}) against a
 * running node: every metric they read is one the node exports (one scrape is the list of names, so a
 * renamed metric fails here), the dashboard's queries parse ({@code promtool}), and a real Prometheus
 * (Debian's package) scraping the node loads the rules, evaluates them without error, fires none of
 * the availability alerts, and holds the node's {@code switchboard_*}, {@code jvm_*} and
 * {@code vertx_*} series. The real-binary tests are skipped, saying so, where none is installed.
 */
@DisplayName("Alert rules and dashboard read only metrics a running node exports; a real Prometheus loads the rules")
class ObservabilityAssetsTest {

  static final Path DASHBOARD = Path.of("grafana", "switchboard-dashboard.json");

  /**
   * Names the rules may read that a node's scrape does not show: {@code up} (Prometheus makes it),
   * and counters a node registers on their first event. Each of the latter must exist in the code
   * ({@link #eventOnlyNamesAreRealMeters}).
   */
  static final Map<String, String> NOT_SCRAPED = Map.of(
      "up", "made by Prometheus for every target",
      "switchboard_answers_total", "switchboard.answers");

  @TempDir
  static Path dir;

  private static MetricsNode node;
  private static Set<String> exported;

  @BeforeAll
  static void start() {
    node = MetricsNode.start();
    exported = node.scrape().names();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  @DisplayName("every metric an alert reads is exported by the node")
  void alertsReadExportedMetrics() {
    Set<String> read = ruleMetricNames();
    assertThat(read).contains("switchboard_jobs_queue_oldest_age_seconds", "jvm_memory_usage_after_gc",
        "vertx_pool_queue_pending", "switchboard_ready");
    Set<String> missing = new TreeSet<>(read);
    missing.removeAll(exported);
    missing.removeAll(NOT_SCRAPED.keySet());
    assertThat(missing).as("metrics the rules read that the node does not export").isEmpty();
  }

  @Test
  @DisplayName("the names allowed without a scrape are real: Prometheus's up, and meters in the code")
  void eventOnlyNamesAreRealMeters() throws Exception {
    String gatewayMetrics = Files.readString(Path.of("..", "gateway", "src", "main", "java", "io", "switchboard",
        "gateway", "GatewayMetrics.java"));
    String operations = Files.readString(Path.of("..", "docs", "operations.md"));
    assertThat(gatewayMetrics).contains("\"" + NOT_SCRAPED.get("switchboard_answers_total") + "\"");
    assertThat(operations).contains("`switchboard_answers_total");
  }

  @Test
  @DisplayName("every dashboard panel uses the ${DS_PROMETHEUS} input and reads only exported metrics")
  void dashboardReadsExportedMetrics() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    assertThat(dashboard.getJsonArray("__inputs").getJsonObject(0).getString("name")).isEqualTo("DS_PROMETHEUS");
    List<JsonObject> panels = panels(dashboard);
    assertThat(panels).hasSizeGreaterThanOrEqualTo(20);
    Set<String> read = new TreeSet<>();
    for (JsonObject panel : panels) {
      assertThat(panel.getJsonObject("datasource").getString("uid")).as(panel.getString("title"))
          .isEqualTo("${DS_PROMETHEUS}");
      JsonArray targets = panel.getJsonArray("targets");
      assertThat(targets).as(panel.getString("title")).isNotEmpty();
      for (Object target : targets) {
        JsonObject query = (JsonObject) target;
        assertThat(query.getJsonObject("datasource").getString("uid")).isEqualTo("${DS_PROMETHEUS}");
        Set<String> names = PromQl.metricNames(query.getString("expr"));
        assertThat(names).as("%s: %s", panel.getString("title"), query.getString("expr")).isNotEmpty();
        read.addAll(names);
      }
    }
    assertThat(read).as("the issue's dashboard list").contains("switchboard_commands_received_total",
        "switchboard_ack_latency_seconds_bucket", "switchboard_jobs_queue_depth",
        "switchboard_jobs_queue_oldest_age_seconds", "switchboard_job_action_duration_seconds_bucket",
        "switchboard_jobs_lease_lost_total", "switchboard_outbound_rate_limited_total",
        "switchboard_outbound_pacing_wait_seconds_bucket", "switchboard_audit_write_seconds_bucket",
        "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum", "jvm_threads_live_threads",
        "vertx_http_server_requests_total");
    Set<String> missing = new TreeSet<>(read);
    missing.removeAll(exported);
    assertThat(missing).as("metrics the dashboard reads that the node does not export").isEmpty();
  }

  @Test
  @DisplayName("every dashboard query parses (promtool, as recording rules)")
  void dashboardQueriesParse() throws Exception {
    Optional<Path> promtool = RealPrometheus.promtool();
    assumeTrue(promtool.isPresent(), "no promtool on this machine (install Debian's prometheus package, as .ci/run "
        + "does); the dashboard's queries are not parsed");
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    int n = 0;
    for (JsonObject panel : panels(dashboard)) {
      for (Object target : panel.getJsonArray("targets")) {
        String expr = ((JsonObject) target).getString("expr").replace("$__rate_interval", "5m")
            .replace("$__interval", "1m").replace("$__range", "1h");
        rules.append("      - record: dashboard:query").append(n++).append('\n')
            .append("        expr: ").append(Json.encode(expr)).append('\n');
      }
    }
    Path file = dir.resolve("dashboard-queries.yml");
    Files.writeString(file, rules);
    assertThat(PrometheusRulesTest.promtool(dir, List.of("check", "rules", file.getFileName().toString())))
        .contains("SUCCESS: " + n + " rules found");
  }

  @Test
  @DisplayName("a real Prometheus scraping the node loads the rules, evaluates them cleanly and has the node's series")
  void realPrometheusLoadsTheRules() throws Exception {
    Optional<Path> binary = RealPrometheus.binary();
    assumeTrue(binary.isPresent(), RealPrometheus.MISSING);
    String target = node.baseUrl().substring("http://".length());
    String ruleFiles = PrometheusRulesTest.ruleFiles().stream()
        .map(f -> "  - '" + f.toAbsolutePath() + "'").collect(Collectors.joining("\n"));
    try (RealPrometheus prometheus = RealPrometheus.start(binary.get(), dir, """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
        %s
        scrape_configs:
          - job_name: switchboard
            static_configs:
              - targets: ['%s']
        """.formatted(ruleFiles, target))) {
      Await.until("Prometheus has scraped the node", () -> prometheus.query("up{job=\"switchboard\"} == 1")
          .contains("\"value\""));
      Await.until("every rule has been evaluated", () -> rules(prometheus).stream()
          .noneMatch(rule -> "unknown".equals(rule.getString("health"))));
      List<JsonObject> rules = rules(prometheus);
      assertThat(rules).hasSize(PrometheusRulesTest.alerts().size());
      assertThat(rules).allSatisfy(rule -> assertThat(rule.getString("health"))
          .as("%s: %s", rule.getString("name"), rule.getString("lastError")).isEqualTo("ok"));

      JsonObject names = new JsonObject(prometheus.get("/api/v1/label/__name__/values"));
      Set<String> stored = names.getJsonArray("data").stream().map(String::valueOf).collect(Collectors.toSet());
      Set<String> expected = new TreeSet<>(ruleMetricNames());
      expected.removeAll(NOT_SCRAPED.keySet());
      expected.addAll(List.of("switchboard_jobs_completed_total", "jvm_memory_used_bytes", "jvm_gc_pause_seconds_count",
          "vertx_http_server_requests_total", "vertx_eventbus_published_total", "vertx_pool_in_use"));
      assertThat(stored).containsAll(expected);

      // An evaluation before the first scrape saw no series: wait for one after it.
      List<String> availability = List.of("SwitchboardTargetDown", "SwitchboardNotReady", "SwitchboardNoExecutor");
      Await.until("a healthy node: no availability alert pending or firing (active: " + activeAlerts(prometheus) + ")",
          () -> activeAlerts(prometheus).stream().noneMatch(availability::contains));
      assertThat(prometheus.query("switchboard_ready")).contains("\"1\"");
    }
  }

  private static Set<String> activeAlerts(RealPrometheus prometheus) {
    String body = prometheus.get("/api/v1/alerts");
    if (body.isEmpty()) {
      return Set.of("(no answer)");
    }
    return new JsonObject(body).getJsonObject("data").getJsonArray("alerts").stream()
        .map(a -> ((JsonObject) a).getJsonObject("labels").getString("alertname")).collect(Collectors.toSet());
  }

  private static List<JsonObject> rules(RealPrometheus prometheus) {
    String body = prometheus.get("/api/v1/rules");
    if (body.isEmpty()) {
      return List.of();
    }
    List<JsonObject> rules = new ArrayList<>();
    for (Object group : new JsonObject(body).getJsonObject("data").getJsonArray("groups")) {
      for (Object rule : ((JsonObject) group).getJsonArray("rules")) {
        rules.add((JsonObject) rule);
      }
    }
    return rules;
  }

  static Set<String> ruleMetricNames() {
    Set<String> names = new TreeSet<>();
    for (Map<String, Object> alert : PrometheusRulesTest.alerts()) {
      names.addAll(PromQl.metricNames(String.valueOf(alert.get("expr"))));
    }
    return names;
  }

  /** Every panel, those inside collapsed rows included; rows themselves have no queries. */
  static List<JsonObject> panels(JsonObject dashboard) {
    List<JsonObject> panels = new ArrayList<>();
    for (Object item : dashboard.getJsonArray("panels")) {
      JsonObject panel = (JsonObject) item;
      if ("row".equals(panel.getString("type"))) {
        panel.getJsonArray("panels", new JsonArray()).forEach(inner -> panels.add((JsonObject) inner));
      } else {
        panels.add(panel);
      }
    }
    return panels;
  }
}

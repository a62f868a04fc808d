package io.switchboard.deploy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node's {@code /metrics} after real traffic: the JVM's and the process's series, Vert.x's HTTP
 * server, HTTP client, PostgreSQL pool and event-bus series next to Switchboard's own, in one
 * registry, and no label value that names a tenant, a workspace, a channel or a job, nor a raw path.
 */
@DisplayName("/metrics: JVM, process and Vert.x series in the node's registry, every label bounded")
class NodeMetricsTest {

  private static MetricsNode node;
  private static Scrape scrape;

  @BeforeAll
  static void start() throws Exception {
    node = MetricsNode.start();
    scrape = node.scrape();
    Path out = Path.of("target", "node-metrics.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, node.get("/metrics", null));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  @DisplayName("the JVM, GC, memory, thread, class-loader and process binders report")
  void jvmAndProcess() {
    assertThat(scrape.names()).contains("jvm_memory_used_bytes", "jvm_memory_max_bytes", "jvm_gc_pause_seconds_count",
        "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads", "jvm_threads_states_threads",
        "jvm_classes_loaded_classes", "jvm_info", "process_cpu_usage", "system_cpu_count", "process_uptime_seconds",
        "process_files_open_files", "process_files_max_files");
    assertThat(scrape.labelValues("jvm_memory_used_bytes", "area")).contains("heap", "nonheap");
  }

  @Test
  @DisplayName("Vert.x's HTTP server counts requests by route template, method and code")
  void httpServer() {
    assertThat(scrape.names()).contains("vertx_http_server_requests_total", "vertx_http_server_response_time_seconds_count",
        "vertx_http_server_active_requests");
    List<Scrape.Sample> jobReads = scrape.series("vertx_http_server_requests_total").stream()
        .filter(s -> s.labels().get("route").contains("/api/v1/jobs/")).toList();
    assertThat(jobReads).as("the admin API's job reads, under their route template").isNotEmpty()
        .allSatisfy(s -> assertThat(s.labels()).containsEntry("route", "/api/v1/jobs/:id").containsEntry("method", "GET"));
    assertThat(scrape.labelValues("vertx_http_server", "code")).contains("200", "401", "404");
    assertThat(scrape.samples()).allSatisfy(s -> assertThat(s.labels()).doesNotContainKeys("path", "remote", "local"));
  }

  @Test
  @DisplayName("the PostgreSQL pool, the HTTP client and the event bus report, with bounded names and addresses")
  void poolClientAndEventBus() {
    assertThat(scrape.series("vertx_pool_in_use")).anySatisfy(s -> assertThat(s.labels())
        .containsEntry("pool_type", "sql").containsEntry("pool_name", SwitchboardNode.POOL_NAME));
    assertThat(scrape.names()).contains("vertx_pool_queue_pending", "vertx_pool_usage_seconds_count",
        "vertx_http_client_requests_total", "vertx_eventbus_published_total", "vertx_eventbus_handlers");
    assertThat(scrape.labelValues("vertx_pool", "pool_name")).as("an HTTP client pool is never named by its server")
        .allSatisfy(name -> assertThat(name).doesNotContain("127.0.0.1").doesNotContain(":"));
    assertThat(scrape.labelValues("vertx_eventbus", "address"))
        .contains("switchboard.jobs.wakeup", "switchboard.jobs.finished")
        .allSatisfy(address -> assertThat(address).isIn(
            java.util.stream.Stream.concat(NodeMetrics.ADDRESSES.stream(), java.util.stream.Stream.of(NodeMetrics.OTHER_ADDRESS))
                .toList()));
  }

  @Test
  @DisplayName("Switchboard's own series are in the same registry")
  void switchboardSeries() {
    assertThat(scrape.names()).contains("switchboard_commands_received_total", "switchboard_commands_refused_total",
        "switchboard_jobs_completed_total", "switchboard_ack_latency_seconds_bucket", "switchboard_jobs_queue_depth",
        "switchboard_job_action_duration_seconds_bucket", "switchboard_audit_write_seconds_bucket");
  }

  /**
   * The node-wide counterpart of {@code ChannelPacerTest#queueDepthGauges} (which checks the pacer's
   * tag keys): no label key names a tenant, workspace, channel, user or job, and no label value of
   * any series holds the tenant's, workspace's, channel's or user's id, the job's id, or a raw path.
   */
  @Test
  @DisplayName("no label names or holds a tenant, workspace, channel, user or job id, nor a raw path")
  void boundedLabels() {
    assertThat(scrape.samples()).isNotEmpty().allSatisfy(sample -> {
      assertThat(sample.labels().keySet()).as(sample.name())
          .doesNotContain("tenant", "tenant_id", "workspace", "team", "channel", "user", "job", "job_id", "path");
      for (Map.Entry<String, String> label : sample.labels().entrySet()) {
        String value = label.getValue().toLowerCase(Locale.ROOT);
        assertThat(value).as("%s{%s}", sample.name(), label.getKey())
            .doesNotContain("demo", "t0demo", "c0demo", "u0demo", String.valueOf(MetricsNode.JOB_ID), "/no/such/path");
      }
    });
  }
}

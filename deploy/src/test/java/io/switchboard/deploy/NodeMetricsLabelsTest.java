package io.switchboard.deploy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The label filter of {@link NodeMetrics} on the values a node under real traffic may not show
 * ({@link NodeMetricsTest} sees the rest): reply and cluster addresses on the event bus, HTTP client
 * pools named by a tenant's server, and the chain of routes Vert.x Web reports.
 */
@DisplayName("NodeMetrics' label filter: bounded addresses, pool names and routes")
class NodeMetricsLabelsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  NodeMetricsLabelsTest() {
    registry.config().meterFilter(NodeMetrics.boundedLabels());
  }

  @Test
  void eventBusAddressesOutsideSwitchboardsOwnAreOther() {
    assertThat(tag(registry.counter("vertx.eventbus.published", "address", "__vertx.reply.8f3a91", "side", "local"),
        "address")).isEqualTo(NodeMetrics.OTHER_ADDRESS);
    assertThat(tag(registry.counter("vertx.eventbus.published", "address", "switchboard.jobs.wakeup", "side", "local"),
        "address")).isEqualTo("switchboard.jobs.wakeup");
  }

  @Test
  void httpClientPoolsAreOnePoolWhateverServerTheyReach() {
    assertThat(tag(registry.counter("vertx.pool.completed", "pool_type", "http", "pool_name", "jenkins.acme.example:443"),
        "pool_name")).isEqualTo(NodeMetrics.HTTP_CLIENT_POOL);
    assertThat(tag(registry.counter("vertx.pool.completed", "pool_type", "sql", "pool_name", "switchboard-db"),
        "pool_name")).isEqualTo("switchboard-db");
  }

  @Test
  void theRouteThatAnsweredIsTheLastOfTheChain() {
    assertThat(tag(registry.counter("vertx.http.server.requests", "route", "/api/v1/>/api/v1/>/api/v1/jobs/:id"),
        "route")).isEqualTo("/api/v1/jobs/:id");
    assertThat(tag(registry.counter("vertx.http.server.requests", "route", "/health"), "route")).isEqualTo("/health");
  }

  private static String tag(Meter meter, String key) {
    return meter.getId().getTag(key);
  }
}

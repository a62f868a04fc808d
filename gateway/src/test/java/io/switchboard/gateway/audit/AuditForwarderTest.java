package io.switchboard.gateway.audit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.webhook.WebhookStandIn;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AuditForwarder} against a real PostgreSQL and a loopback sink, with posts of two records and
 * two posts per tenant a round: a busy tenant does not hold another back, the behind gauge counts what
 * is left, and rounds follow each other at once while records are left.
 */
@DisplayName("AuditForwarder: a bounded turn per tenant a round, and the records still behind")
class AuditForwarderTest {

  private static final int BATCH = 2;
  private static final int PAGES = 2;

  private Vertx vertx;
  private Pool pool;
  private WebhookStandIn sink;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    DatabaseUrl url = TestDatabase.fresh();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    pool = TestDatabase.pool(vertx, url);
    sink = new WebhookStandIn(vertx);
    registry = new SimpleMeterRegistry();
    append("acme", 7);
    append("globex", 1);
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  private AuditForwarder forwarder(Duration interval) {
    return new AuditForwarder(vertx, pool, new WebhookRecordSink(WebClient.create(vertx), URI.create(sink.url("/siem")),
        Optional.empty()), interval, registry, BATCH, PAGES);
  }

  @Test
  @DisplayName("a busy tenant gets its posts a round and no more; the tenant after it is served in the same round")
  void aBusyTenantDoesNotStarveAnother() {
    AuditForwarder forwarder = forwarder(Duration.ofHours(1));

    assertThat(Await.result(forwarder.forwardRound())).isEqualTo(PAGES * BATCH + 1);
    assertThat(delivered()).as("acme (first by name) had two posts of two, then globex its one record")
        .containsExactly("acme:1", "acme:2", "acme:3", "acme:4", "globex:1");
    assertThat(behind()).as("acme's last three records").isEqualTo(3.0);

    assertThat(Await.result(forwarder.forwardRound())).isEqualTo(3);
    assertThat(delivered()).endsWith("globex:1", "acme:5", "acme:6", "acme:7");
    assertThat(behind()).isZero();
  }

  @Test
  @DisplayName("the behind gauge counts every tenant's records the sink has not acknowledged, as of the last round")
  void behindGaugeCountsUnacknowledgedRecords() {
    AuditForwarder forwarder = forwarder(Duration.ofHours(1));
    assertThat(behind(registry)).as("before any round").isZero();

    Await.result(forwarder.forwardRound());
    append("globex", 2);
    assertThat(behind(registry)).as("records written after the round are not counted until the next").isEqualTo(3.0);
    Await.result(forwarder.forwardRound());
    assertThat(behind(registry)).isZero();

    SimpleMeterRegistry refusedRegistry = new SimpleMeterRegistry();
    AuditForwarder refused = new AuditForwarder(vertx, pool, new WebhookRecordSink(WebClient.create(vertx),
        URI.create(sink.url("/status/503")), Optional.empty()), Duration.ofHours(1), refusedRegistry, BATCH, PAGES);
    assertThat(Await.failure(refused.forwardRound())).hasMessageContaining("HTTP 503");
    assertThat(behind(refusedRegistry)).as("a sink that refuses is behind by every record, all tenants")
        .isEqualTo(10.0);
  }

  @Test
  @DisplayName("while a round leaves records behind, the next starts at once, not an interval later")
  void roundsFollowEachOtherWhileRecordsAreLeft() {
    AuditForwarder forwarder = forwarder(Duration.ofHours(1));
    forwarder.start();
    try {
      Await.until("every record reached the sink", () -> delivered().size() == 8);
    } finally {
      forwarder.stop();
    }
    assertThat(delivered()).filteredOn(line -> line.startsWith("acme:"))
        .containsExactly("acme:1", "acme:2", "acme:3", "acme:4", "acme:5", "acme:6", "acme:7");
    Await.until("the gauge says none is left", () -> behind() == 0);
  }

  /** The records the sink received, as tenant:seq, in the order received. */
  private List<String> delivered() {
    return sink.received.stream()
        .flatMap(post -> post.body().lines())
        .map(JsonObject::new)
        .map(record -> record.getString("tenantId") + ":" + record.getLong("seq"))
        .toList();
  }

  private double behind() {
    return behind(registry);
  }

  private static double behind(SimpleMeterRegistry registry) {
    return registry.get("switchboard.audit.forward.behind.records").gauge().value();
  }

  private void append(String tenant, int count) {
    List<AuditEvent> events = Collections.nCopies(count,
        AuditEvent.of(tenant, AuditEventType.COMMAND_RECEIVED, "U1", null, new JsonObject()));
    Await.result(pool.withTransaction(tx -> AuditLog.appendAll(tx, events)));
  }
}

package io.switchboard.gateway.audit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditExportFormat;
import io.switchboard.audit.AuditForwarding;
import io.switchboard.audit.AuditLog;
import io.switchboard.audit.AuditQuery;
import io.switchboard.audit.AuditRecord;
import io.switchboard.core.config.SyslogAddress;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.syslog.RealRsyslog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Audit records forwarded to a real syslog receiver (Debian's rsyslogd with an imtcp input): each
 * record one RFC 5424 message, octet-counted, in chain order per tenant, every tenant's; a receiver
 * that is down gets everything once it is up, and one that restarts gets what came meanwhile.
 */
@DisplayName("Audit forwarding to syslog (real rsyslogd)")
class AuditSyslogForwardingTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private Context context;
  private Pool pool;
  private SimpleMeterRegistry registry;
  private RealRsyslog receiver;
  private SyslogRecordSink sink;
  private AuditForwarder forwarder;

  @BeforeEach
  void setUp() {
    assumeTrue(RealRsyslog.binary().isPresent(), RealRsyslog.MISSING);
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    var url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    registry = new SimpleMeterRegistry();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
  }

  @AfterEach
  void tearDown() {
    if (receiver != null) {
      receiver.close();
    }
    if (vertx != null) {
      Await.result(vertx.close());
    }
  }

  @Test
  @DisplayName("every record of two tenants arrives as one RFC 5424 message, in chain order, its JSON body whole")
  void recordsArriveInChainOrder() {
    append("acme", 3, new JsonObject().put("note", "spaces, \"quotes\", a newline\nand ünïcödé ✓ 123 <13>1"));
    append("globex", 2, new JsonObject().put("n", 1));
    receiver = RealRsyslog.start(RealRsyslog.binary().orElseThrow(), dir.resolve("rsyslog"), RealRsyslog.freePort());
    forwardTo(receiver.port());

    assertThat(round()).isEqualTo(5);
    Await.until("rsyslog wrote 5 messages", () -> receiver.received().size() >= 5);

    List<JsonObject> received = receiver.received();
    assertThat(received).hasSize(5);
    assertThat(seqsOf(received, "acme")).containsExactly(1L, 2L, 3L);
    assertThat(seqsOf(received, "globex")).containsExactly(1L, 2L);
    for (JsonObject message : received) {
      assertThat(message.getString("pri")).isEqualTo("109");
      assertThat(message.getString("facility")).isEqualTo("13");
      assertThat(message.getString("severity")).isEqualTo("5");
      assertThat(message.getString("version")).isEqualTo("1");
      assertThat(message.getString("appName")).isEqualTo("switchboard");
      assertThat(message.getString("hostname")).isEqualTo("gw-1");
      assertThat(message.getString("procId")).isEqualTo("4242");
      assertThat(message.getString("msgId")).isEqualTo(AuditEventType.COMMAND_RECEIVED.wire());
      assertThat(message.getString("structuredData")).isEqualTo("-");
      assertThat(message.getString("raw")).startsWith("<109>1 ");
    }
    List<AuditRecord> stored = Await.result(AuditQuery.page(pool, "acme", 0, Long.MAX_VALUE, 10));
    assertThat(stored).hasSize(3);
    for (AuditRecord record : stored) {
      JsonObject body = received.stream().map(AuditSyslogForwardingTest::body)
          .filter(b -> b.getString("tenantId").equals("acme") && b.getLong("seq") == record.seq())
          .findFirst().orElseThrow();
      assertThat(body).as("the body is the record's export line, hash and previous hash included")
          .isEqualTo(AuditExportFormat.record(record));
    }
    assertThat(registry.get("switchboard.audit.forward.records").tags("sink", "syslog", "outcome", "acknowledged")
        .counter().count()).isEqualTo(5);
  }

  @Test
  @DisplayName("a receiver that is down keeps every cursor; once up it gets everything, and after a restart what came since")
  void receiverDownThenUp() {
    append("acme", 2, new JsonObject());
    append("globex", 1, new JsonObject());
    int port = RealRsyslog.freePort();
    forwardTo(port);

    assertThat(Await.failure(onContext(forwarder::forwardRound))).hasMessageContaining("tcp://127.0.0.1:" + port);
    assertThat(Await.result(new AuditForwarding(pool, sink.cursor()).recordsBehind()))
        .as("nothing was taken, so every cursor stayed").isEqualTo(3);
    assertThat(registry.get("switchboard.audit.forward.records").tags("sink", "syslog", "outcome", "refused")
        .counter().count()).isPositive();

    receiver = RealRsyslog.start(RealRsyslog.binary().orElseThrow(), dir.resolve("first"), port);
    assertThat(round()).isEqualTo(3);
    Await.until("the receiver got all 3", () -> receiver.received().size() >= 3);
    assertThat(seqsOf(receiver.received(), "acme")).containsExactly(1L, 2L);
    assertThat(seqsOf(receiver.received(), "globex")).containsExactly(1L);

    receiver.close();
    Await.until("the sink noticed the receiver closed the connection", () -> !sink.connected());
    append("acme", 2, new JsonObject());
    assertThat(Await.failure(onContext(forwarder::forwardRound))).as("the receiver is down").isNotNull();
    receiver = RealRsyslog.start(RealRsyslog.binary().orElseThrow(), dir.resolve("second"), port);
    assertThat(round()).isEqualTo(2);
    Await.until("the restarted receiver got the 2 new records", () -> receiver.received().size() >= 2);
    assertThat(receiver.received()).hasSize(2);
    assertThat(seqsOf(receiver.received(), "acme")).containsExactly(3L, 4L);
  }

  private void forwardTo(int port) {
    sink = new SyslogRecordSink(vertx, new SyslogAddress(false, "127.0.0.1", port), Optional.empty(),
        new SyslogFrames("gw-1", 4242), Clock.systemUTC(), Duration.ZERO);
    forwarder = new AuditForwarder(vertx, pool, sink, Duration.ofHours(1), registry);
  }

  private int round() {
    return Await.result(onContext(forwarder::forwardRound));
  }

  /** Runs the round on one Vert.x context, as the gateway's verticle does. */
  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  private void append(String tenant, int count, JsonObject detail) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      chain = chain.compose(v -> pool.withTransaction(tx -> AuditLog.append(tx, AuditEvent.of(tenant,
          AuditEventType.COMMAND_RECEIVED, "U1", null, detail))).mapEmpty());
    }
    Await.result(chain);
  }

  private static List<Long> seqsOf(List<JsonObject> received, String tenant) {
    return received.stream().map(AuditSyslogForwardingTest::body).filter(b -> b.getString("tenantId").equals(tenant))
        .map(b -> b.getLong("seq")).toList();
  }

  private static JsonObject body(JsonObject message) {
    return new JsonObject(message.getString("msg").strip());
  }
}

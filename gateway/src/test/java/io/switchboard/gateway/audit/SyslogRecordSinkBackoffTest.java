package io.switchboard.gateway.audit;

import io.switchboard.audit.AuditRecord;
import io.switchboard.core.config.SyslogAddress;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.ManualClock;
import io.switchboard.testkit.syslog.RealRsyslog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The syslog sink's back-off: after a failed connection attempt, batches fail at once until the
 * back-off (1 s, doubling) has passed on the sink's clock, and then it connects again. The clock is
 * moved by hand, so nothing depends on timing.
 */
@DisplayName("Syslog sink: back-off between connection attempts")
class SyslogRecordSinkBackoffTest {

  private static final List<AuditRecord> RECORDS = List.of(new AuditRecord("acme", 1, Instant.parse("2026-12-05T10:00:00Z"),
      "command.received", "U1", null, "{}", AuditRecord.GENESIS_HASH, "ab".repeat(32), AuditRecord.HashKey.NONE));

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T10:00:00Z"));
  private Vertx vertx;
  private Context context;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("no attempt before the back-off has passed; it doubles; a receiver that comes up is connected to")
  void backsOffThenConnects() {
    int port = RealRsyslog.freePort();
    SyslogRecordSink sink = new SyslogRecordSink(vertx, new SyslogAddress(false, "127.0.0.1", port), Optional.empty(),
        new SyslogFrames("gw-1", 1), clock, Duration.ofSeconds(1));

    assertThat(Await.failure(deliver(sink))).hasMessageContaining("connecting to the syslog receiver");
    assertThat(Await.failure(deliver(sink))).hasMessageContaining("next attempt in 1000 ms");
    clock.advance(Duration.ofMillis(999));
    assertThat(Await.failure(deliver(sink))).hasMessageContaining("next attempt in 1 ms");
    clock.advance(Duration.ofMillis(1));
    assertThat(Await.failure(deliver(sink))).as("tried again, and failed again")
        .hasMessageContaining("connecting to the syslog receiver");
    assertThat(Await.failure(deliver(sink))).as("the back-off doubled").hasMessageContaining("next attempt in 2000 ms");

    Buffer received = Buffer.buffer();
    NetServer server = Await.result(vertx.createNetServer()
        .connectHandler(socket -> socket.handler(received::appendBuffer)).listen(port, "127.0.0.1"));
    assertThat(Await.failure(deliver(sink))).as("still backing off, though the receiver is up")
        .hasMessageContaining("next attempt in 2000 ms");
    clock.advance(Duration.ofSeconds(2));
    Await.result(deliver(sink));
    Await.until("the frame arrives", () -> received.toString().contains("\"seq\":1"));
    assertThat(received.toString()).startsWith(new SyslogFrames("gw-1", 1).frames(RECORDS).toString());
    Await.result(server.close());
  }

  private Future<Void> deliver(SyslogRecordSink sink) {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> sink.deliver(RECORDS).onComplete(promise));
    return promise.future();
  }
}

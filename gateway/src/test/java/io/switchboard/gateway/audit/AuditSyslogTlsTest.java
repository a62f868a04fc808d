package io.switchboard.gateway.audit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditForwarding;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.config.AuditForwardSettings;
import io.switchboard.core.config.SyslogAddress;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.TestTls;
import io.switchboard.testkit.syslog.SyslogTlsStandIn;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audit records to a syslog receiver over TLS (RFC 5425), as the settings configure it: the
 * receiver's certificate is checked against the JVM's trust store plus the configured CA file, and
 * its host name too; a receiver the node cannot trust gets nothing, and the cursors stay.
 */
@DisplayName("Audit forwarding to syslog over TLS")
class AuditSyslogTlsTest {

  private Vertx vertx;
  private Context context;
  private Pool pool;
  private SyslogTlsStandIn receiver;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    var url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme')");
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < 3; i++) {
      chain = chain.compose(v -> pool.withTransaction(tx -> AuditLog.append(tx, AuditEvent.of("acme",
          AuditEventType.COMMAND_RECEIVED, "U1", null, new JsonObject()))).mapEmpty());
    }
    Await.result(chain);
  }

  @AfterEach
  void tearDown() {
    if (receiver != null) {
      receiver.close();
    }
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("with the receiver's CA configured, every record arrives over TLS, octet-counted, in order")
  void trustedWithTheCaFile() {
    receiver = SyslogTlsStandIn.start();
    AuditForwarder forwarder = forwarder("127.0.0.1", Optional.of(TestTls.shared().caPemFile()));
    assertThat(round(forwarder)).isEqualTo(3);
    Await.until("3 messages arrive", () -> receiver.messages().size() == 3);
    assertThat(receiver.messages()).allSatisfy(m -> assertThat(m).startsWith("<109>1 "));
    assertThat(receiver.messages().stream().map(m -> new JsonObject(m.substring(m.indexOf('{'))).getLong("seq")))
        .containsExactly(1L, 2L, 3L);
  }

  @Test
  @DisplayName("a receiver whose CA only the JVM's store would have to know is refused, and nothing moves")
  void untrustedWithoutTheCaFile() {
    receiver = SyslogTlsStandIn.start();
    AuditForwarder forwarder = forwarder("127.0.0.1", Optional.empty());
    assertThat(Await.failure(onContext(forwarder::forwardRound))).isNotNull();
    assertThat(behind()).isEqualTo(3);
    assertThat(receiver.messages()).isEmpty();
  }

  @Test
  @DisplayName("a certificate for another host name is refused even from the trusted CA")
  void wrongHostName() {
    receiver = SyslogTlsStandIn.startWithWrongName();
    AuditForwarder forwarder = forwarder("127.0.0.1", Optional.of(TestTls.shared().caPemFile()));
    assertThat(Await.failure(onContext(forwarder::forwardRound))).isNotNull();
    assertThat(behind()).isEqualTo(3);
    assertThat(receiver.messages()).isEmpty();
  }

  private AuditForwarder forwarder(String host, Optional<Path> caFile) {
    AuditForwardSettings settings = new AuditForwardSettings(Optional.empty(), Optional.empty(), Duration.ofHours(1),
        Optional.of(new SyslogAddress(true, host, receiver.port())), caFile);
    List<AuditRecordSink> sinks = AuditRecordSinks.configured(vertx, null, settings);
    assertThat(sinks).singleElement().extracting(AuditRecordSink::kind).isEqualTo("syslog");
    return new AuditForwarder(vertx, pool, sinks.get(0), Duration.ofHours(1), new SimpleMeterRegistry());
  }

  private long behind() {
    return Await.result(new AuditForwarding(pool, "tls://127.0.0.1:" + receiver.port()).recordsBehind());
  }

  private int round(AuditForwarder forwarder) {
    return Await.result(onContext(forwarder::forwardRound));
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}

package io.switchboard.audit;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditLogTest {

  private Vertx vertx;
  private DatabaseUrl url;
  private Pool pool;
  private AuditChainVerifier verifier;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    verifier = new AuditChainVerifier(pool);
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  void anUntouchedChainVerifies() {
    appendSteps("acme", 5);
    ChainVerification result = Await.result(verifier.verify("acme"));
    assertThat(result.isIntact()).as(result.problem()).isTrue();
    assertThat(result.recordsChecked()).isEqualTo(5);
  }

  @Test
  void recordsWithCharactersThatJsonEscapesAreChainedAsTheVerifierHashesThem() {
    String awkward = "U\"q\\b\u0001\u001f\n\t\u007f é 😀 </script>";
    Await.result(pool.withTransaction(tx -> AuditLog.appendAll(tx, List.of(
        AuditEvent.of("acme", AuditEventType.COMMAND_REFUSED, awkward, null, new JsonObject().put("text", awkward)),
        AuditEvent.of("acme", AuditEventType.COMMAND_RECEIVED, "system", Long.MAX_VALUE, null),
        AuditEvent.of("globex", AuditEventType.COMMAND_REFUSED, "", 0L, new JsonObject().put("z", awkward).put("a", 1))))));

    for (String tenant : List.of("acme", "globex")) {
      ChainVerification result = Await.result(verifier.verify(tenant));
      assertThat(result.isIntact()).as(result.problem()).isTrue();
    }
  }

  @Test
  void anEmptyChainVerifies() {
    assertThat(Await.result(verifier.verify("acme")).isIntact()).isTrue();
  }

  @Test
  void eachTenantHasItsOwnChain() {
    appendSteps("acme", 3);
    appendSteps("globex", 2);
    assertThat(Await.result(verifier.verify("acme")).recordsChecked()).isEqualTo(3);
    assertThat(Await.result(verifier.verify("globex")).recordsChecked()).isEqualTo(2);
    TestDatabase.execute(url, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete");
    TestDatabase.execute(url, "UPDATE audit_events SET actor = 'mallory' WHERE tenant_id = 'globex' AND seq = 1");
    assertThat(Await.result(verifier.verify("acme")).isIntact()).isTrue();
    assertThat(Await.result(verifier.verify("globex")).isIntact()).isFalse();
  }

  @Test
  void theDatabaseRefusesUpdatesAndDeletes() {
    appendSteps("acme", 2);
    assertThatThrownBy(() -> TestDatabase.execute(url, "UPDATE audit_events SET actor = 'x'"))
        .hasStackTraceContaining("append-only");
    assertThatThrownBy(() -> TestDatabase.execute(url, "DELETE FROM audit_events"))
        .hasStackTraceContaining("append-only");
  }

  @Test
  void anEditedRowIsDetected() {
    appendSteps("acme", 4);
    TestDatabase.execute(url, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete");
    TestDatabase.execute(url,
        "UPDATE audit_events SET detail = '{\"text\":\"forged\"}' WHERE tenant_id = 'acme' AND seq = 2");
    ChainVerification result = Await.result(verifier.verify("acme"));
    assertThat(result.isIntact()).isFalse();
    assertThat(result.brokenAtSeq()).isEqualTo(2);
    assertThat(result.problem()).contains("altered");
  }

  @Test
  void anEditedRowWithARecomputedHashBreaksTheNextLink() {
    appendSteps("acme", 3);
    AuditRecord original = records("acme").get(1);
    AuditRecord forged = AuditRecord.next(
        AuditEvent.of("acme", AuditEventType.JOB_SUCCEEDED, "mallory", 7L, new JsonObject()),
        original.seq(), original.prevHash(), original.occurredAt());
    TestDatabase.execute(url, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete");
    TestDatabase.execute(url, "UPDATE audit_events SET actor = 'mallory', event_type = 'job.succeeded', job_id = 7, "
        + "detail = '{}', hash = '" + forged.hash() + "' WHERE tenant_id = 'acme' AND seq = 2");
    ChainVerification result = Await.result(verifier.verify("acme"));
    assertThat(result.brokenAtSeq()).isEqualTo(3);
    assertThat(result.problem()).contains("does not link");
  }

  @Test
  void aDeletedRowIsDetected() {
    appendSteps("acme", 4);
    TestDatabase.execute(url, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete");
    TestDatabase.execute(url, "DELETE FROM audit_events WHERE tenant_id = 'acme' AND seq = 3");
    ChainVerification result = Await.result(verifier.verify("acme"));
    assertThat(result.brokenAtSeq()).isEqualTo(3);
    assertThat(result.problem()).contains("missing");
  }

  @Test
  void aDeletedLastRowIsDetected() {
    appendSteps("acme", 4);
    TestDatabase.execute(url, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete");
    TestDatabase.execute(url, "DELETE FROM audit_events WHERE tenant_id = 'acme' AND seq = 4");
    ChainVerification result = Await.result(verifier.verify("acme"));
    assertThat(result.isIntact()).isFalse();
    assertThat(result.problem()).contains("chain head");
  }

  @Test
  void concurrentAppendsKeepOneUnbrokenChain() {
    List<Future<AuditRecord>> appends = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      appends.add(pool.withTransaction(tx -> AuditLog.append(tx, event("acme"))));
    }
    Await.result(Future.all(appends));
    ChainVerification result = Await.result(verifier.verify("acme"));
    assertThat(result.isIntact()).as(result.problem()).isTrue();
    assertThat(result.recordsChecked()).isEqualTo(40);
  }

  @Test
  void aBatchForSeveralTenantsExtendsEachChainInOrder() {
    appendSteps("acme", 2);
    List<AuditEvent> batch = List.of(
        AuditEvent.of("globex", AuditEventType.JOB_STARTED, "x", 1L, new JsonObject().put("n", 1)),
        AuditEvent.of("acme", AuditEventType.JOB_STARTED, "x", 2L, new JsonObject().put("n", 2)),
        AuditEvent.of("globex", AuditEventType.JOB_SUCCEEDED, "x", 1L, new JsonObject().put("n", 3)),
        AuditEvent.of("acme", AuditEventType.JOB_SUCCEEDED, "x", 2L, new JsonObject().put("n", 4)));
    List<AuditRecord> written = Await.result(pool.withTransaction(tx -> AuditLog.appendAll(tx, batch)));
    assertThat(written).extracting(AuditRecord::tenantId).containsExactly("acme", "acme", "globex", "globex");
    assertThat(written).extracting(AuditRecord::seq).containsExactly(3L, 4L, 1L, 2L);
    assertThat(records("acme")).extracting(AuditRecord::eventType)
        .containsExactly("command.received", "command.received", "job.started", "job.succeeded");
    assertThat(records("globex")).extracting(r -> r.detailJson().getInteger("n")).containsExactly(1, 3);
    for (String tenant : List.of("acme", "globex")) {
      ChainVerification result = Await.result(verifier.verify(tenant));
      assertThat(result.isIntact()).as(result.problem()).isTrue();
    }
    appendSteps("globex", 1);
    assertThat(Await.result(verifier.verify("globex")).recordsChecked()).isEqualTo(3);
  }

  @Test
  void longChainsAreVerifiedAcrossPages() {
    appendSteps("acme", AuditChainVerifier.PAGE_SIZE + 3);
    assertThat(Await.result(verifier.verify("acme")).recordsChecked()).isEqualTo(AuditChainVerifier.PAGE_SIZE + 3);
  }

  @Test
  void detailsAreStoredCanonically() {
    JsonObject unordered = new JsonObject().put("b", 1).put("a", new JsonObject().put("z", 1).put("y", 2));
    AuditRecord record = Await.result(pool.withTransaction(tx -> AuditLog.append(tx,
        AuditEvent.of("acme", AuditEventType.COMMAND_RECEIVED, "U1", null, unordered))));
    assertThat(record.detail()).isEqualTo("{\"a\":{\"y\":2,\"z\":1},\"b\":1}");
  }

  @Test
  void appendsAreTimedByOutcome() {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    AuditLog.measureWith(registry);
    appendSteps("acme", 3);
    assertThat(registry.timer("switchboard.audit.write", "outcome", "ok").count()).isEqualTo(3);
    assertThat(registry.timer("switchboard.audit.write", "outcome", "failed").count()).isZero();
    assertThat(Await.failure(pool.withTransaction(tx -> tx.query("SELECT 1/0").execute()
        .<Object>map(rows -> rows).recover(e -> Future.succeededFuture())
        .compose(v -> AuditLog.append(tx, event("acme")))))).isNotNull();
    assertThat(registry.timer("switchboard.audit.write", "outcome", "failed").count())
        .as("an append in an aborted transaction fails, and counts as failed").isEqualTo(1);
  }

  private void appendSteps(String tenant, int count) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      chain = chain.compose(v -> pool.withTransaction(tx -> AuditLog.append(tx, event(tenant))).mapEmpty());
    }
    Await.result(chain);
  }

  private static AuditEvent event(String tenant) {
    return AuditEvent.of(tenant, AuditEventType.COMMAND_RECEIVED, "U123", 1L, new JsonObject().put("text", "echo hi"));
  }

  private List<AuditRecord> records(String tenant) {
    return Await.result(pool.preparedQuery("SELECT * FROM audit_events WHERE tenant_id = $1 ORDER BY seq")
        .execute(io.vertx.sqlclient.Tuple.of(tenant))
        .map(rows -> {
          List<AuditRecord> list = new ArrayList<>();
          rows.forEach(row -> list.add(AuditRecord.fromRow(row)));
          return list;
        }));
  }
}

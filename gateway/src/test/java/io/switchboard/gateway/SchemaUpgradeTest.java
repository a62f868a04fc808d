package io.switchboard.gateway;

import io.switchboard.audit.AuditChainVerifier;
import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditKey;
import io.switchboard.audit.AuditLog;
import io.switchboard.audit.AuditRecord;
import io.switchboard.audit.ChainVerification;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database as the release before the gateway renovation left it (schema V24) upgrades to today's
 * schema at start-up, with nothing to do by hand: its jobs, installations and audit chain stay intact,
 * and a record keyed with the tenant's chain key after the upgrade extends the chain.
 */
@DisplayName("A database of the release before issue 12's renovation (V24) upgrades with its data intact")
class SchemaUpgradeTest {

  private static final AuditKey KEY = AuditKey.of("schema-upgrade-test-audit-key-32-bytes!".getBytes(StandardCharsets.UTF_8));

  private final Vertx vertx = Vertx.vertx();

  @BeforeEach
  void key() {
    AuditKey.install(KEY);
  }

  @AfterEach
  void stop() {
    AuditKey.install(null);
    Await.result(vertx.close());
  }

  @Test
  void jobsInstallationsAndTheAuditChainSurviveTheUpgrade() {
    DatabaseUrl url = TestDatabase.freshUpTo("24");
    Pool before = TestDatabase.pool(vertx, url);
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    Await.result(before.withTransaction(tx -> Installations.add(tx, "acme", "slack", "T0ACME", false, null, null,
            InstallationProof.OPERATOR)
        .compose(v -> Installations.add(tx, "globex", "discord", "100000000000000001", null, null,
            InstallationProof.OPERATOR))));
    appendAsTheOldReleaseDid(url, AuditEvent.of("acme", AuditEventType.INSTALLATION_ADDED, "operator", null,
        new JsonObject()), 1, AuditRecord.GENESIS_HASH);
    String second = appendAsTheOldReleaseDid(url, AuditEvent.of("acme", AuditEventType.JOB_QUEUED, "U0ALICE", 1L,
        new JsonObject().put("command", "echo")), 2, recordHash(url, "acme", 1));
    appendAsTheOldReleaseDid(url, AuditEvent.of("globex", AuditEventType.INSTALLATION_ADDED, "operator", null,
        new JsonObject()), 1, AuditRecord.GENESIS_HASH);
    TestDatabase.execute(url, "INSERT INTO audit_chain_heads (tenant_id, seq, hash) VALUES ('acme', 2, '" + second
        + "'), ('globex', 1, '" + recordHash(url, "globex", 1) + "')");
    TestDatabase.execute(url, """
        INSERT INTO jobs (id, tenant_id, idempotency_key, platform, requester, channel, command, command_text, action,
                          arguments, reply_to, status)
        VALUES (1, 'acme', 'slack:k1', 'slack', 'U0ALICE', 'C1', 'echo', '/ops echo hi', 'echo', '{"text":"hi"}',
                '{"kind":"slack_web_api","workspace":"T0ACME","channel":"C1"}', 'running')""");
    TestDatabase.execute(url, "INSERT INTO slack_job_messages (tenant_id, job_id, channel, ts) "
        + "VALUES ('acme', 1, 'C1', '1700000000.000100')");
    Await.result(before.close());

    TestDatabase.migrateToLatest(url);

    Pool after = TestDatabase.pool(vertx, url);
    assertThat(count(after, "SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND id = 1 AND status = 'running' "
        + "AND arguments->>'text' = 'hi'")).isEqualTo(1);
    assertThat(count(after, "SELECT count(*) FROM chat_installations WHERE enabled AND ((tenant_id = 'acme' "
        + "AND platform = 'slack') OR (tenant_id = 'globex' AND platform = 'discord'))")).isEqualTo(2);
    assertThat(count(after, "SELECT count(*) FROM chat_job_messages WHERE tenant_id = 'acme' AND job_id = 1 "
        + "AND platform = 'slack' AND address->>'ts' = '1700000000.000100'")).isEqualTo(1);
    Await.result(after.withTransaction(tx -> AuditLog.append(tx, AuditEvent.of("acme", AuditEventType.JOB_SUCCEEDED,
        "executor", 1L, new JsonObject()))));
    for (String tenant : List.of("acme", "globex")) {
      ChainVerification verified = Await.result(new AuditChainVerifier(after).verify(tenant));
      assertThat(verified.isIntact()).as(tenant + ": " + verified.problem()).isTrue();
    }
    assertThat(count(after, "SELECT count(*) FROM audit_events WHERE tenant_keyed")).as("the record written after")
        .isEqualTo(1);
    assertThat(count(after, "SELECT count(*) FROM audit_events")).isEqualTo(4);
    Await.result(after.close());
  }

  /**
   * Writes a record as the release before chain keys (V24 to V27) did: HMAC'd under the deployment's
   * audit key, with no tenant_keyed column to fill. Answers its hash.
   */
  private static String appendAsTheOldReleaseDid(DatabaseUrl url, AuditEvent event, long seq, String prevHash) {
    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
    String detail = event.detail().encode();
    AuditRecord record = new AuditRecord(event.tenantId(), seq, at, event.type().wire(), event.actor(), event.jobId(),
        detail, prevHash, "", AuditRecord.HashKey.DEPLOYMENT);
    String hash = record.recomputeHashWith(KEY);
    TestDatabase.execute(url, "INSERT INTO audit_events (tenant_id, seq, occurred_at, event_type, actor, job_id, "
        + "detail, prev_hash, hash, keyed) VALUES ('" + event.tenantId() + "', " + seq + ", '" + at + "', '"
        + event.type().wire() + "', '" + event.actor() + "', " + event.jobId() + ", '" + detail + "', '" + prevHash
        + "', '" + hash + "', true)");
    return hash;
  }

  private String recordHash(DatabaseUrl url, String tenant, long seq) {
    Pool pool = TestDatabase.pool(vertx, url);
    try {
      return Await.result(pool.query("SELECT hash FROM audit_events WHERE tenant_id = '" + tenant + "' AND seq = "
          + seq).execute()).iterator().next().getString(0);
    } finally {
      Await.result(pool.close());
    }
  }

  private static long count(Pool pool, String sql) {
    return Await.result(pool.query(sql).execute()).iterator().next().getLong(0);
  }
}

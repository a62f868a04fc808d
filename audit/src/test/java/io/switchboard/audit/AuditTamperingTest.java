package io.switchboard.audit;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Someone with full access to the database (a superuser who disables the append-only trigger) tries
 * to rewrite history; each attempt must show in the verification, with the key kept outside the
 * database and the anchors written to a file.
 */
@DisplayName("Audit tampering by someone with database access is detected")
class AuditTamperingTest {

  private static final AuditKey KEY = randomKey();

  private Vertx vertx;
  private DatabaseUrl url;
  private Pool pool;
  private AuditAnchors anchors;
  private AuditAnchoring anchoring;

  @BeforeAll
  static void installKey() {
    AuditKey.install(KEY);
  }

  @AfterAll
  static void uninstallKey() {
    AuditKey.install(null);
  }

  @BeforeEach
  void setUp() throws IOException {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    Path file = Files.createDirectories(Path.of("target", "anchors")).resolve("anchors-" + System.nanoTime() + ".jsonl");
    anchors = new AuditAnchors(file, KEY);
    anchoring = new AuditAnchoring(vertx, pool, anchors, Duration.ofHours(1), Clock.systemUTC());
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    append("acme", 5);
    append("globex", 3);
    assertThat(Await.result(anchoring.anchorNow())).isEqualTo(2);
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("untouched chains verify, keyed, against their anchors")
  void untouchedChainsVerify() {
    ChainVerification acme = verify("acme");
    assertThat(acme.isIntact()).as(acme.problem()).isTrue();
    assertThat(acme.recordsChecked()).isEqualTo(5);
    assertThat(acme.unkeyedRecords()).isZero();
    assertThat(acme.anchorsChecked()).isEqualTo(1);
    assertThat(verify("globex").isIntact()).isTrue();
    assertThat(Await.result(anchoring.anchorNow())).as("nothing moved, nothing anchored").isZero();
  }

  @Test
  @DisplayName("an edited record")
  void anEditedRecord() {
    tamper("UPDATE audit_events SET detail = '{\"text\":\"forged\"}' WHERE tenant_id = 'acme' AND seq = 2");
    assertBroken("acme", 2, "altered");
  }

  @Test
  @DisplayName("records rewritten with recomputed plain hashes (no key), head included")
  void rewrittenWithPlainHashes() {
    rewrite("acme", 3, (fields) -> DigestUtils.sha256Hex(fields), false);
    assertBroken("acme", 3, "unkeyed after keyed");
  }

  @Test
  @DisplayName("the whole chain rewritten from scratch with plain hashes, head included")
  void wholeChainRewritten() {
    rewrite("acme", 1, (fields) -> DigestUtils.sha256Hex(fields), false);
    assertBroken("acme", 5, "differs from its anchor");
  }

  @Test
  @DisplayName("records rewritten with hashes under another key")
  void rewrittenWithAnotherKey() {
    AuditKey guessed = randomKey();
    rewrite("acme", 2, guessed::mac, true);
    assertBroken("acme", 2, "altered");
  }

  @Test
  @DisplayName("the last record deleted and the head rewound")
  void lastRecordDeletedAndHeadRewound() {
    AuditRecord fourth = records("acme").get(3);
    tamper("DELETE FROM audit_events WHERE tenant_id = 'acme' AND seq = 5",
        "UPDATE audit_chain_heads SET seq = 4, hash = '" + fourth.hash() + "' WHERE tenant_id = 'acme'");
    assertBroken("acme", 5, "records were deleted");
  }

  @Test
  @DisplayName("a record deleted from the middle")
  void middleRecordDeleted() {
    tamper("DELETE FROM audit_events WHERE tenant_id = 'acme' AND seq = 3");
    assertBroken("acme", 3, "missing");
  }

  @Test
  @DisplayName("a tenant's chain wiped, head included; the other tenant's stays intact")
  void chainWiped() {
    tamper("DELETE FROM audit_events WHERE tenant_id = 'acme'", "DELETE FROM audit_chain_heads WHERE tenant_id = 'acme'");
    assertBroken("acme", 1, "records were deleted");
    assertThat(verify("globex").isIntact()).isTrue();
  }

  @Test
  @DisplayName("both tables truncated")
  void bothTablesTruncated() {
    tamper("TRUNCATE audit_events, audit_chain_heads");
    assertBroken("acme", 1, "records were deleted");
    assertBroken("globex", 1, "records were deleted");
  }

  @Test
  @DisplayName("an anchor line edited to match a rewrite is not trusted, and is reported")
  void anEditedAnchorIsRefused() throws IOException {
    Path file = anchors.file();
    String edited = Files.readString(file, StandardCharsets.UTF_8).replaceFirst("\"seq\":5", "\"seq\":4");
    Files.writeString(file, edited, StandardCharsets.UTF_8);
    AuditAnchors.Read read = anchors.read();
    assertThat(read.problems()).singleElement().asString().contains("line 1");
    assertThat(read.of("acme")).isEmpty();
    assertThat(read.of("globex")).hasSize(1);
  }

  @Test
  @DisplayName("records from before the key verify as unkeyed, and the first keyed record seals them")
  void unkeyedRecordsFromBeforeTheKey() {
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('initech', 'Initech')");
    AuditKey.install(null);
    try {
      append("initech", 2);
    } finally {
      AuditKey.install(KEY);
    }
    append("initech", 2);
    ChainVerification initech = verify("initech");
    assertThat(initech.isIntact()).as(initech.problem()).isTrue();
    assertThat(initech.unkeyedRecords()).isEqualTo(2);

    rewrite("initech", 1, (fields) -> DigestUtils.sha256Hex(fields), false, 2);
    assertBroken("initech", 3, "does not link");
  }

  @Test
  @DisplayName("records keyed with the deployment's key, before chain keys or by an old node during an upgrade, verify")
  void deploymentKeyedRecordsFromBeforeChainKeys() {
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('initech', 'Initech')");
    append("initech", 4);
    AuditKey chainKey = KEY.forTenant("initech");
    rewrite("initech", 1, fields -> new JsonArray(fields).getLong(1) % 2 == 1 ? KEY.mac(fields) : chainKey.mac(fields),
        true);
    TestDatabase.execute(url, "UPDATE audit_events SET tenant_keyed = (seq % 2 = 0) WHERE tenant_id = 'initech'");
    ChainVerification mixed = verify("initech");
    assertThat(mixed.isIntact()).as(mixed.problem()).isTrue();
    assertThat(mixed.unkeyedRecords()).isZero();

    TestDatabase.execute(url, "UPDATE audit_events SET tenant_keyed = NOT tenant_keyed WHERE tenant_id = 'initech' "
        + "AND seq = 3");
    assertBroken("initech", 3, "altered");
  }

  @Test
  @DisplayName("each tenant's records are keyed with its own chain key, not the audit key or another tenant's")
  void eachTenantHasItsOwnChainKey() {
    for (AuditRecord record : records("acme")) {
      assertThat(record.hashKey()).isEqualTo(AuditRecord.HashKey.TENANT);
      assertThat(record.recomputeHashWith(KEY.forTenant("acme"))).isEqualTo(record.hash());
      assertThat(record.recomputeHashWith(KEY)).isNotEqualTo(record.hash());
      assertThat(record.recomputeHashWith(KEY.forTenant("globex"))).isNotEqualTo(record.hash());
    }
  }

  private interface Hasher {
    String hash(String fields);
  }

  /** Rewrites the tenant's records from {@code from} to the end with an actor of the forger's, recomputing every hash. */
  private void rewrite(String tenant, long from, Hasher hasher, boolean keyed) {
    rewrite(tenant, from, hasher, keyed, Long.MAX_VALUE);
  }

  private void rewrite(String tenant, long from, Hasher hasher, boolean keyed, long to) {
    List<AuditRecord> records = records(tenant);
    List<String> statements = new ArrayList<>();
    String previous = records.get((int) from - 1).prevHash();
    String last = null;
    for (AuditRecord record : records) {
      if (record.seq() < from || record.seq() > to) {
        continue;
      }
      long micros = ChronoUnit.MICROS.between(java.time.Instant.EPOCH, record.occurredAt());
      String fields = new JsonArray().add(tenant).add(record.seq()).add(micros).add(record.eventType()).add("mallory")
          .add(record.jobId()).add(record.detail()).add(previous).encode();
      String hash = hasher.hash(fields);
      statements.add("UPDATE audit_events SET actor = 'mallory', prev_hash = '" + previous + "', hash = '" + hash
          + "', keyed = " + keyed + " WHERE tenant_id = '" + tenant + "' AND seq = " + record.seq());
      previous = hash;
      last = hash;
    }
    if (to == Long.MAX_VALUE) {
      statements.add("UPDATE audit_chain_heads SET hash = '" + last + "' WHERE tenant_id = '" + tenant + "'");
    }
    tamper(statements.toArray(String[]::new));
  }

  private void tamper(String... statements) {
    TestDatabase.execute(url, "ALTER TABLE audit_events DISABLE TRIGGER USER");
    for (String statement : statements) {
      TestDatabase.execute(url, statement);
    }
  }

  private void assertBroken(String tenant, long seq, String problem) {
    ChainVerification result = verify(tenant);
    assertThat(result.isIntact()).as(tenant + " should be broken").isFalse();
    assertThat(result.problem()).contains(problem);
    assertThat(result.brokenAtSeq()).as(result.problem()).isEqualTo(seq);
  }

  private ChainVerification verify(String tenant) {
    try {
      return Await.result(new AuditChainVerifier(pool, Optional.of(KEY)).verify(tenant, anchors.read().of(tenant)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void append(String tenant, int count) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      chain = chain.compose(v -> pool.withTransaction(tx -> AuditLog.append(tx, AuditEvent.of(tenant,
          AuditEventType.COMMAND_RECEIVED, "U123", 1L, new JsonObject().put("text", "echo hi")))).mapEmpty());
    }
    Await.result(chain);
  }

  private List<AuditRecord> records(String tenant) {
    return Await.result(pool.preparedQuery("SELECT " + AuditRecord.COLUMNS + " FROM audit_events WHERE tenant_id = $1 "
        + "ORDER BY seq").execute(Tuple.of(tenant)).map(rows -> {
          List<AuditRecord> list = new ArrayList<>();
          rows.forEach(row -> list.add(AuditRecord.fromRow(row)));
          return list;
        }));
  }

  private static AuditKey randomKey() {
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    return AuditKey.of(raw);
  }
}

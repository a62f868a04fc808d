package io.switchboard.audit;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cursors behind forwarding audit records to a SIEM: a refused delivery leaves the cursor, an
 * acknowledged one moves it, batches follow chain order, and a tenant whose turn another gateway holds
 * is skipped, not delivered twice at once.
 */
@DisplayName("Audit forwarding cursors: at least once, in order, none skipped")
class AuditForwardingTest {

  private Vertx vertx;
  private DatabaseUrl url;
  private Pool pool;
  private AuditForwarding forwarding;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    forwarding = new AuditForwarding(pool, "https://siem.example/in");
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    append("acme", 5);
    append("globex", 2);
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("a refused delivery moves nothing; acknowledged batches move the cursor in chain order")
  void refusedThenAcknowledged() {
    assertThat(Await.result(forwarding.tenantsBehind(10))).containsExactlyInAnyOrder("acme", "globex");
    List<Long> delivered = new ArrayList<>();

    assertThat(Await.failure(forwarding.forwardNext("acme", 3, records -> Future.failedFuture("HTTP 503"))))
        .hasMessageContaining("503");
    assertThat(Await.result(forwarding.forwardNext("acme", 3, records -> {
      records.forEach(record -> delivered.add(record.seq()));
      return Future.succeededFuture();
    }))).isEqualTo(3);
    assertThat(delivered).as("the refused batch is delivered again, from the first record").containsExactly(1L, 2L, 3L);
    assertThat(Await.result(forwarding.forwardNext("acme", 3, records -> {
      records.forEach(record -> delivered.add(record.seq()));
      return Future.succeededFuture();
    }))).isEqualTo(2);
    assertThat(delivered).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(Await.result(forwarding.forwardNext("acme", 3, records -> Future.failedFuture("not called"))))
        .isZero();
    assertThat(Await.result(forwarding.tenantsBehind(10))).containsExactly("globex");

    append("acme", 1);
    assertThat(Await.result(forwarding.tenantsBehind(10))).contains("acme");
    assertThat(Await.result(new AuditForwarding(pool, "https://another-sink.example/").tenantsBehind(10)))
        .as("another sink has cursors of its own, and gets every chain from its start")
        .containsExactlyInAnyOrder("acme", "globex");
  }

  @Test
  @DisplayName("while one gateway delivers a tenant's records, another skips that tenant")
  void oneTurnAtATime() {
    Promise<Void> slowSink = Promise.promise();
    AtomicBoolean delivering = new AtomicBoolean();
    Future<Integer> first = forwarding.forwardNext("acme", 10, records -> {
      delivering.set(true);
      return slowSink.future();
    });
    Await.until("the first turn holds acme's cursor and delivers", delivering::get);
    assertThat(Await.result(forwarding.forwardNext("acme", 10, records -> Future.succeededFuture())))
        .as("skipped while the first turn holds it").isZero();
    slowSink.complete();
    assertThat(Await.result(first)).isEqualTo(5);
  }

  @Test
  @DisplayName("a tenant's cursor is created on its first turn only, and again only once it is gone")
  void cursorCreatedOnce() {
    TestDatabase.execute(url, """
        CREATE TABLE cursor_inserts (n int NOT NULL);
        CREATE FUNCTION count_cursor_insert() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN INSERT INTO cursor_inserts VALUES (1); RETURN NEW; END $$;
        CREATE TRIGGER counted BEFORE INSERT ON audit_forwarding FOR EACH ROW EXECUTE FUNCTION count_cursor_insert()""");
    for (int turn = 0; turn < 3; turn++) {
      Await.result(forwarding.forwardNext("acme", 2, records -> Future.succeededFuture()));
    }
    assertThat(cursorInserts()).as("three turns, one insert").isEqualTo(1);

    TestDatabase.execute(url, "DELETE FROM audit_forwarding WHERE tenant_id = 'acme'");
    assertThat(Await.result(forwarding.forwardNext("acme", 2, records -> Future.succeededFuture())))
        .as("the turn that finds the cursor gone delivers nothing").isZero();
    assertThat(Await.result(forwarding.forwardNext("acme", 2, records -> Future.succeededFuture())))
        .as("the next creates it again, from the chain's start").isEqualTo(2);
    assertThat(cursorInserts()).isEqualTo(2);
  }

  private long cursorInserts() {
    return Await.result(pool.query("SELECT count(*) FROM cursor_inserts").execute()).iterator().next().getLong(0);
  }

  private void append(String tenant, int count) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      chain = chain.compose(v -> pool.withTransaction(tx -> AuditLog.append(tx, AuditEvent.of(tenant,
          AuditEventType.COMMAND_RECEIVED, "U1", null, new JsonObject()))).mapEmpty());
    }
    Await.result(chain);
  }
}

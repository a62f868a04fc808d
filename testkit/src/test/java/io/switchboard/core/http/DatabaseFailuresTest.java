package io.switchboard.core.http;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A deadlock's victim is told to come back later (503), not a bug (500): it was rolled back whole")
class DatabaseFailuresTest {

  private Vertx vertx;
  private Pool pool;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    DatabaseUrl url = TestDatabase.fresh();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    pool = TestDatabase.pool(vertx, url);
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("two transactions that lock two rows in opposite orders: PostgreSQL aborts one with 40P01")
  void aDeadlockVictimIsNotNow() {
    SqlConnection first = Await.result(pool.getConnection());
    SqlConnection second = Await.result(pool.getConnection());
    Transaction firstTx = Await.result(first.begin());
    Transaction secondTx = Await.result(second.begin());
    Await.result(first.query("UPDATE tenants SET name = name WHERE id = 'acme'").execute());
    Await.result(second.query("UPDATE tenants SET name = name WHERE id = 'globex'").execute());
    Future<?> firstWaits = first.query("UPDATE tenants SET name = name WHERE id = 'globex'").execute();
    Future<?> secondWaits = second.query("UPDATE tenants SET name = name WHERE id = 'acme'").execute();
    Await.result(Future.join(firstWaits, secondWaits).otherwiseEmpty());

    Throwable victim = firstWaits.failed() ? firstWaits.cause() : secondWaits.cause();
    assertThat(firstWaits.failed() ^ secondWaits.failed()).as("exactly one was aborted").isTrue();
    assertThat(victim).isInstanceOf(PgException.class);
    assertThat(((PgException) victim).getSqlState()).isEqualTo("40P01");
    assertThat(DatabaseFailures.unavailable(victim)).isTrue();

    Await.result(firstTx.rollback().otherwiseEmpty());
    Await.result(secondTx.rollback().otherwiseEmpty());
    first.close();
    second.close();
  }

  @Test
  @DisplayName("a connection the server reset or refused while going down is unavailability too")
  void aResetConnectionIsNotNow() {
    assertThat(DatabaseFailures.unavailable(new java.net.SocketException("Connection reset"))).isTrue();
    assertThat(DatabaseFailures.unavailable(new IllegalStateException(new java.net.ConnectException("refused")))).isTrue();
    assertThat(DatabaseFailures.unavailable(new java.io.IOException("a file could not be read"))).isFalse();
    // NIO's report of a write to a connection the server reset while shutting down (seen by ChaosTest).
    assertThat(DatabaseFailures.unavailable(new IllegalStateException(new java.io.IOException("Connection reset by peer"))))
        .isTrue();
    assertThat(DatabaseFailures.unavailable(new java.io.IOException("Broken pipe"))).isTrue();
  }

  @Test
  @DisplayName("a bug's failure, such as a violated constraint, stays a 500")
  void aViolatedConstraintIsABug() {
    Future<?> duplicate = pool.query("INSERT INTO tenants (id, name) VALUES ('acme', 'Again')").execute();
    Await.result(duplicate.otherwiseEmpty());
    assertThat(duplicate.failed()).isTrue();
    assertThat(DatabaseFailures.unavailable(duplicate.cause())).isFalse();
  }
}

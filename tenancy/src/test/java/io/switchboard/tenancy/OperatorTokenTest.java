package io.switchboard.tenancy;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.testsupport.Await;
import io.switchboard.core.testsupport.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class OperatorTokenTest {

  private Vertx vertx;
  private DatabaseUrl url;
  private Pool pool;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  void aTokenIsGeneratedOnceAndOnlyItsHashIsKept() {
    String token = Await.result(OperatorToken.ensure(pool, Optional.empty())).orElseThrow();
    assertThat(token).startsWith(OperatorToken.PREFIX);
    assertThat(Await.result(OperatorToken.ensure(pool, Optional.empty()))).isEmpty();
    String stored = Await.result(OperatorToken.expectedHash(pool, Optional.empty())).orElseThrow();
    assertThat(stored).isNotEqualTo(token).hasSize(64);
    assertThat(OperatorToken.matches(token, stored)).isTrue();
    assertThat(OperatorToken.matches(token + "x", stored)).isFalse();
  }

  @Test
  void aConfiguredTokenWinsAndNothingIsGenerated() {
    assertThat(Await.result(OperatorToken.ensure(pool, Optional.of("sbo_configured")))).isEmpty();
    String expected = Await.result(OperatorToken.expectedHash(pool, Optional.of("sbo_configured"))).orElseThrow();
    assertThat(OperatorToken.matches("sbo_configured", expected)).isTrue();
    assertThat(Await.result(OperatorToken.expectedHash(pool, Optional.empty()))).isEmpty();
  }
}

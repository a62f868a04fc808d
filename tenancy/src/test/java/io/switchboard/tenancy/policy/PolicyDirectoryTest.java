package io.switchboard.tenancy.policy;

import io.switchboard.tenancy.Tenants;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.ManualClock;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyDirectoryTest {

  private static final Duration IDLE_AFTER = Duration.ofMinutes(2);
  /** Longer than any test: the version check does not run by itself here. */
  private static final Duration NO_RECHECK = Duration.ofHours(1);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T12:00:00Z"));
  private Vertx vertx;
  private Pool pool;
  private PolicyDirectory directory;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    pool = TestDatabase.pool(vertx, TestDatabase.fresh());
    Await.result(Tenants.createIfAbsent(pool, "acme", "Acme"));
    Await.result(Tenants.createIfAbsent(pool, "globex", "Globex"));
    Await.result(PolicyStore.replace(pool, "acme", 0, ExamplePolicy.document(), "test"));
    Await.result(PolicyStore.replace(pool, "globex", 0, ExamplePolicy.document(), "test"));
    directory = new PolicyDirectory(vertx, pool, NO_RECHECK, IDLE_AFTER, clock);
    Await.result(directory.start());
  }

  @AfterEach
  void tearDown() {
    Await.result(directory.stop());
    Await.result(vertx.close());
  }

  @Test
  void aPolicyInUseStaysInMemory() {
    TenantPolicy first = Await.result(directory.policyOf("acme"));
    for (int i = 0; i < 4; i++) {
      clock.advance(IDLE_AFTER.dividedBy(2));
      assertThat(Await.result(directory.policyOf("acme"))).isSameAs(first);
      directory.forgetIdle();
    }
    assertThat(directory.held()).isEqualTo(1);
  }

  @Test
  void aPolicyNobodyUsedIsForgottenAndLoadedAgainAtItsCurrentVersion() {
    Await.result(directory.policyOf("acme"));
    Await.result(directory.policyOf("globex"));
    clock.advance(IDLE_AFTER.minusSeconds(1));
    Await.result(directory.policyOf("globex"));
    clock.advance(Duration.ofSeconds(2));

    directory.forgetIdle();

    assertThat(directory.held()).isEqualTo(1);
    // Changed while forgotten (no announcement reaches this directory): the next use reads it afresh.
    Await.result(PolicyStore.replace(pool, "acme", 1, ExamplePolicy.document(), "test"));
    assertThat(Await.result(directory.policyOf("acme")).version()).isEqualTo(2);
    assertThat(directory.held()).isEqualTo(2);
  }
}

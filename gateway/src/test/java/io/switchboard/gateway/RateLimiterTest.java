package io.switchboard.gateway;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.testsupport.Await;
import io.switchboard.core.testsupport.TestDatabase;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.RateLimits;
import io.switchboard.tenancy.policy.RateLimits.Bucket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RateLimiter} against a real PostgreSQL. Buckets refill by one a minute, so no token comes
 * back while a test runs; a refill is shown by moving a bucket's {@code refilled_at} back.
 */
@DisplayName("RateLimiter: three buckets, one statement, exact under concurrency")
class RateLimiterTest {

  private static final RateLimits LIMITS = new RateLimits(new Bucket(100, 1), new Bucket(10, 1), new Bucket(4, 1));

  private final Vertx vertx = Vertx.vertx();
  private DatabaseUrl url;
  private Pool pool;
  private RateLimiter limiter;

  @BeforeEach
  void start() {
    url = TestDatabase.fresh();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    pool = TestDatabase.pool(vertx, url);
    limiter = new RateLimiter(pool);
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  private static CommandRequest request(String tenant, String user, String channel) {
    return new CommandRequest(tenant, "slack", "T0", user, channel);
  }

  private double tokens(String tenant, String bucket) {
    return Await.result(pool.preparedQuery("SELECT tokens FROM rate_buckets WHERE tenant_id = $1 AND bucket = $2")
        .execute(io.vertx.sqlclient.Tuple.of(tenant, bucket))).iterator().next().getDouble(0);
  }

  @Test
  @DisplayName("forty commands at once by one user get exactly the user's burst of ten")
  void concurrentTakesAreExact() {
    List<Future<RateLimiter.Verdict>> takes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      takes.add(limiter.take(request("acme", "U1", "C" + i), LIMITS));
    }
    List<RateLimiter.Verdict> verdicts = Await.result(Future.all(takes)).list();

    assertThat(verdicts).filteredOn(RateLimiter.Verdict::allowed).hasSize(10);
    assertThat(verdicts).filteredOn(v -> !v.allowed()).allSatisfy(v -> assertThat(v.scope()).isEqualTo("user"));
    assertThat(tokens("acme", "tenant")).isBetween(90.0, 90.1);
  }

  @Test
  @DisplayName("a refused command takes no token from the buckets that had one")
  void refusalTakesNothing() {
    for (int i = 0; i < 4; i++) {
      assertThat(Await.result(limiter.take(request("acme", "U" + i, "C1"), LIMITS)).allowed()).isTrue();
    }
    RateLimiter.Verdict refused = Await.result(limiter.take(request("acme", "U9", "C1"), LIMITS));

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.scope()).isEqualTo("channel");
    assertThat(refused.message()).startsWith("Too many commands in this channel: the limit is 4 at once and 1 a minute.");
    assertThat(tokens("acme", "tenant")).isBetween(96.0, 96.1);
    assertThat(tokens("acme", "user:slack:U9")).isBetween(10.0, 10.0);
  }

  @Test
  @DisplayName("a bucket refills by the time passed, up to its burst")
  void bucketsRefillWithTime() {
    for (int i = 0; i < 4; i++) {
      Await.result(limiter.take(request("acme", "U" + i, "C1"), LIMITS));
    }
    assertThat(Await.result(limiter.take(request("acme", "U5", "C1"), LIMITS)).allowed()).isFalse();

    TestDatabase.execute(url, "UPDATE rate_buckets SET refilled_at = refilled_at - interval '90 seconds' "
        + "WHERE tenant_id = 'acme' AND bucket = 'channel:slack:C1'");

    assertThat(Await.result(limiter.take(request("acme", "U5", "C1"), LIMITS)).allowed()).isTrue();
    assertThat(tokens("acme", "channel:slack:C1")).isBetween(0.5, 0.6);
    assertThat(Await.result(limiter.take(request("acme", "U6", "C1"), LIMITS)).allowed()).isFalse();
  }

  @Test
  @DisplayName("tenants draw from their own buckets")
  void tenantsAreSeparate() {
    for (int i = 0; i < 4; i++) {
      Await.result(limiter.take(request("acme", "U" + i, "C1"), LIMITS));
    }
    assertThat(Await.result(limiter.take(request("acme", "U9", "C1"), LIMITS)).allowed()).isFalse();

    assertThat(Await.result(limiter.take(request("globex", "U9", "C1"), LIMITS)).allowed()).isTrue();
    assertThat(tokens("globex", "channel:slack:C1")).isBetween(3.0, 3.1);
  }
}

package io.switchboard.gateway;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.RateLimits;
import io.switchboard.tenancy.policy.RateLimits.Bucket;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.ManualClock;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RateLimiter} against a real PostgreSQL. Buckets refill by one a minute, so no token comes
 * back while a test runs; a refill is shown by moving a bucket's {@code refilled_at} back and the
 * limiter's clock forward by the same time.
 */
@DisplayName("RateLimiter: shared buckets, leased per node, never over the limit")
class RateLimiterTest {

  private static final RateLimits LIMITS = new RateLimits(new Bucket(100, 1), new Bucket(10, 1), new Bucket(4, 1));

  private final Vertx vertx = Vertx.vertx();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
  private DatabaseUrl url;
  private Pool pool;
  private RateLimiter limiter;

  @BeforeEach
  void start() {
    url = TestDatabase.fresh();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    pool = TestDatabase.pool(vertx, url);
    limiter = new RateLimiter(pool, clock);
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
        .execute(Tuple.of(tenant, bucket))).iterator().next().getDouble(0);
  }

  private List<RateLimiter.Verdict> takeAll(RateLimiter by, List<CommandRequest> requests, RateLimits limits) {
    List<Future<RateLimiter.Verdict>> takes = new ArrayList<>();
    requests.forEach(request -> takes.add(by.take(request, limits)));
    return Await.result(Future.all(takes)).list();
  }

  @Test
  @DisplayName("forty commands at once by one user get exactly the user's burst of ten")
  void concurrentTakesAreExact() {
    List<CommandRequest> requests = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      requests.add(request("acme", "U1", "C" + i));
    }
    List<RateLimiter.Verdict> verdicts = takeAll(limiter, requests, LIMITS);

    assertThat(verdicts).filteredOn(RateLimiter.Verdict::allowed).hasSize(10);
    assertThat(verdicts).filteredOn(v -> !v.allowed()).allSatisfy(v -> assertThat(v.scope()).isEqualTo("user"));
    assertThat(tokens("acme", "user:slack:U1")).isLessThan(1);
    assertThat(tokens("acme", "tenant")).as("ten spent, at most one lease (an eighth of the burst) held")
        .isBetween(100.0 - 10 - 100 / 8, 90.1);
  }

  @Test
  @DisplayName("two nodes flooding one tenant's bucket admit no more than its burst, and at most their leases less")
  void twoNodesNeverOverAdmit() {
    RateLimits wide = new RateLimits(new Bucket(200, 1), new Bucket(10_000, 1), new Bucket(10_000, 1));
    RateLimiter other = new RateLimiter(pool, clock);
    List<CommandRequest> requests = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      requests.add(request("acme", "U" + i, "C" + i));
    }
    List<RateLimiter.Verdict> verdicts = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      verdicts.addAll(takeAll(round % 2 == 0 ? limiter : other, requests.subList(round * 75, round * 75 + 75), wide));
    }

    long allowed = verdicts.stream().filter(RateLimiter.Verdict::allowed).count();
    assertThat(allowed).isLessThanOrEqualTo(200).isGreaterThanOrEqualTo(200 - 2 * 200 / 8);
    assertThat(verdicts).filteredOn(v -> !v.allowed()).allSatisfy(v -> assertThat(v.scope()).isEqualTo("tenant"));
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
    assertThat(tokens("acme", "user:slack:U9")).isEqualTo(10.0);
  }

  @Test
  @DisplayName("a dry bucket refuses from memory until its next token is due, then asks the shared bucket again")
  void dryBucketRefusesFromMemory() {
    for (int i = 0; i < 4; i++) {
      Await.result(limiter.take(request("acme", "U" + i, "C1"), LIMITS));
    }
    RateLimiter.Verdict refused = Await.result(limiter.take(request("acme", "U5", "C1"), LIMITS));
    assertThat(refused.retryAfter()).isBetween(Duration.ofSeconds(59), Duration.ofMinutes(1));

    TestDatabase.execute(url, "UPDATE rate_buckets SET tokens = 4 WHERE tenant_id = 'acme' AND bucket = 'channel:slack:C1'");
    clock.advance(Duration.ofSeconds(30));
    RateLimiter.Verdict fromMemory = Await.result(limiter.take(request("acme", "U5", "C1"), LIMITS));
    assertThat(fromMemory.allowed()).as("the shared bucket was not asked").isFalse();
    assertThat(fromMemory.retryAfter()).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(30));
    assertThat(tokens("acme", "channel:slack:C1")).isEqualTo(4.0);

    clock.advance(fromMemory.retryAfter());
    assertThat(Await.result(limiter.take(request("acme", "U5", "C1"), LIMITS)).allowed()).isTrue();
  }

  @Test
  @DisplayName("a lowered limit applies at once: tokens leased under the old one are not spent")
  void aLoweredLimitRevokesLeasedTokens() {
    RateLimits wide = new RateLimits(new Bucket(800, 1), new Bucket(10_000, 1), new Bucket(10_000, 1));
    for (int i = 0; i < 8; i++) {
      Await.result(limiter.take(request("acme", "U" + i, "C" + i), wide));
    }
    assertThat(tokens("acme", "tenant")).as("this node holds leased tokens").isLessThan(800 - 8);

    RateLimits narrow = new RateLimits(new Bucket(1, 1), new Bucket(10_000, 1), new Bucket(10_000, 1));
    TestDatabase.execute(url, "UPDATE rate_buckets SET tokens = 0 WHERE tenant_id = 'acme' AND bucket = 'tenant'");
    RateLimiter.Verdict verdict = Await.result(limiter.take(request("acme", "U9", "C9"), narrow));
    assertThat(verdict.allowed()).as("the shared bucket, now empty, was asked").isFalse();
    assertThat(verdict.scope()).isEqualTo("tenant");
  }

  @Test
  @DisplayName("a raised limit applies at once: a bucket known dry under the old one is asked again")
  void aRaisedLimitForgetsADryBucket() {
    for (int i = 0; i < 4; i++) {
      Await.result(limiter.take(request("acme", "U" + i, "C1"), LIMITS));
    }
    assertThat(Await.result(limiter.take(request("acme", "U5", "C1"), LIMITS)).allowed()).isFalse();

    RateLimits raised = new RateLimits(new Bucket(100, 1), new Bucket(10, 1), new Bucket(40, 1));
    TestDatabase.execute(url, "UPDATE rate_buckets SET tokens = 40 WHERE tenant_id = 'acme' AND bucket = 'channel:slack:C1'");
    assertThat(Await.result(limiter.take(request("acme", "U5", "C1"), raised)).allowed())
        .as("not refused from memory").isTrue();
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
    clock.advance(Duration.ofSeconds(90));

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

  @Test
  @DisplayName("leased tokens unspent after the lease's life are dropped, not spent later")
  void leasesExpire() {
    RateLimits wide = new RateLimits(new Bucket(800, 1), new Bucket(10_000, 1), new Bucket(10_000, 1));
    for (int i = 0; i < 8; i++) {
      Await.result(limiter.take(request("acme", "U" + i, "C" + i), wide));
    }
    double shared = tokens("acme", "tenant");
    assertThat(shared).as("leases grew beyond one token at a time").isLessThan(800 - 8);

    clock.advance(RateLimiter.LEASE_TTL);
    Await.result(limiter.take(request("acme", "U9", "C9"), wide));

    assertThat(tokens("acme", "tenant")).as("a new lease was taken from the shared bucket").isLessThan(shared);
  }

  @Test
  @DisplayName("rows are matched to buckets by position: a key the driver stores altered still gets its tokens")
  void rowsMatchBucketsByPosition() {
    String user = "U\uD800";
    assertThat(Await.result(pool.query("SELECT $$x\uD800$$::text").execute()).iterator().next().getString(0))
        .as("the driver alters a lone surrogate, so the key text read back differs from the key asked for")
        .isNotEqualTo("x\uD800");
    List<RateLimiter.Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      verdicts.add(Await.result(limiter.take(request("acme", user, "C" + i), LIMITS)));
    }

    assertThat(verdicts.subList(0, 10)).allSatisfy(v -> assertThat(v.allowed()).isTrue());
    assertThat(verdicts.get(10).allowed()).isFalse();
    assertThat(verdicts.get(10).scope()).as("the dry row is the user's bucket, second in the lease").isEqualTo("user");
  }

  @Test
  @DisplayName("ids too long for an index entry get buckets of their own under their hash, never an error")
  void hugeIdsAreHashed() {
    String huge = "U" + "x".repeat(3000);
    String otherHuge = "U" + "y".repeat(3000);
    for (int i = 0; i < 10; i++) {
      assertThat(Await.result(limiter.take(request("acme", huge, "C" + i), LIMITS)).allowed()).isTrue();
    }
    RateLimiter.Verdict eleventh = Await.result(limiter.take(request("acme", huge, "C10"), LIMITS));
    assertThat(eleventh.allowed()).isFalse();
    assertThat(eleventh.scope()).as("the huge id's own bucket is dry").isEqualTo("user");
    assertThat(Await.result(limiter.take(request("acme", otherHuge, "C11"), LIMITS)).allowed())
        .as("another huge id has another bucket").isTrue();
    assertThat(Await.result(limiter.take(request("acme", "U1", "C" + "z".repeat(3000)), LIMITS)).allowed()).isTrue();
    assertThat(tokens("acme", RateLimiter.bucketKey("user:slack:", huge))).isLessThan(1);
    assertThat(RateLimiter.bucketKey("user:slack:", huge)).startsWith("user:slack:sha256:").hasSize(11 + 7 + 64);
    assertThat(RateLimiter.bucketKey("user:slack:", "U1")).isEqualTo("user:slack:U1");
  }
}

package io.switchboard.jmh;

import io.switchboard.gateway.RateLimiter;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.RateLimits;
import io.switchboard.testkit.Await;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * The token buckets a command takes from ({@link RateLimiter#take}: tenant, user, channel), with the
 * leases behind them in a real PostgreSQL. {@code allowed}: limits so high the buckets never run dry,
 * so a call spends a leased token from memory and, once per lease (up to
 * {@link RateLimiter#MAX_LEASE} tokens), waits for the lease statement. {@code refused}: a bucket
 * known to be dry, refused from memory, asked again when its next token is due.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RateLimiterBenchmark {

  static final RateLimits UNREACHABLE =
      new RateLimits(new RateLimits.Bucket(100_000_000, 100_000_000), new RateLimits.Bucket(100_000_000, 100_000_000),
          new RateLimits.Bucket(100_000_000, 100_000_000));
  static final RateLimits ONE_A_MINUTE =
      new RateLimits(new RateLimits.Bucket(1, 1), new RateLimits.Bucket(1, 1), new RateLimits.Bucket(1, 1));

  TenantFleet fleet;
  RateLimiter limiter;
  final CommandRequest busy = new CommandRequest(TenantFleet.tenantId(0), "slack", "T0", "U0", "C0");
  final CommandRequest throttled = new CommandRequest(TenantFleet.tenantId(1), "slack", "T1", "U1", "C1");

  @Setup(Level.Trial)
  public void setUp() {
    fleet = TenantFleet.create(2, false);
    limiter = new RateLimiter(fleet.pool());
    Await.result(limiter.take(throttled, ONE_A_MINUTE));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    fleet.close();
  }

  @Benchmark
  public RateLimiter.Verdict allowed() {
    return Await.result(limiter.take(busy, UNREACHABLE));
  }

  @Benchmark
  public RateLimiter.Verdict refused() {
    return Await.result(limiter.take(throttled, ONE_A_MINUTE));
  }
}

package io.switchboard.jmh;

import io.switchboard.tenancy.command.CommandParser;
import io.switchboard.tenancy.command.ParsedCommand;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.Decision;
import io.switchboard.tenancy.policy.TenantPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A policy decision as the gateway makes one: the tenant's compiled policy found in the
 * {@link io.switchboard.tenancy.policy.PolicyDirectory} among {@code tenants} installed tenants (all
 * loaded from PostgreSQL beforehand), then {@link TenantPolicy#decide}. Each call takes a random
 * tenant and one of three cases, so caches do not flatter it and every outcome is in the figures: a
 * developer deploying to staging (allowed), a deployer deploying to production (needs an approval), a
 * developer deploying to production (denied, with the reason naming who could).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PolicyDecisionBenchmark {

  @Param("10000")
  public int tenants;

  TenantFleet fleet;
  ParsedCommand.Invocation staging;
  ParsedCommand.Invocation production;

  @Setup(Level.Trial)
  public void setUp() {
    fleet = TenantFleet.create(tenants, true).loadAll();
    TenantPolicy any = fleet.policyInMemory(TenantFleet.tenantId(0));
    CommandParser parser = new CommandParser();
    staging = (ParsedCommand.Invocation) parser.parse(any.catalog(), "deploy staging api --version 1.4.2");
    production = (ParsedCommand.Invocation) parser.parse(any.catalog(), "deploy production api,web --version 1.4.2");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    fleet.close();
  }

  /** Which tenant and which case the next call takes; one per benchmark thread. */
  @State(Scope.Thread)
  public static class Draw {
    final SplittableRandom random = new SplittableRandom(42);
  }

  @Benchmark
  public Decision decide(Draw draw) {
    int tenant = draw.random.nextInt(tenants);
    return decide(tenant, draw.random.nextInt(3));
  }

  /** Case 0: allowed, 1: needs an approval, 2: denied. */
  Decision decide(int tenant, int which) {
    String tenantId = TenantFleet.tenantId(tenant);
    TenantPolicy policy = fleet.policyInMemory(tenantId);
    return switch (which) {
      case 0 -> policy.decide(request(tenant, tenantId, "dev"), staging, Instant.now());
      case 1 -> policy.decide(request(tenant, tenantId, "dep"), production, Instant.now());
      default -> policy.decide(request(tenant, tenantId, "dev"), production, Instant.now());
    };
  }

  private static CommandRequest request(int tenant, String tenantId, String role) {
    return new CommandRequest(tenantId, "slack", "T" + tenant, TenantFleet.userOf(tenant, role, tenant % 3),
        "C0DEPLOYS");
  }
}

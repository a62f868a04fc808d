package io.switchboard.jmh;

import io.switchboard.tenancy.command.ParsedCommand;
import io.switchboard.tenancy.policy.Decision;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each benchmark run once, its answer checked: a benchmark that measures a refusal, an empty policy
 * or a failed parse would report fast figures for the wrong work. Nothing here is timed.
 */
class BenchmarksAnswerTest {

  @Test
  void requestChecksMeasureAnAcceptedRequest() {
    RequestCheckBenchmark benchmark = new RequestCheckBenchmark();
    benchmark.setUp();

    assertThat(benchmark.peekWorkspace()).contains("T0001");
    assertThat(benchmark.verifySignature()).isTrue();
    assertThat(benchmark.boltVerifySignature()).isTrue();
    assertThat(benchmark.boltDecodeForm().getText()).isEqualTo("deploy production api,web --version 1.4.2");
    assertThat(benchmark.decodeForm().text()).isEqualTo("deploy production api,web --version 1.4.2");
    assertThat(benchmark.parseCommand()).isInstanceOfSatisfying(ParsedCommand.Invocation.class,
        invocation -> assertThat(invocation.targets()).containsExactly("api", "web"));
  }

  @Test
  void policyDecisionsReachEachOutcomeForEveryTenant() {
    PolicyDecisionBenchmark benchmark = new PolicyDecisionBenchmark();
    benchmark.tenants = 50;
    benchmark.setUp();
    try {
      for (int tenant = 0; tenant < benchmark.tenants; tenant++) {
        assertThat(benchmark.decide(tenant, 0).outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        assertThat(benchmark.decide(tenant, 1).outcome()).isEqualTo(Decision.Outcome.NEEDS_APPROVAL);
        assertThat(benchmark.decide(tenant, 2).outcome()).isEqualTo(Decision.Outcome.DENIED);
      }
      assertThat(benchmark.decide(new PolicyDecisionBenchmark.Draw())).isNotNull();
    } finally {
      benchmark.tearDown();
    }
  }

  @Test
  void rateLimiterMeasuresAllowedAndRefusedTakes() {
    RateLimiterBenchmark benchmark = new RateLimiterBenchmark();
    benchmark.setUp();
    try {
      for (int i = 0; i < 500; i++) {
        assertThat(benchmark.allowed().allowed()).isTrue();
        assertThat(benchmark.refused().allowed()).isFalse();
      }
    } finally {
      benchmark.tearDown();
    }
  }

  @Test
  void tracingMeasuresNoTraceWhenOffAndATraceWhenOn() {
    for (String tracing : new String[] {"off", "sdk"}) {
      TracingBenchmark benchmark = new TracingBenchmark();
      benchmark.tracing = tracing;
      benchmark.setUp();
      try {
        benchmark.enterRequest();
        String parent = benchmark.queuedCommand();
        benchmark.leaveRequest();
        if (tracing.equals("off")) {
          assertThat(parent).isNull();
        } else {
          assertThat(parent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]");
        }
      } finally {
        benchmark.tearDown();
      }
    }
  }
}

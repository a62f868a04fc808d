package io.switchboard.executor;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.core.job.JobStatus;

import java.time.Duration;
import java.time.Instant;

/** The executor's meters. Tenant ids are not tags (cardinality). */
final class ExecutorMetrics {

  private final MeterRegistry registry;
  private final Timer runTime;

  ExecutorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.runTime = Timer.builder("switchboard.job.run.time")
        .description("Time an action ran, per attempt")
        .register(registry);
  }

  void finished(JobStatus status, Instant createdAt, Duration ran) {
    registry.counter("switchboard.jobs.completed", "status", status.wire()).increment();
    runTime.record(ran);
    Timer.builder("switchboard.job.latency")
        .description("Time from a job being queued to its final state")
        .tag("status", status.wire())
        .register(registry)
        .record(Duration.between(createdAt, Instant.now()));
  }

  void leaseLost() {
    registry.counter("switchboard.jobs.lease.lost").increment();
  }

  void exhausted() {
    registry.counter("switchboard.jobs.completed", "status", JobStatus.FAILED.wire()).increment();
  }
}

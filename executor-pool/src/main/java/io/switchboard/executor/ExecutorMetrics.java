package io.switchboard.executor;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.core.job.JobStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The executor's meters: queue depth and the oldest waiting job's age (what to scale and alert on),
 * claim latency, run time (also by action type and outcome), attempts, retries and lost leases.
 * Tenant ids are not tags (cardinality); the action tag is an installed action type, or
 * {@value #UNKNOWN_ACTION}.
 */
final class ExecutorMetrics {

  /** The action tag of a job whose action type is not installed here (the type is whatever the row says). */
  static final String UNKNOWN_ACTION = "unknown";

  private final MeterRegistry registry;
  private final Timer claimLatency;
  private final Timer runTime;
  private final DistributionSummary attempts;
  private final AtomicLong queueDepth = new AtomicLong();
  /** The oldest waiting job's age in nanoseconds, as of the last refresh. */
  private final AtomicLong oldestWaitingNanos = new AtomicLong();

  ExecutorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.claimLatency = Timer.builder("switchboard.job.claim.latency")
        .description("Time a job waited in the queue before an executor claimed it")
        .publishPercentileHistogram()
        .register(registry);
    this.runTime = Timer.builder("switchboard.job.run.time")
        .description("Time from claim to recorded outcome, per attempt")
        .register(registry);
    this.attempts = DistributionSummary.builder("switchboard.job.attempts")
        .description("Attempts a job took to reach its final state")
        .register(registry);
    // At zero from the start, so alerts on their rate see a series before the first event.
    registry.counter("switchboard.jobs.retried");
    registry.counter("switchboard.jobs.lease.lost");
    Gauge.builder("switchboard.jobs.queue.depth", queueDepth, AtomicLong::get)
        .description("Jobs waiting in the queue, all tenants (ready or backing off)")
        .register(registry);
    Gauge.builder("switchboard.jobs.queue.oldest.age", oldestWaitingNanos, nanos -> nanos.get() / 1e9)
        .description("How long the longest-waiting job an executor could claim has waited, all tenants (0: none "
            + "waits): jobs of active tenants, those behind their tenant's cap of running jobs included, from when "
            + "they were queued (a retry: from the end of its back-off); not jobs backing off before a retry or held "
            + "back by a per-target lock")
        .baseUnit("seconds")
        .register(registry);
  }

  void claimed(Duration waited) {
    claimLatency.record(waited);
  }

  void ran(Duration ran) {
    runTime.record(ran);
  }

  /**
   * One attempt of an action, claim to recorded outcome: {@code action} an installed type (or
   * {@value #UNKNOWN_ACTION}), {@code outcome} the job's final status ({@code succeeded},
   * {@code failed}, {@code cancelled}), {@code retried} or {@code lease_lost}.
   */
  void actionRan(String action, String outcome, Duration ran) {
    Timer.builder("switchboard.job.action.duration")
        .description("Time from claim to recorded outcome of one attempt, by action type and outcome")
        .tags("action", action, "outcome", outcome)
        .publishPercentileHistogram()
        .register(registry)
        .record(ran);
  }

  void finished(JobStatus status, Instant createdAt, int attemptsTaken) {
    registry.counter("switchboard.jobs.completed", "status", status.wire()).increment();
    attempts.record(attemptsTaken);
    Timer.builder("switchboard.job.latency")
        .description("Time from a job being queued to its final state")
        .tag("status", status.wire())
        .register(registry)
        .record(Duration.between(createdAt, Instant.now()));
  }

  /** A job that reached its final state without an attempt to record it (its last lease expired). */
  void finishedUnrun(JobStatus status) {
    registry.counter("switchboard.jobs.completed", "status", status.wire()).increment();
  }

  void queueDepth(long depth) {
    queueDepth.set(depth);
  }

  void oldestWaiting(Duration age) {
    oldestWaitingNanos.set(age.toNanos());
  }

  void retried() {
    registry.counter("switchboard.jobs.retried").increment();
  }

  void leaseLost() {
    registry.counter("switchboard.jobs.lease.lost").increment();
  }
}

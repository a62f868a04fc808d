package io.switchboard.jobs;

import io.switchboard.core.job.Job;

import java.time.Duration;
import java.util.UUID;

/**
 * A job this executor holds a lease on. {@code leaseId} is the fencing token: every later write of
 * this attempt presents it, so an executor that lost its lease cannot overwrite a newer attempt.
 *
 * @param maxAttempts how many attempts the job may have in all
 * @param timeout     how long this attempt's action may run
 * @param waited      how long the job waited in the queue before this claim
 * @param correlationId the correlation id of the chat request that queued it, for the executor's log
 *                      lines; null when it has none (queued before V30, or not by a chat request)
 * @param traceParent   the W3C traceparent of the span that queued it, whose trace the executor's spans
 *                      continue; null when it has none (tracing off, or queued before V32)
 */
public record ClaimedJob(Job job, String idempotencyKey, UUID leaseId, int maxAttempts, Duration timeout,
                         Duration waited, String correlationId, String traceParent) {

  /** A claimed job without a correlation id or trace parent. */
  public ClaimedJob(Job job, String idempotencyKey, UUID leaseId, int maxAttempts, Duration timeout,
                    Duration waited) {
    this(job, idempotencyKey, leaseId, maxAttempts, timeout, waited, null, null);
  }

  public long id() {
    return job.id();
  }

  public String tenantId() {
    return job.tenantId();
  }

  public int attempt() {
    return job.attempts();
  }
}

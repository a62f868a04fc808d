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
 */
public record ClaimedJob(Job job, String idempotencyKey, UUID leaseId, int maxAttempts, Duration timeout,
                         Duration waited) {

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

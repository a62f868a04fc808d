package io.switchboard.executor;

import io.switchboard.core.job.Job;

import java.util.UUID;

/**
 * A job this executor holds a lease on. {@code leaseId} is the fencing token: every later write of
 * this attempt presents it, so an executor that lost its lease cannot overwrite a newer attempt.
 */
public record ClaimedJob(Job job, String idempotencyKey, UUID leaseId) {

  public long id() {
    return job.id();
  }

  public String tenantId() {
    return job.tenantId();
  }
}

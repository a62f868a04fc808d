package io.switchboard.jobs;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobStatus;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Stops a tenant's job on request, from chat or the API. A queued job is cancelled at once; for a
 * running job the request is recorded and the executor running it is told (event bus now, its
 * heartbeat at the latest), stops the action and records the job as cancelled. Audited either way.
 */
public final class JobCancellations {

  /** What a cancel request did. */
  public enum Outcome {
    /** The job was queued and is now cancelled. */
    CANCELLED,
    /** The job is running; its executor is stopping it. */
    STOPPING,
    /** The job had already ended (or a cancel was already asked for). */
    ALREADY_FINISHED,
    /** The requester may only cancel their own jobs, and this is not one. */
    NOT_YOURS,
    /** No such job in this tenant. */
    NOT_FOUND
  }

  private static final String LOCK = "SELECT status, requester, cancel_requested_at FROM jobs WHERE tenant_id = $1 AND id = $2 FOR UPDATE";

  private static final String CANCEL_QUEUED = """
      UPDATE jobs SET status = 'cancelled', finished_at = now(), error = $3, cancel_requested_at = now(),
                      cancel_requested_by = $4
      WHERE tenant_id = $1 AND id = $2 AND status = 'queued'""";

  private static final String REQUEST_STOP = """
      UPDATE jobs SET cancel_requested_at = now(), cancel_requested_by = $3
      WHERE tenant_id = $1 AND id = $2 AND status = 'running'""";

  private final Pool pool;
  private final EventBus eventBus;

  public JobCancellations(Pool pool, EventBus eventBus) {
    this.pool = pool;
    this.eventBus = eventBus;
  }

  /**
   * @param by          who asks (a chat user id, or an API token as {@code api-token:<id> (<label>)})
   * @param ownJobsOnly whether {@code by} may only cancel jobs they requested
   */
  public Future<Outcome> cancel(String tenantId, long jobId, String by, boolean ownJobsOnly) {
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK).execute(Tuple.of(tenantId, jobId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(Outcome.NOT_FOUND);
      }
      Row job = rows.iterator().next();
      JobStatus status = JobStatus.fromWire(job.getString("status"));
      if (ownJobsOnly && !by.equals(job.getString("requester"))) {
        return Future.succeededFuture(Outcome.NOT_YOURS);
      }
      if (status.isFinal() || job.getValue("cancel_requested_at") != null) {
        return Future.succeededFuture(Outcome.ALREADY_FINISHED);
      }
      return status == JobStatus.QUEUED ? cancelQueued(tx, tenantId, jobId, by) : requestStop(tx, tenantId, jobId, by);
    })).onSuccess(outcome -> announce(outcome, tenantId, jobId, by));
  }

  private static Future<Outcome> cancelQueued(SqlConnection tx, String tenantId, long jobId, String by) {
    String reason = "cancelled by " + by + " before it started";
    return tx.preparedQuery(CANCEL_QUEUED).execute(Tuple.of(tenantId, jobId, reason, by))
        .compose(r -> AuditLog.append(tx, AuditEvent.of(tenantId, AuditEventType.JOB_CANCELLED, by, jobId,
            new JsonObject().put("while", "queued"))))
        .map(Outcome.CANCELLED);
  }

  private static Future<Outcome> requestStop(SqlConnection tx, String tenantId, long jobId, String by) {
    return tx.preparedQuery(REQUEST_STOP).execute(Tuple.of(tenantId, jobId, by))
        .compose(r -> AuditLog.append(tx, AuditEvent.of(tenantId, AuditEventType.JOB_CANCEL_REQUESTED, by, jobId,
            new JsonObject().put("while", "running"))))
        .map(Outcome.STOPPING);
  }

  private void announce(Outcome outcome, String tenantId, long jobId, String by) {
    if (outcome == Outcome.CANCELLED) {
      eventBus.publish(EventBusAddresses.JOBS_FINISHED, new JobFinished(tenantId, jobId, JobStatus.CANCELLED).toJson());
    } else if (outcome == Outcome.STOPPING) {
      eventBus.publish(EventBusAddresses.JOBS_CANCEL,
          new JsonObject().put("tenantId", tenantId).put("jobId", jobId).put("by", by));
    }
  }
}

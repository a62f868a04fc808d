package io.switchboard.gateway;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.Job;
import io.switchboard.core.job.JobStore;
import io.switchboard.core.job.NewJob;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.util.List;
import java.util.Optional;

/**
 * Makes a command durable: in one transaction it inserts the job and its audit records (received,
 * queued with the policy decision that allowed it); after the commit it wakes the executors. A second delivery of the same request (same
 * idempotency key) writes nothing and answers with the first job's id.
 */
public final class JobEnqueuer {

  /**
   * The job a command is queued as; {@code duplicate} when an earlier delivery already made it;
   * {@code waitsFor} the earlier job holding the same per-target lock, which runs first.
   */
  public record Enqueued(long jobId, boolean duplicate, Optional<Job> waitsFor) {

    public Enqueued(long jobId, boolean duplicate) {
      this(jobId, duplicate, Optional.empty());
    }
  }

  private final Pool pool;
  private final EventBus eventBus;

  public JobEnqueuer(Pool pool, EventBus eventBus) {
    this.pool = pool;
    this.eventBus = eventBus;
  }

  /**
   * @param decision the policy decision that let the job run ({@code outcome}, {@code reason},
   *                 {@code policyVersion}), recorded with the queued event
   */
  public Future<Enqueued> enqueue(NewJob job, JsonObject decision) {
    return pool.withTransaction(tx -> insert(tx, job, decision)).onSuccess(this::wake);
  }

  /** Inserts the job and its audit records inside the caller's transaction; call {@link #wake} after the commit. */
  public static Future<Enqueued> insert(SqlConnection tx, NewJob job, JsonObject decision) {
    return JobStore.insert(tx, job).compose(inserted -> {
      if (inserted.isEmpty()) {
        return JobStore.findIdByKey(tx, job.tenantId(), job.idempotencyKey())
            .map(existing -> new Enqueued(existing.orElseThrow(), true));
      }
      long jobId = inserted.get();
      JsonObject received = new JsonObject()
          .put("platform", job.platform()).put("channel", job.channel()).put("text", job.commandText());
      JsonObject queued = new JsonObject().put("command", job.command()).put("action", job.action())
          .put("decision", decision);
      // The audit append comes last and writes both records at once: it locks the tenant's chain
      // head until the commit, and every other command of the tenant waits for that lock.
      return job.rules().lockKey()
          .map(lock -> JobStore.lockHolder(tx, job.tenantId(), lock, jobId))
          .orElse(Future.succeededFuture(Optional.empty()))
          .compose(holder -> AuditLog.appendAll(tx, List.of(
                  AuditEvent.of(job.tenantId(), AuditEventType.COMMAND_RECEIVED, job.requester(), jobId, received),
                  AuditEvent.of(job.tenantId(), AuditEventType.JOB_QUEUED, job.requester(), jobId, queued)))
              .map(records -> new Enqueued(jobId, false, holder)));
    });
  }

  /** Tells the executors a new job is waiting (no-op for a duplicate). */
  public void wake(Enqueued enqueued) {
    if (!enqueued.duplicate()) {
      eventBus.publish(EventBusAddresses.JOBS_WAKEUP, enqueued.jobId());
    }
  }
}

package io.switchboard.gateway;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.Job;
import io.switchboard.core.job.NewJob;
import io.switchboard.jobs.JobStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Makes a command durable: its job and audit records (received, queued with the policy decision
 * that allowed it) are committed in one transaction, which {@link GroupCommit} shares with the other
 * commands arriving at the same time; after the commit it wakes the executors. A second delivery of
 * the same request (same idempotency key) writes nothing and answers with the first job's id.
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

  /** A job to queue and the policy decision that let it run. */
  public record Queued(NewJob job, JsonObject decision) {
  }

  /** What inserting jobs did, and the audit records the caller must append (last) in the same transaction. */
  public record Inserted(List<Enqueued> enqueued, List<AuditEvent> audit) {
  }

  private final GroupCommit commits;
  private final EventBus eventBus;

  public JobEnqueuer(GroupCommit commits, EventBus eventBus) {
    this.commits = commits;
    this.eventBus = eventBus;
  }

  /**
   * @param decision the policy decision that let the job run ({@code outcome}, {@code reason},
   *                 {@code policyVersion}), recorded with the queued event
   */
  public Future<Enqueued> enqueue(NewJob job, JsonObject decision) {
    return commits.enqueue(new Queued(job, decision));
  }

  /** Inserts the job and its audit records inside the caller's transaction; call {@link #wake} after the commit. */
  public static Future<Enqueued> insert(SqlConnection tx, NewJob job, JsonObject decision) {
    return insertJobs(tx, List.of(new Queued(job, decision)))
        .compose(inserted -> AuditLog.appendAll(tx, inserted.audit()).map(inserted.enqueued().get(0)));
  }

  /**
   * Inserts the jobs in one statement and finds the lock holders they wait for; the audit records
   * of the new ones are returned, not appended, so that the caller appends them last together with
   * any others of its transaction (the append locks the tenants' chain heads until the commit).
   */
  static Future<Inserted> insertJobs(SqlConnection tx, List<Queued> queued) {
    return JobStore.insertAll(tx, queued.stream().map(Queued::job).toList()).compose(insertions -> {
      List<AuditEvent> audit = new ArrayList<>();
      Future<List<Enqueued>> enqueued = Future.succeededFuture(new ArrayList<>(queued.size()));
      for (int i = 0; i < queued.size(); i++) {
        NewJob job = queued.get(i).job();
        JobStore.Insertion insertion = insertions.get(i);
        if (!insertion.inserted()) {
          enqueued = enqueued.map(list -> add(list, new Enqueued(insertion.id(), true)));
          continue;
        }
        long jobId = insertion.id();
        JsonObject received = new JsonObject()
            .put("platform", job.platform()).put("channel", job.channel()).put("text", job.commandText());
        JsonObject decided = new JsonObject().put("command", job.command()).put("action", job.action())
            .put("decision", queued.get(i).decision());
        audit.add(AuditEvent.of(job.tenantId(), AuditEventType.COMMAND_RECEIVED, job.requester(), jobId, received));
        audit.add(AuditEvent.of(job.tenantId(), AuditEventType.JOB_QUEUED, job.requester(), jobId, decided));
        Future<Optional<Job>> holder = job.rules().targetLock().isPresent()
            ? JobStore.lockHolder(tx, job.tenantId(), jobId) : Future.succeededFuture(Optional.empty());
        enqueued = enqueued.compose(list -> holder.map(waitsFor -> add(list, new Enqueued(jobId, false, waitsFor))));
      }
      return enqueued.map(list -> new Inserted(list, audit));
    });
  }

  private static List<Enqueued> add(List<Enqueued> list, Enqueued enqueued) {
    list.add(enqueued);
    return list;
  }

  /** Tells the executors a new job is waiting (no-op for a duplicate). */
  public void wake(Enqueued enqueued) {
    if (!enqueued.duplicate()) {
      wake(eventBus, enqueued.jobId());
    }
  }

  static void wake(EventBus eventBus, long jobId) {
    eventBus.publish(EventBusAddresses.JOBS_WAKEUP, jobId);
  }
}

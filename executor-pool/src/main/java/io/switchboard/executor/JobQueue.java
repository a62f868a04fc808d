package io.switchboard.executor;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.job.Job;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable job queue on PostgreSQL, as executors see it: claim under a lease, finish or release
 * with the lease's fencing token, and give up on jobs whose leases keep expiring. Each state change
 * and its audit record commit in one transaction.
 */
public final class JobQueue {

  /** A job whose lease expired this many times is failed instead of being run again. */
  public static final int MAX_ATTEMPTS = 3;

  private static final String CLAIM = """
      WITH next AS (
        SELECT id FROM jobs
        WHERE status = 'queued'
           OR (status = 'running' AND lease_expires_at < now() AND attempts < $4)
        ORDER BY created_at, id
        LIMIT $1
        FOR UPDATE SKIP LOCKED
      )
      UPDATE jobs j
      SET status = 'running', attempts = j.attempts + 1, lease_id = gen_random_uuid(), lease_owner = $2,
          lease_expires_at = now() + $3 * interval '1 millisecond', started_at = coalesce(j.started_at, now())
      FROM next WHERE j.id = next.id
      RETURNING j.*""";

  private static final String FINISH = """
      UPDATE jobs SET status = $3, output = $4, error = $5, finished_at = now(),
                      lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL
      WHERE id = $1 AND lease_id = $2 AND status = 'running'""";

  private static final String RELEASE = """
      UPDATE jobs SET status = 'queued', lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL
      WHERE id = $1 AND lease_id = $2 AND status = 'running'""";

  private static final String FAIL_EXHAUSTED = """
      UPDATE jobs SET status = 'failed', finished_at = now(),
                      error = 'the executor running it was lost ' || attempts || ' times; not retried again',
                      lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL
      WHERE id IN (SELECT id FROM jobs WHERE status = 'running' AND lease_expires_at < now() AND attempts >= $1
                   ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED)
      RETURNING id, tenant_id, attempts""";

  private static final Comparator<ClaimedJob> BY_TENANT_THEN_ID =
      Comparator.comparing(ClaimedJob::tenantId).thenComparingLong(ClaimedJob::id);

  private final Pool pool;
  private final String owner;
  private final Duration lease;

  /**
   * @param owner names this executor in {@code lease_owner} (for operators reading the table)
   * @param lease how long a claim holds; longer than the action timeout plus a margin
   */
  public JobQueue(Pool pool, String owner, Duration lease) {
    this.pool = pool;
    this.owner = owner;
    this.lease = lease;
  }

  /** Claims up to {@code max} runnable jobs, oldest first, skipping rows other executors hold. */
  public Future<List<ClaimedJob>> claim(int max) {
    return pool.withTransaction(tx -> tx.preparedQuery(CLAIM)
        .execute(Tuple.of(max, owner, lease.toMillis(), MAX_ATTEMPTS))
        .compose(rows -> {
          List<ClaimedJob> claimed = new ArrayList<>();
          for (Row row : rows) {
            claimed.add(new ClaimedJob(Job.fromRow(row), row.getString("idempotency_key"), row.getUUID("lease_id")));
          }
          // RETURNING has no defined order: hand the jobs out oldest first, as selected.
          claimed.sort(Comparator.comparing((ClaimedJob job) -> job.job().createdAt()).thenComparingLong(ClaimedJob::id));
          // Each append locks its tenant's chain head until commit; taking the heads in one global
          // order keeps two executors claiming jobs of several tenants from deadlocking each other.
          List<ClaimedJob> inLockOrder = new ArrayList<>(claimed);
          inLockOrder.sort(BY_TENANT_THEN_ID);
          Future<Void> audits = Future.succeededFuture();
          for (ClaimedJob job : inLockOrder) {
            audits = audits.compose(v -> AuditLog.append(tx, AuditEvent.of(job.tenantId(), AuditEventType.JOB_STARTED,
                "executor:" + owner, job.id(), new JsonObject().put("attempt", job.job().attempts()))).mapEmpty());
          }
          return audits.map(claimed);
        }));
  }

  /**
   * Records the job's outcome if this executor still holds the lease.
   *
   * @return the notification to publish, or empty when the lease was lost and nothing was written
   */
  public Future<Optional<JobFinished>> finish(ClaimedJob job, JobStatus status, String output, String error) {
    return pool.withTransaction(tx -> tx.preparedQuery(FINISH)
        .execute(Tuple.of(job.id(), job.leaseId(), status.wire(), output, error))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return Future.succeededFuture(Optional.empty());
          }
          AuditEventType type = status == JobStatus.SUCCEEDED ? AuditEventType.JOB_SUCCEEDED : AuditEventType.JOB_FAILED;
          JsonObject detail = new JsonObject().put("attempt", job.job().attempts());
          if (error != null) {
            detail.put("error", error);
          }
          return AuditLog.append(tx, AuditEvent.of(job.tenantId(), type, "executor:" + owner, job.id(), detail))
              .map(r -> Optional.of(new JobFinished(job.tenantId(), job.id(), status)));
        }));
  }

  /** Puts a job this executor will not finish back in the queue, if it still holds the lease. */
  public Future<Boolean> release(ClaimedJob job, String reason) {
    return pool.withTransaction(tx -> tx.preparedQuery(RELEASE).execute(Tuple.of(job.id(), job.leaseId()))
        .compose(rows -> rows.rowCount() == 0
            ? Future.succeededFuture(false)
            : AuditLog.append(tx, AuditEvent.of(job.tenantId(), AuditEventType.JOB_LEASE_RELEASED, "executor:" + owner,
                job.id(), new JsonObject().put("reason", reason))).map(true)));
  }

  /** Fails jobs whose leases expired {@link #MAX_ATTEMPTS} times, so a job that kills executors stops. */
  public Future<List<JobFinished>> failExhausted() {
    return pool.withTransaction(tx -> tx.preparedQuery(FAIL_EXHAUSTED).execute(Tuple.of(MAX_ATTEMPTS))
        .compose(rows -> {
          List<JobFinished> failed = new ArrayList<>();
          List<Row> inLockOrder = new ArrayList<>();
          rows.forEach(inLockOrder::add);
          // Same global order of chain-head locks as claim (see there).
          inLockOrder.sort(Comparator.comparing((Row row) -> row.getString("tenant_id"))
              .thenComparingLong(row -> row.getLong("id")));
          Future<Void> audits = Future.succeededFuture();
          for (Row row : inLockOrder) {
            JobFinished finished = new JobFinished(row.getString("tenant_id"), row.getLong("id"), JobStatus.FAILED);
            failed.add(finished);
            JsonObject detail = new JsonObject().put("attempt", row.getInteger("attempts")).put("error", "lease expired");
            audits = audits.compose(v -> appendFailed(tx, finished, detail));
          }
          return audits.map(failed);
        }));
  }

  private Future<Void> appendFailed(SqlConnection tx, JobFinished finished, JsonObject detail) {
    return AuditLog.append(tx, AuditEvent.of(finished.tenantId(), AuditEventType.JOB_FAILED, "executor:" + owner,
        finished.jobId(), detail)).mapEmpty();
  }
}

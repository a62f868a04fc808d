package io.switchboard.jobs;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.db.TransactionBatcher;
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
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The durable job queue on PostgreSQL, as executors see it. Every state change commits together with
 * its audit record; every write of an attempt presents the attempt's lease id (the fencing token), so
 * an executor that lost its lease writes nothing. A running attempt lives on the job's row (its lease,
 * owner and start); the statement that ends it also writes its row in {@code job_attempts}, so the
 * history is written once per attempt and never updated.
 *
 * <p>Claiming is fair across tenants and respects each tenant's concurrency cap: a claimer first
 * locks the tenants it will serve, those whose oldest ready job has waited longest
 * ({@code FOR NO KEY UPDATE SKIP LOCKED}, so two claimers never count one tenant's running jobs at
 * the same time), then takes their oldest ready jobs round-robin: every served tenant gets its first
 * job into a batch before any gets a second.
 */
public final class JobQueue {

  /** Attempts a job gets unless it says otherwise. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /**
   * A queued job {@code j} whose target lock overlaps no running job of its tenant, nor one queued
   * before it (a lower id): jobs with overlapping locks run one at a time, in order. Two jobs overlap
   * when they have claims ({@code job_locks}, V23) on the same environment and target and one of the
   * two is exclusive: {@code other.exclusive >= NOT mine.exclusive} says so as a range of the
   * index, so each claim costs one index probe. Only unfinished jobs have claims; a later job can be
   * running only if this one's insert committed after it was claimed.
   */
  private static final String NOT_HELD_BY_TARGET_LOCK = """
      (j.target_lock IS NULL OR NOT EXISTS (
              SELECT 1 FROM job_locks mine
              JOIN job_locks other ON other.tenant_id = mine.tenant_id AND other.environment = mine.environment
                AND other.target = mine.target AND other.exclusive >= NOT mine.exclusive AND other.job_id <> mine.job_id
              WHERE mine.tenant_id = j.tenant_id AND mine.job_id = j.id
                AND (other.job_id < mine.job_id
                     OR EXISTS (SELECT 1 FROM jobs h WHERE h.id = other.job_id AND h.status = 'running'))))""";

  /**
   * The tenants one claim serves: those whose oldest ready job has waited longest, at most one per
   * job the claim may take (a tenant gives a batch at least one job). Tenants another claimer holds
   * are skipped, so concurrent claimers serve disjoint tenants instead of queueing behind each other.
   */
  private static final String LOCK_TENANTS_WITH_WORK = """
      SELECT t.id FROM tenants t
      CROSS JOIN LATERAL (
        SELECT q.created_at FROM jobs q
        WHERE q.tenant_id = t.id AND q.status = 'queued' AND q.run_after <= now()
        ORDER BY q.created_at, q.id LIMIT 1
      ) oldest
      WHERE t.status = 'active'
      ORDER BY oldest.created_at, t.id
      LIMIT $1
      FOR NO KEY UPDATE OF t SKIP LOCKED""";

  /**
   * Takes the served tenants' oldest ready jobs, round robin over tenants, within each tenant's cap.
   * A job holding a per-target lock is skipped while another of the tenant's jobs with the same lock
   * runs or was queued before it, so such jobs run one at a time, in order (the tenant row lock above
   * keeps two claimers from racing on one tenant).
   */
  private static final String CLAIM = """
      WITH room AS (
        SELECT t.id AS tenant_id,
               t.max_running_jobs - (SELECT count(*) FROM jobs r WHERE r.tenant_id = t.id AND r.status = 'running') AS free
        FROM tenants t WHERE t.id = ANY($1)
      ), candidates AS (
        SELECT c.id, c.tenant_id, c.created_at
        FROM room CROSS JOIN LATERAL (
          SELECT j.id, j.tenant_id, j.created_at FROM jobs j
          WHERE j.tenant_id = room.tenant_id AND j.status = 'queued' AND j.run_after <= now()
            AND {not held by a target lock}
          ORDER BY j.created_at, j.id
          LIMIT greatest(least(room.free, $2::int), 0)
          FOR UPDATE SKIP LOCKED
        ) c
      ), picked AS (
        SELECT id FROM (
          SELECT id, created_at, row_number() OVER (PARTITION BY tenant_id ORDER BY created_at, id) AS turn
          FROM candidates
        ) ranked
        ORDER BY turn, created_at, id
        LIMIT $2::int
      )
      UPDATE jobs j
      SET status = 'running', attempts = j.attempts + 1, lease_id = gen_random_uuid(), lease_owner = $3,
          lease_expires_at = now() + greatest($4::bigint, coalesce(j.timeout_ms, $5::bigint) + $6::bigint) * interval '1 millisecond',
          heartbeat_at = now(), started_at = coalesce(j.started_at, now()), attempt_started_at = now()
      FROM picked WHERE j.id = picked.id
      RETURNING {job columns}, j.idempotency_key, j.lease_id, j.max_attempts, j.correlation_id, j.trace_parent,
                coalesce(j.timeout_ms, $5::bigint) AS effective_timeout_ms,
                (extract(epoch FROM now() - greatest(j.created_at, j.run_after)) * 1000)::float8 AS waited_ms"""
      .replace("{not held by a target lock}", NOT_HELD_BY_TARGET_LOCK)
      .replace("{job columns}", Job.columns("j"));

  /**
   * Follows a CTE named {@code ended} (a jobs update returning {@code id, tenant_id, attempt,
   * attempt_started_at, lease, executor, outcome, error}) and writes those attempts' rows in
   * {@code job_attempts}. An attempt opened before attempts were written once (V18) has its row; it is
   * completed instead.
   */
  private static final String RECORD_ENDED_ATTEMPTS = """
      , recorded AS (
        INSERT INTO job_attempts (lease_id, job_id, tenant_id, attempt, executor, started_at, ended_at, outcome, error)
        SELECT lease, id, tenant_id, attempt, executor, coalesce(attempt_started_at, now()), now(), outcome, error
        FROM ended
        ON CONFLICT (lease_id) DO UPDATE SET ended_at = excluded.ended_at, outcome = excluded.outcome, error = excluded.error
        WHERE job_attempts.ended_at IS NULL
      )""";

  /**
   * Ends the jobs ($1) whose attempt still holds its lease ($2) with a status, output and error each,
   * recording their attempts with an outcome each ($6) as executor $7.
   */
  private static final String FINISH = """
      WITH ended AS (
        UPDATE jobs j SET status = u.status, output = u.output, error = u.error, finished_at = now(),
                          lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL
        FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[])
             AS u(id, lease, status, output, error, outcome)
        WHERE j.id = u.id AND j.lease_id = u.lease AND j.status = 'running'
        RETURNING j.id, j.tenant_id, j.attempts AS attempt, j.attempt_started_at, u.lease, $7::text AS executor,
                  u.outcome, u.error
      ){record ended attempts}
      SELECT id FROM ended""".replace("{record ended attempts}", RECORD_ENDED_ATTEMPTS);

  /** Jobs ended in one transaction at most (finishes arriving together share it). */
  public static final int MAX_FINISH_BATCH = 128;

  /** Queues job $1 again after $4 ms if attempt $2 still holds its lease, recording the attempt as retrying ($3). */
  private static final String RETRY_LATER = """
      WITH ended AS (
        UPDATE jobs SET status = 'queued', error = $3, run_after = now() + $4 * interval '1 millisecond',
                        lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL
        WHERE id = $1 AND lease_id = $2 AND status = 'running' AND cancel_requested_at IS NULL
        RETURNING id, tenant_id, attempts AS attempt, attempt_started_at, $2::uuid AS lease, $5::text AS executor,
                  'retrying' AS outcome, $3::text AS error
      ){record ended attempts}
      SELECT id FROM ended""".replace("{record ended attempts}", RECORD_ENDED_ATTEMPTS);

  /** Puts job $1 back if attempt $2 still holds its lease; the attempt ($4 why) does not count. */
  private static final String RELEASE = """
      WITH ended AS (
        UPDATE jobs SET status = 'queued', attempts = attempts - 1, lease_id = NULL, lease_owner = NULL,
                        lease_expires_at = NULL
        WHERE id = $1 AND lease_id = $2 AND status = 'running'
        RETURNING id, tenant_id, attempts + 1 AS attempt, attempt_started_at, $2::uuid AS lease, $3::text AS executor,
                  'released' AS outcome, $4::text AS error
      ){record ended attempts}
      SELECT id FROM ended""".replace("{record ended attempts}", RECORD_ENDED_ATTEMPTS);

  private static final String PROGRESS = """
      UPDATE jobs SET progress = $3, progress_at = now() WHERE id = $1 AND lease_id = $2 AND status = 'running'""";

  private static final String HEARTBEAT = """
      UPDATE jobs j
      SET lease_expires_at = now() + greatest($3::bigint, coalesce(j.timeout_ms, $4::bigint) + $5::bigint) * interval '1 millisecond',
          heartbeat_at = now()
      FROM unnest($1::bigint[], $2::uuid[]) AS h(id, lease_id)
      WHERE j.id = h.id AND j.lease_id = h.lease_id AND j.status = 'running'
      RETURNING j.id, j.cancel_requested_at IS NOT NULL AS cancel_requested""";

  private static final String REAP_EXPIRED = """
      WITH expired AS (
        SELECT id, lease_id, lease_owner FROM jobs WHERE status = 'running' AND lease_expires_at < now()
        ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED
      ), ended AS (
        UPDATE jobs j
        SET status = CASE WHEN j.cancel_requested_at IS NOT NULL THEN 'cancelled'
                          WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'queued' END,
            finished_at = CASE WHEN j.cancel_requested_at IS NOT NULL OR j.attempts >= j.max_attempts THEN now() END,
            error = CASE WHEN j.cancel_requested_at IS NOT NULL THEN 'cancelled by ' || j.cancel_requested_by
                         WHEN j.attempts >= j.max_attempts
                         THEN 'the executor running it was lost ' || j.attempts || ' times; not retried again'
                         ELSE j.error END,
            lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL
        FROM expired WHERE j.id = expired.id
        RETURNING j.id, j.tenant_id, j.platform, j.channel, j.status, j.attempts AS attempt, j.attempt_started_at,
                  expired.lease_id AS lease,
                  expired.lease_owner AS executor, 'lease_expired' AS outcome, 'lease expired' AS error
      ){record ended attempts}
      SELECT id, tenant_id, platform, channel, status, attempt FROM ended""".replace("{record ended attempts}", RECORD_ENDED_ATTEMPTS);

  /** Waiting jobs over all tenants, counted up to $1 (from the partial index of queued jobs). */
  private static final String QUEUE_DEPTH = "SELECT count(*) FROM (SELECT 1 FROM jobs WHERE status = 'queued' LIMIT $1) waiting";

  /**
   * How long the job that has waited longest to be claimed, of those an executor could claim, has
   * waited, in seconds (0 when none waits). A job counts when its tenant is active, its back-off (if
   * it is a retry) is over and no running or earlier job with its target lock holds it back, as in
   * {@link #CLAIM}; a job waiting behind its tenant's cap of running jobs counts (it waits for the
   * executors to get through the tenant's earlier jobs). It waits from when it was queued or, for a
   * retry, from the end of its back-off ({@code waited_ms} at the claim measures the same).
   *
   * <p>It never scans {@code jobs}. The tenants with queued jobs come from a loose index scan of the
   * partial index {@code jobs_queued} (one probe per tenant). In each, the oldest claimable job never
   * retried ({@code run_after <= created_at}) is found with one ordered probe of the same index: no job
   * queued after it can have waited longer. Only retries queued before it can, from their back-off's
   * end: the index entries before it are read for those (the first 1,000; normally none or a few).
   * So it costs O(tenants with queued jobs x log n), plus the jobs in front of a tenant's oldest one
   * that are held back, which its claims walk past too. 0.3-0.5 ms at 100,000 queued jobs over 8
   * tenants (docs/performance.md).
   */
  private static final String OLDEST_WAITING_SECONDS = """
      WITH RECURSIVE waiting AS (
        (SELECT j.tenant_id FROM jobs j WHERE j.status = 'queued' ORDER BY j.tenant_id LIMIT 1)
        UNION ALL
        SELECT (SELECT j.tenant_id FROM jobs j WHERE j.status = 'queued' AND j.tenant_id > w.tenant_id
                ORDER BY j.tenant_id LIMIT 1)
        FROM waiting w WHERE w.tenant_id IS NOT NULL
      )
      SELECT coalesce(max(extract(epoch FROM now() - least(fresh.created_at, due.ready_at))), 0)::float8 AS seconds
      FROM waiting w
      JOIN tenants t ON t.id = w.tenant_id AND t.status = 'active'
      LEFT JOIN LATERAL (
        SELECT j.created_at, j.id FROM jobs j
        WHERE j.tenant_id = t.id AND j.status = 'queued' AND j.run_after <= j.created_at
          AND {not held by a target lock}
        ORDER BY j.created_at, j.id
        LIMIT 1
      ) fresh ON true
      LEFT JOIN LATERAL (
        SELECT min(d.run_after) AS ready_at FROM (
          SELECT j.run_after FROM jobs j
          WHERE j.tenant_id = t.id AND j.status = 'queued' AND j.run_after > j.created_at AND j.run_after <= now()
            AND (j.created_at, j.id) < (coalesce(fresh.created_at, 'infinity'), coalesce(fresh.id, 0))
            AND {not held by a target lock}
          ORDER BY j.created_at, j.id
          LIMIT 1000
        ) d
      ) due ON true""".replace("{not held by a target lock}", NOT_HELD_BY_TARGET_LOCK);

  /**
   * The queue-depth count stops here, so it costs the same however long the queue grows: enough for
   * any autoscaling threshold (at 100 waiting jobs per executor, it still says "more" at 100 executors).
   */
  public static final int QUEUE_DEPTH_CAP = 10_000;

  /** Which of the jobs a heartbeat covered lost their lease, and which were asked to cancel. */
  public record Heartbeat(Set<Long> lost, Set<Long> cancelRequested) {
  }

  /** An attempt's end to record: the job's final status, its output and error, and the audit event that says so. */
  private record Finish(ClaimedJob job, JobStatus status, String output, String error, String attemptOutcome,
                        AuditEventType type) {
  }

  private final Pool pool;
  private final String owner;
  private final QueueSettings settings;
  private final TransactionBatcher<Finish, RecordedOutcome> finishes;

  /** @param owner names this executor in {@code lease_owner} and {@code job_attempts} */
  public JobQueue(Pool pool, String owner, QueueSettings settings) {
    this.pool = pool;
    this.owner = owner;
    this.settings = settings;
    this.finishes = new TransactionBatcher<>(pool, MAX_FINISH_BATCH, 2, this::finishAll, committed -> { });
  }

  /** Claims up to {@code max} ready jobs, fairly across tenants and within their caps. */
  public Future<List<ClaimedJob>> claim(int max) {
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK_TENANTS_WITH_WORK).execute(Tuple.of(max)).compose(tenants -> {
      List<String> ids = new ArrayList<>();
      tenants.forEach(row -> ids.add(row.getString("id")));
      if (ids.isEmpty()) {
        return Future.succeededFuture(List.<ClaimedJob>of());
      }
      return tx.preparedQuery(CLAIM)
          .execute(Tuple.of(ids.toArray(String[]::new), max, owner, settings.lease().toMillis(),
              settings.defaultTimeout().toMillis(), settings.leaseMargin().toMillis()))
          .compose(rows -> {
            List<ClaimedJob> claimed = new ArrayList<>();
            for (Row row : rows) {
              claimed.add(claimedJob(row));
            }
            claimed.sort(Comparator.comparing((ClaimedJob job) -> job.job().createdAt()).thenComparingLong(ClaimedJob::id));
            return auditStarts(tx, claimed).map(claimed);
          });
    }));
  }

  /**
   * Records an attempt's result: success and non-retryable failure are final; a retryable failure
   * with attempts left queues the job again after an exponential, jittered back-off.
   */
  public Future<RecordedOutcome> finish(ClaimedJob job, AttemptResult result) {
    if (result.succeeded()) {
      return finishAs(job, JobStatus.SUCCEEDED, result.output(), null, "succeeded", AuditEventType.JOB_SUCCEEDED);
    }
    if (result.retryable() && job.attempt() < job.maxAttempts()) {
      return retryLater(job, result.error());
    }
    return finishAs(job, JobStatus.FAILED, result.output(), result.error(), result.timedOut() ? "timed_out" : "failed",
        AuditEventType.JOB_FAILED);
  }

  /** Ends a running job as cancelled (its action was stopped). */
  public Future<RecordedOutcome> finishCancelled(ClaimedJob job, String reason) {
    return finishAs(job, JobStatus.CANCELLED, null, reason, "cancelled", AuditEventType.JOB_CANCELLED);
  }

  /**
   * Puts a job this executor will not finish back in the queue (e.g. at shutdown), if it still holds
   * the lease. The attempt does not count against the job's attempts.
   */
  public Future<Boolean> release(ClaimedJob job, String reason) {
    return pool.withTransaction(tx -> tx.preparedQuery(RELEASE).execute(Tuple.of(job.id(), job.leaseId(), owner, reason))
        .compose(rows -> rows.rowCount() == 0
            ? Future.succeededFuture(false)
            : audit(tx, job.tenantId(), AuditEventType.JOB_LEASE_RELEASED, job.id(),
                new JsonObject().put("attempt", job.attempt()).put("reason", reason))
                .map(true)));
  }

  /**
   * Stores the job's latest progress line if this attempt still holds the lease.
   *
   * @return false when the lease is gone (the line is dropped)
   */
  public Future<Boolean> progress(ClaimedJob job, String text) {
    return pool.preparedQuery(PROGRESS).execute(Tuple.of(job.id(), job.leaseId(), text))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Extends the leases of running jobs; reports those whose lease was lost or cancel was asked for. */
  public Future<Heartbeat> heartbeat(Collection<ClaimedJob> jobs) {
    if (jobs.isEmpty()) {
      return Future.succeededFuture(new Heartbeat(Set.of(), Set.of()));
    }
    Long[] ids = jobs.stream().map(ClaimedJob::id).toArray(Long[]::new);
    UUID[] leases = jobs.stream().map(ClaimedJob::leaseId).toArray(UUID[]::new);
    return pool.preparedQuery(HEARTBEAT)
        .execute(Tuple.of(ids, leases, settings.lease().toMillis(), settings.defaultTimeout().toMillis(),
            settings.leaseMargin().toMillis()))
        .map(rows -> {
          Set<Long> lost = new HashSet<>(List.of(ids));
          Set<Long> cancel = new HashSet<>();
          for (Row row : rows) {
            lost.remove(row.getLong("id"));
            if (row.getBoolean("cancel_requested")) {
              cancel.add(row.getLong("id"));
            }
          }
          return new Heartbeat(lost, cancel);
        });
  }

  /**
   * Takes back jobs whose lease expired (their executor died or stalled): they are queued again,
   * failed for good once they used up their attempts, or cancelled if a cancel was asked for.
   * Returns the jobs that reached a final state now.
   */
  public Future<List<JobFinished>> reapExpiredLeases() {
    return pool.withTransaction(tx -> tx.query(REAP_EXPIRED).execute().compose(rows -> {
      List<Row> expired = new ArrayList<>();
      rows.forEach(expired::add);
      if (expired.isEmpty()) {
        return Future.succeededFuture(List.<JobFinished>of());
      }
      expired.sort(Comparator.comparingLong(row -> row.getLong("id")));
      List<JobFinished> ended = new ArrayList<>();
      List<AuditEvent> events = new ArrayList<>();
      for (Row row : expired) {
        String tenant = row.getString("tenant_id");
        long id = row.getLong("id");
        JsonObject detail = new JsonObject().put("attempt", row.getInteger("attempt"));
        events.add(event(tenant, AuditEventType.JOB_LEASE_EXPIRED, id, detail));
        JobStatus status = JobStatus.fromWire(row.getString("status"));
        if (status == JobStatus.FAILED) {
          ended.add(new JobFinished(tenant, id, JobStatus.FAILED, row.getString("platform"), row.getString("channel")));
          events.add(event(tenant, AuditEventType.JOB_FAILED, id,
              detail.copy().put("error", "lease expired on the last attempt")));
        } else if (status == JobStatus.CANCELLED) {
          ended.add(new JobFinished(tenant, id, JobStatus.CANCELLED, row.getString("platform"), row.getString("channel")));
          events.add(event(tenant, AuditEventType.JOB_CANCELLED, id, detail));
        }
      }
      return AuditLog.appendAll(tx, events).map(ended);
    }));
  }

  /**
   * Jobs waiting in the queue (ready or backing off), over all tenants, up to {@link #QUEUE_DEPTH_CAP}:
   * what executors scale on.
   */
  public Future<Long> queueDepth() {
    return queueDepth(QUEUE_DEPTH_CAP);
  }

  /** Jobs waiting in the queue, counted up to {@code cap}. */
  Future<Long> queueDepth(int cap) {
    return pool.preparedQuery(QUEUE_DEPTH).execute(Tuple.of(cap)).map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * How long the job that has waited longest to be claimed, and could be claimed, has waited: see
   * {@link #OLDEST_WAITING_SECONDS} for what counts. {@link Duration#ZERO} when no job waits.
   */
  public Future<Duration> oldestWaiting() {
    return pool.preparedQuery(OLDEST_WAITING_SECONDS).execute()
        .map(rows -> Duration.ofNanos(Math.max(0L, Math.round(rows.iterator().next().getDouble(0) * 1e9))));
  }

  private Future<RecordedOutcome> finishAs(ClaimedJob job, JobStatus status, String output, String error,
                                           String attemptOutcome, AuditEventType type) {
    return finishes.submit(new Finish(job, status, output, error, attemptOutcome, type));
  }

  /**
   * Ends the attempts that still hold their lease, with their attempts and audit records, in one
   * transaction: a batch of finishes costs three statements however many jobs it ends.
   */
  private Future<List<RecordedOutcome>> finishAll(SqlConnection tx, List<Finish> batch) {
    Tuple jobs = Tuple.of(
        batch.stream().map(f -> f.job().id()).toArray(Long[]::new),
        batch.stream().map(f -> f.job().leaseId()).toArray(UUID[]::new),
        batch.stream().map(f -> f.status().wire()).toArray(String[]::new),
        batch.stream().map(Finish::output).toArray(String[]::new),
        batch.stream().map(Finish::error).toArray(String[]::new),
        batch.stream().map(Finish::attemptOutcome).toArray(String[]::new),
        owner);
    return tx.preparedQuery(FINISH).execute(jobs).compose(rows -> {
      Set<Long> ended = new HashSet<>();
      rows.forEach(row -> ended.add(row.getLong("id")));
      List<Finish> held = batch.stream().filter(f -> ended.contains(f.job().id())).toList();
      List<AuditEvent> events = held.stream().map(f -> {
        JsonObject detail = new JsonObject().put("attempt", f.job().attempt());
        if (f.error() != null) {
          detail.put("error", f.error());
        }
        return event(f.job().tenantId(), f.type(), f.job().id(), detail);
      }).toList();
      return AuditLog.appendAll(tx, events).map(v -> batch.stream().map(f -> ended.contains(f.job().id())
          ? (RecordedOutcome) new RecordedOutcome.Final(JobFinished.of(f.job().job(), f.status()))
          : new RecordedOutcome.LeaseLost()).toList());
    });
  }

  /** Queues the job again after a back-off; a job someone asked to cancel is cancelled instead. */
  private Future<RecordedOutcome> retryLater(ClaimedJob job, String error) {
    Duration backoff = settings.backoffAfter(job.attempt(), ThreadLocalRandom.current().nextDouble());
    return pool.withTransaction(tx -> tx.preparedQuery(RETRY_LATER)
        .execute(Tuple.of(job.id(), job.leaseId(), error, backoff.toMillis(), owner))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return Future.succeededFuture((RecordedOutcome) null);
          }
          JsonObject detail = new JsonObject().put("attempt", job.attempt()).put("error", error)
              .put("retryInMillis", backoff.toMillis());
          return audit(tx, job.tenantId(), AuditEventType.JOB_RETRY_SCHEDULED, job.id(), detail)
              .map(v -> (RecordedOutcome) new RecordedOutcome.RetryScheduled(backoff));
        }))
        .compose(outcome -> outcome != null
            ? Future.succeededFuture(outcome)
            : finishCancelled(job, "cancelled on request after attempt " + job.attempt() + " failed: " + error));
  }

  /** Audits the claimed jobs' starts (their attempts are on their rows until they end). */
  private Future<Void> auditStarts(SqlConnection tx, List<ClaimedJob> claimed) {
    List<AuditEvent> started = claimed.stream()
        .map(job -> event(job.tenantId(), AuditEventType.JOB_STARTED, job.id(), new JsonObject().put("attempt", job.attempt())))
        .toList();
    return AuditLog.appendAll(tx, started).mapEmpty();
  }

  private Future<Void> audit(SqlConnection tx, String tenantId, AuditEventType type, long jobId, JsonObject detail) {
    return AuditLog.append(tx, event(tenantId, type, jobId, detail)).mapEmpty();
  }

  private AuditEvent event(String tenantId, AuditEventType type, long jobId, JsonObject detail) {
    return AuditEvent.of(tenantId, type, "executor:" + owner, jobId, detail);
  }

  private static ClaimedJob claimedJob(Row row) {
    return new ClaimedJob(Job.fromRow(row), row.getString("idempotency_key"), row.getUUID("lease_id"),
        row.getInteger("max_attempts"), Duration.ofMillis(row.getLong("effective_timeout_ms")),
        Duration.ofMillis(Math.max(0, Math.round(row.getDouble("waited_ms")))), row.getString("correlation_id"),
        row.getString("trace_parent"));
  }
}

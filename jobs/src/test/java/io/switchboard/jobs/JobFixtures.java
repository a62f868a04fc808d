package io.switchboard.jobs;

import io.switchboard.audit.AuditRecord;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobRules;
import io.switchboard.core.job.JobStatus;
import io.switchboard.core.job.NewJob;
import io.switchboard.core.job.TargetLock;
import io.switchboard.testkit.Await;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Inserts jobs and reads back job rows and audit records, for the tests of the jobs module and the executor pool. */
public final class JobFixtures {

  private JobFixtures() {
  }

  /** Inserts a queued job through core's {@link JobStore} and returns its id. */
  public static long insertJob(Pool pool, String tenant, String action, JsonObject arguments) {
    NewJob job = new NewJob(tenant, "key-" + UUID.randomUUID(), "slack", "U123", "C42", action,
        action + " " + arguments.encode(), action, arguments, new JsonObject().put("url", "http://localhost/reply"));
    return Await.result(JobStore.insert(pool, job)).orElseThrow();
  }

  /**
   * Inserts a queued echo job that holds a target lock written as people read it:
   * {@code production/api,web}, or {@code production} for the whole environment.
   */
  public static long insertLocked(Pool pool, String tenant, String lock, String text) {
    String[] parts = lock.split("/", 2);
    TargetLock targetLock = new TargetLock(Optional.of(parts[0]),
        parts.length == 1 ? List.of() : List.of(parts[1].split(",")));
    NewJob job = new NewJob(tenant, "key-" + UUID.randomUUID(), "slack", "U123", "C42", "echo", "echo " + text, "echo",
        new JsonObject().put("text", text), new JsonObject().put("url", "http://localhost/reply"),
        new JobRules(Optional.empty(), Optional.empty(), Optional.of(targetLock)));
    return Await.result(JobStore.insert(pool, job)).orElseThrow();
  }

  public static long insertEcho(Pool pool, String tenant, String text) {
    return insertJob(pool, tenant, "echo", new JsonObject().put("text", text));
  }

  /** The job's row as stored, read without any tenant scoping (tests look at the raw table). */
  public static JobRow job(Pool pool, long id) {
    return Await.result(pool.preparedQuery("SELECT * FROM jobs WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> JobRow.of(rows.iterator().next())));
  }

  public static long count(Pool pool, String sql) {
    return Await.result(pool.query(sql).execute().map(rows -> rows.iterator().next().getLong(0)));
  }

  /** The tenant's audit records in chain order. */
  public static List<AuditRecord> audit(Pool pool, String tenant) {
    return Await.result(pool.preparedQuery("SELECT * FROM audit_events WHERE tenant_id = $1 ORDER BY seq")
        .execute(Tuple.of(tenant))
        .map(rows -> {
          List<AuditRecord> list = new ArrayList<>();
          rows.forEach(row -> list.add(AuditRecord.fromRow(row)));
          return list;
        }));
  }

  /** The audit records of one job, in chain order. */
  public static List<AuditRecord> audit(Pool pool, String tenant, long jobId) {
    return audit(pool, tenant).stream().filter(r -> r.jobId() != null && r.jobId() == jobId).toList();
  }

  public static List<String> auditTypes(Pool pool, String tenant, long jobId) {
    return audit(pool, tenant, jobId).stream().map(AuditRecord::eventType).toList();
  }

  /** Whether the job's lease has passed by the database's clock (the clock the queue uses). */
  public static boolean leaseExpired(Pool pool, long id) {
    return Await.result(pool.preparedQuery("SELECT lease_expires_at < now() FROM jobs WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Boolean.TRUE.equals(rows.iterator().next().getBoolean(0))));
  }

  /** Whether {@code sql} (one boolean column, one row) is true, by the database's clock. */
  public static boolean holds(Pool pool, String sql) {
    return Await.result(pool.query(sql).execute()
        .map(rows -> Boolean.TRUE.equals(rows.iterator().next().getBoolean(0))));
  }

  /** The job's rows in {@code job_attempts}, oldest first. */
  public static List<AttemptRow> attempts(Pool pool, long jobId) {
    return Await.result(pool.preparedQuery("SELECT * FROM job_attempts WHERE job_id = $1 ORDER BY started_at, attempt")
        .execute(Tuple.of(jobId))
        .map(rows -> {
          List<AttemptRow> list = new ArrayList<>();
          rows.forEach(row -> list.add(AttemptRow.of(row)));
          return list;
        }));
  }

  public static List<String> attemptOutcomes(Pool pool, long jobId) {
    return attempts(pool, jobId).stream().map(AttemptRow::outcome).toList();
  }

  public record JobRow(long id, String tenantId, String status, int attempts, int maxAttempts, UUID leaseId,
                String leaseOwner, OffsetDateTime leaseExpiresAt, String output, String error,
                OffsetDateTime startedAt, OffsetDateTime finishedAt, OffsetDateTime runAfter,
                OffsetDateTime heartbeatAt) {

    static JobRow of(Row row) {
      return new JobRow(row.getLong("id"), row.getString("tenant_id"), row.getString("status"),
          row.getInteger("attempts"), row.getInteger("max_attempts"), row.getUUID("lease_id"),
          row.getString("lease_owner"), row.getOffsetDateTime("lease_expires_at"), row.getString("output"),
          row.getString("error"), row.getOffsetDateTime("started_at"), row.getOffsetDateTime("finished_at"),
          row.getOffsetDateTime("run_after"), row.getOffsetDateTime("heartbeat_at"));
    }
  }

  public record AttemptRow(UUID leaseId, long jobId, String tenantId, int attempt, String executor, OffsetDateTime startedAt,
                    OffsetDateTime endedAt, String outcome, String error) {

    static AttemptRow of(Row row) {
      return new AttemptRow(row.getUUID("lease_id"), row.getLong("job_id"), row.getString("tenant_id"),
          row.getInteger("attempt"), row.getString("executor"), row.getOffsetDateTime("started_at"),
          row.getOffsetDateTime("ended_at"), row.getString("outcome"), row.getString("error"));
    }
  }

  /** What an executor (or its reaper) announces when a job these fixtures inserted ends (they run in slack channel C42). */
  public static JobFinished announced(String tenant, long jobId, JobStatus status) {
    return new JobFinished(tenant, jobId, status, "slack", "C42");
  }
}

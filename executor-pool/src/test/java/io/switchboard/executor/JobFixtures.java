package io.switchboard.executor;

import io.switchboard.audit.AuditRecord;
import io.switchboard.core.job.JobStore;
import io.switchboard.core.job.NewJob;
import io.switchboard.core.testsupport.Await;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Inserts jobs and reads back job rows and audit records for the executor-pool tests. */
final class JobFixtures {

  private JobFixtures() {
  }

  /** Inserts a queued job through core's {@link JobStore} and returns its id. */
  static long insertJob(Pool pool, String tenant, String action, JsonObject arguments) {
    NewJob job = new NewJob(tenant, "key-" + UUID.randomUUID(), "slack", "U123", "C42", action,
        action + " " + arguments.encode(), action, arguments, new JsonObject().put("url", "http://localhost/reply"));
    return Await.result(JobStore.insert(pool, job)).orElseThrow();
  }

  static long insertEcho(Pool pool, String tenant, String text) {
    return insertJob(pool, tenant, "echo", new JsonObject().put("text", text));
  }

  /** The job's row as stored, read without any tenant scoping (tests look at the raw table). */
  static JobRow job(Pool pool, long id) {
    return Await.result(pool.preparedQuery("SELECT * FROM jobs WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> JobRow.of(rows.iterator().next())));
  }

  static long count(Pool pool, String sql) {
    return Await.result(pool.query(sql).execute().map(rows -> rows.iterator().next().getLong(0)));
  }

  /** The tenant's audit records in chain order. */
  static List<AuditRecord> audit(Pool pool, String tenant) {
    return Await.result(pool.preparedQuery("SELECT * FROM audit_events WHERE tenant_id = $1 ORDER BY seq")
        .execute(Tuple.of(tenant))
        .map(rows -> {
          List<AuditRecord> list = new ArrayList<>();
          rows.forEach(row -> list.add(AuditRecord.fromRow(row)));
          return list;
        }));
  }

  /** The audit records of one job, in chain order. */
  static List<AuditRecord> audit(Pool pool, String tenant, long jobId) {
    return audit(pool, tenant).stream().filter(r -> r.jobId() != null && r.jobId() == jobId).toList();
  }

  static List<String> auditTypes(Pool pool, String tenant, long jobId) {
    return audit(pool, tenant, jobId).stream().map(AuditRecord::eventType).toList();
  }

  /** Whether the job's lease has passed by the database's clock (the clock the queue uses). */
  static boolean leaseExpired(Pool pool, long id) {
    return Await.result(pool.preparedQuery("SELECT lease_expires_at < now() FROM jobs WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Boolean.TRUE.equals(rows.iterator().next().getBoolean(0))));
  }

  record JobRow(long id, String tenantId, String status, int attempts, UUID leaseId, String leaseOwner,
                OffsetDateTime leaseExpiresAt, String output, String error, OffsetDateTime startedAt,
                OffsetDateTime finishedAt) {

    static JobRow of(Row row) {
      return new JobRow(row.getLong("id"), row.getString("tenant_id"), row.getString("status"),
          row.getInteger("attempts"), row.getUUID("lease_id"), row.getString("lease_owner"),
          row.getOffsetDateTime("lease_expires_at"), row.getString("output"), row.getString("error"),
          row.getOffsetDateTime("started_at"), row.getOffsetDateTime("finished_at"));
    }
  }
}

package io.switchboard.jobs;

import io.switchboard.core.job.Job;
import io.switchboard.core.job.JobStatus;
import io.switchboard.core.job.NewJob;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes and reads job records. Every read is scoped by tenant: a caller can only ever see the jobs
 * of the tenant it names. Claiming and leasing belong to the executor pool's queue, not here.
 */
public final class JobStore {

  /**
   * Inserts jobs, one element of each array a job, in array order; a job whose tenant already has its
   * idempotency key is skipped.
   */
  private static final String INSERT_ALL = """
      INSERT INTO jobs (tenant_id, idempotency_key, platform, requester, channel, command, command_text,
                        action, arguments, reply_to, timeout_ms, max_attempts, target_lock, status, correlation_id,
                        trace_parent)
      SELECT t, k, p, r, c, cmd, txt, a, args::jsonb, rt::jsonb, tmo, coalesce(att, 3), lk::jsonb, 'queued', cid, tp
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                  $9::text[], $10::text[], $11::bigint[], $12::int[], $13::text[], $14::text[], $15::text[])
           WITH ORDINALITY AS u(t, k, p, r, c, cmd, txt, a, args, rt, tmo, att, lk, cid, tp, turn)
      ORDER BY turn
      ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
      RETURNING id, tenant_id, idempotency_key""";

  private static final String FIND_ALL_BY_KEY = """
      SELECT j.id, j.tenant_id, j.idempotency_key
      FROM jobs j JOIN unnest($1::text[], $2::text[]) AS u(t, k) ON j.tenant_id = u.t AND j.idempotency_key = u.k""";

  /** The idempotency key of the job an approval makes: this prefix and the approval's id. */
  public static final String APPROVAL_KEY_PREFIX = "approval:";

  /**
   * A column {@code approved_by} for a query over {@code jobs}: who voted to approve the command the job
   * was made from (text[], in vote order; empty for other jobs). Keyed by tenant; the approval is found
   * by its id in the job's idempotency key ({@link #APPROVAL_KEY_PREFIX}) and must name the job.
   */
  public static final String APPROVED_BY = """
      (SELECT coalesce(array_agg(v.voter ORDER BY v.voted_at, v.voter), '{}')
         FROM approvals a JOIN approval_votes v ON v.tenant_id = a.tenant_id AND v.approval_id = a.id
        WHERE a.tenant_id = jobs.tenant_id AND a.job_id = jobs.id AND v.vote = 'approve'
          AND a.id = CASE WHEN jobs.idempotency_key ~ '^%s[0-9]{1,18}$'
                          THEN substr(jobs.idempotency_key, %d)::bigint END) AS approved_by"""
      .formatted(APPROVAL_KEY_PREFIX, APPROVAL_KEY_PREFIX.length() + 1);

  private static final String FIND = "SELECT " + Job.COLUMNS + ", " + APPROVED_BY
      + " FROM jobs WHERE tenant_id = $1 AND id = $2";

  /**
   * The first of the jobs $2 waits for: an unfinished job queued before it, or a running one, with a
   * claim that conflicts with one of $2's (V23; the queue's rule, {@code JobQueue}).
   */
  private static final String HOLDER = "SELECT " + Job.COLUMNS + """
       FROM jobs
      WHERE tenant_id = $1 AND (id < $2 AND status = 'queued' OR status = 'running') AND id IN (
        SELECT other.job_id FROM job_locks mine
        JOIN job_locks other ON other.tenant_id = mine.tenant_id AND other.environment = mine.environment
          AND other.target = mine.target AND other.exclusive >= NOT mine.exclusive AND other.job_id <> mine.job_id
        WHERE mine.tenant_id = $1 AND mine.job_id = $2)
      ORDER BY id LIMIT 1""";

  private static final String RECENT_OF = "SELECT " + Job.COLUMNS + """
       FROM jobs WHERE tenant_id = $1 AND platform = $2 AND requester = $3
      ORDER BY created_at DESC, id DESC LIMIT $4""";

  private static final String LIST = "SELECT " + Job.COLUMNS + """
       FROM jobs
      WHERE tenant_id = $1 AND ($2::bigint IS NULL OR id < $2) AND ($3::text IS NULL OR status = $3)
        AND ($4::text IS NULL OR requester = $4) AND ($5::text IS NULL OR command = $5)
      ORDER BY id DESC LIMIT $6""";

  /**
   * What {@link #list} returns: jobs with an id below {@code beforeId} (the page cursor), with the
   * given status, requester and command; a null filter matches every job.
   */
  public record Filter(Long beforeId, JobStatus status, String requester, String command, int limit) {
  }

  private JobStore() {
  }

  /**
   * Inserts the job unless one with the same idempotency key exists for the tenant.
   *
   * @return the new job's id, or empty when the key was already used (a retried delivery)
   */
  public static Future<Optional<Long>> insert(SqlClient client, NewJob job) {
    return insertAll(client, List.of(job)).map(insertions -> insertions.get(0).inserted()
        ? Optional.of(insertions.get(0).id()) : Optional.empty());
  }

  /**
   * What {@link #insertAll} did with one job: inserted it as {@code id}, or found that {@code id}
   * already had its idempotency key (an earlier delivery, or an earlier job of the same batch).
   */
  public record Insertion(long id, boolean inserted) {
  }

  /**
   * Inserts the jobs in one statement, in list order (ids ascend with it), skipping each whose
   * tenant already has a job with its idempotency key, or that repeats the key of an earlier job in
   * the list.
   *
   * @return one insertion per job, in list order
   */
  public static Future<List<Insertion>> insertAll(SqlClient client, List<NewJob> jobs) {
    Tuple columns = Tuple.wrap(new Object[] {
        jobs.stream().map(NewJob::tenantId).toArray(String[]::new),
        jobs.stream().map(NewJob::idempotencyKey).toArray(String[]::new),
        jobs.stream().map(NewJob::platform).toArray(String[]::new),
        jobs.stream().map(NewJob::requester).toArray(String[]::new),
        jobs.stream().map(NewJob::channel).toArray(String[]::new),
        jobs.stream().map(NewJob::command).toArray(String[]::new),
        jobs.stream().map(NewJob::commandText).toArray(String[]::new),
        jobs.stream().map(NewJob::action).toArray(String[]::new),
        jobs.stream().map(job -> job.arguments().encode()).toArray(String[]::new),
        jobs.stream().map(job -> job.replyTo().encode()).toArray(String[]::new),
        jobs.stream().map(job -> job.rules().timeout().map(Duration::toMillis).orElse(null)).toArray(Long[]::new),
        jobs.stream().map(job -> job.rules().maxAttempts().orElse(null)).toArray(Integer[]::new),
        jobs.stream().map(job -> job.rules().targetLock().map(lock -> lock.toJson().encode()).orElse(null))
            .toArray(String[]::new),
        jobs.stream().map(NewJob::correlationId).toArray(String[]::new),
        jobs.stream().map(NewJob::traceParent).toArray(String[]::new)});
    return client.preparedQuery(INSERT_ALL).execute(columns).compose(rows -> {
      Map<TenantKey, Long> inserted = ids(rows);
      List<NewJob> missing = jobs.stream().filter(job -> !inserted.containsKey(TenantKey.of(job))).toList();
      Future<Map<TenantKey, Long>> existing = missing.isEmpty() ? Future.succeededFuture(Map.of())
          : client.preparedQuery(FIND_ALL_BY_KEY).execute(Tuple.tuple()
                  .addArrayOfString(missing.stream().map(NewJob::tenantId).toArray(String[]::new))
                  .addArrayOfString(missing.stream().map(NewJob::idempotencyKey).toArray(String[]::new)))
              .map(JobStore::ids);
      return existing.map(found -> {
        Set<TenantKey> claimed = new HashSet<>();
        List<Insertion> insertions = new ArrayList<>(jobs.size());
        for (NewJob job : jobs) {
          TenantKey key = TenantKey.of(job);
          Long id = inserted.get(key);
          if (id != null && claimed.add(key)) {
            insertions.add(new Insertion(id, true));
          } else if (id != null) {
            insertions.add(new Insertion(id, false));
          } else if (found.containsKey(key)) {
            insertions.add(new Insertion(found.get(key), false));
          } else {
            throw new IllegalStateException("job with idempotency key " + job.idempotencyKey() + " neither inserted nor found");
          }
        }
        return insertions;
      });
    });
  }

  private static Map<TenantKey, Long> ids(Iterable<Row> rows) {
    Map<TenantKey, Long> ids = new HashMap<>();
    for (Row row : rows) {
      ids.put(new TenantKey(row.getString("tenant_id"), row.getString("idempotency_key")), row.getLong("id"));
    }
    return ids;
  }

  private record TenantKey(String tenantId, String idempotencyKey) {
    static TenantKey of(NewJob job) {
      return new TenantKey(job.tenantId(), job.idempotencyKey());
    }
  }


  /** The tenant's job with this id, with its approvers; empty if it does not exist or belongs to another tenant. */
  public static Future<Optional<Job>> find(SqlClient client, String tenantId, long jobId) {
    return client.preparedQuery(FIND)
        .execute(Tuple.of(tenantId, jobId))
        .map(rows -> {
          for (Row row : rows) {
            return Optional.of(Job.fromRow(row));
          }
          return Optional.empty();
        });
  }

  /** The tenant's jobs that pass the filter, newest first. */
  public static Future<List<Job>> list(SqlClient client, String tenantId, Filter filter) {
    return client.preparedQuery(LIST)
        .execute(Tuple.of(tenantId, filter.beforeId(), filter.status() == null ? null : filter.status().wire(),
            filter.requester(), filter.command(), filter.limit()))
        .map(JobStore::jobs);
  }

  /** The user's most recent jobs in the tenant, newest first. */
  public static Future<List<Job>> recentOf(SqlClient client, String tenantId, String platform, String requester,
                                           int limit) {
    return client.preparedQuery(RECENT_OF)
        .execute(Tuple.of(tenantId, platform, requester, limit))
        .map(JobStore::jobs);
  }

  private static List<Job> jobs(Iterable<Row> rows) {
    List<Job> jobs = new ArrayList<>();
    rows.forEach(row -> jobs.add(Job.fromRow(row)));
    return jobs;
  }

  /**
   * The first of the tenant's jobs that {@code jobId} waits for: one queued before it, or a running
   * one, whose target lock overlaps its own.
   */
  public static Future<Optional<Job>> lockHolder(SqlClient client, String tenantId, long jobId) {
    return client.preparedQuery(HOLDER).execute(Tuple.of(tenantId, jobId)).map(rows -> {
      for (Row row : rows) {
        return Optional.of(Job.fromRow(row));
      }
      return Optional.empty();
    });
  }
}

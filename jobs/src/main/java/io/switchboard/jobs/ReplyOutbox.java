package io.switchboard.jobs;

import io.switchboard.core.db.TransactionBatcher;
import io.switchboard.core.job.Job;
import io.switchboard.core.job.JobStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which finished jobs still owe their requester a reply, kept in the jobs table so that no result is
 * lost when an event-bus message is: a gateway claims a reply for a while (so two gateways do not
 * post it twice), then marks it sent or schedules a retry with back-off, up to {@link #MAX_ATTEMPTS}.
 * Claims, and marks of replies sent, that arrive together share one statement and one commit.
 */
public final class ReplyOutbox {

  /** Slack accepts five posts to a response_url; retries stay within that. */
  public static final int MAX_ATTEMPTS = 5;
  /** Slack's response_url expires after 30 minutes. */
  static final Duration REPLY_WINDOW = Duration.ofMinutes(30);
  private static final Duration CLAIM = Duration.ofSeconds(30);

  /**
   * Claims the replies of jobs ($1 tenants, $2 ids) that are due and unclaimed, for $3 ms, as long as
   * fewer than $4 posts were tried and the job's status is one of $5 (the final ones). Rows another
   * transaction holds are skipped (it is claiming or posting them), so concurrent claims never wait
   * for each other. Every job is found by its key and updated by its row address, whatever the
   * statistics the cached plan was made with: with the statuses written into the statement and a
   * join, a plan cached while the table was small scanned every pending reply through the partial
   * index {@code jobs_reply_pending} for each key, and the update scanned the whole table (50-70 ms a
   * claim, half of PostgreSQL's time during a flood, at 13,000 pending replies).
   */
  private static final String CLAIM_SQL = """
      UPDATE jobs SET reply_attempts = jobs.reply_attempts + 1, reply_due_at = now() + $3 * interval '1 millisecond'
      FROM (
        SELECT j.row FROM unnest($1::text[], $2::bigint[]) AS c(tenant, job)
        CROSS JOIN LATERAL (
          SELECT j.ctid AS row FROM jobs j
          WHERE j.tenant_id = c.tenant AND j.id = c.job
            AND j.status = ANY($5::text[]) AND j.replied_at IS NULL AND j.reply_attempts < $4
            AND (j.reply_due_at IS NULL OR j.reply_due_at <= now())
          FOR UPDATE SKIP LOCKED
        ) j
      ) due
      WHERE jobs.ctid = due.row
      RETURNING {job columns}, jobs.reply_attempts, jobs.trace_parent, jobs.correlation_id, """.replace("{job columns}", Job.columns("jobs")) + JobStore.APPROVED_BY;

  /** The statuses whose reply is owed: the final ones. */
  private static final String[] FINAL_STATUSES =
      Arrays.stream(JobStatus.values()).filter(JobStatus::isFinal).map(JobStatus::wire).toArray(String[]::new);

  /** Marks the replies of jobs ($1 tenants, $2 ids) sent. */
  private static final String SENT = """
      UPDATE jobs SET replied_at = now()
      FROM unnest($1::text[], $2::bigint[]) AS s(tenant, job)
      WHERE jobs.tenant_id = s.tenant AND jobs.id = s.job""";

  /** Claims or marks arriving together share one statement, in at most two transactions at a time. */
  private static final int MAX_BATCH = 128;
  private static final int MAX_IN_FLIGHT = 2;

  private static final String RETRY_LATER = """
      UPDATE jobs SET reply_due_at = now() + $3 * interval '1 millisecond' WHERE tenant_id = $1 AND id = $2""";

  /** Gives the claim back without counting the attempt: the post was never made. */
  private static final String DEFER = """
      UPDATE jobs SET reply_attempts = greatest(reply_attempts - 1, 0), reply_due_at = now() + $3 * interval '1 millisecond'
      WHERE tenant_id = $1 AND id = $2 AND replied_at IS NULL""";

  private static final String DUE = """
      SELECT tenant_id, id, platform, channel FROM jobs
      WHERE status IN ('succeeded', 'failed', 'cancelled') AND replied_at IS NULL AND reply_attempts < $1
        AND (reply_due_at IS NULL OR reply_due_at <= now()) AND finished_at > now() - $2 * interval '1 millisecond'
      ORDER BY finished_at LIMIT 100""";

  /** Puts off replies ($1 tenants, $2 jobs) that are due and unclaimed by $3 ms, without a claim or an attempt. */
  private static final String POSTPONE = """
      UPDATE jobs SET reply_due_at = now() + $3 * interval '1 millisecond'
      FROM unnest($1::text[], $2::bigint[]) AS p(tenant, job)
      WHERE jobs.tenant_id = p.tenant AND jobs.id = p.job AND jobs.replied_at IS NULL
        AND (jobs.reply_due_at IS NULL OR jobs.reply_due_at <= now())""";

  /**
   * A reply this gateway holds the claim on.
   *
   * @param traceParent   the W3C traceparent of the span that queued the job (the reply's span continues
   *                      its trace), or null
   * @param correlationId the correlation id of the request that queued the job (the reply's log lines
   *                      carry it), or null
   */
  public record PendingReply(Job job, int attempt, String traceParent, String correlationId) {
  }

  private final Pool pool;
  private final TransactionBatcher<JobKey, Optional<PendingReply>> claims;
  private final TransactionBatcher<JobKey, Boolean> sent;

  public ReplyOutbox(Pool pool) {
    this.pool = pool;
    this.claims = new TransactionBatcher<>(pool, MAX_BATCH, MAX_IN_FLIGHT, ReplyOutbox::claimAll, results -> { });
    this.sent = new TransactionBatcher<>(pool, MAX_BATCH, MAX_IN_FLIGHT, ReplyOutbox::markAllSent, results -> { });
  }

  /**
   * Claims the job's reply if it is due and nobody else holds it. Claims arriving together share one
   * statement; a job asked for twice in one batch is claimed once.
   */
  public Future<Optional<PendingReply>> claim(String tenantId, long jobId) {
    return claims.submit(new JobKey(tenantId, jobId));
  }

  public Future<Void> markSent(PendingReply reply) {
    return sent.submit(new JobKey(reply.job().tenantId(), reply.job().id())).mapEmpty();
  }

  private static Future<List<Optional<PendingReply>>> claimAll(SqlConnection tx, List<JobKey> keys) {
    return tx.preparedQuery(CLAIM_SQL)
        .execute(Tuple.of(tenants(keys), ids(keys), CLAIM.toMillis(), MAX_ATTEMPTS, FINAL_STATUSES))
        .map(rows -> {
          Map<JobKey, PendingReply> claimed = new HashMap<>();
          for (Row row : rows) {
            Job job = Job.fromRow(row);
            claimed.put(new JobKey(job.tenantId(), job.id()), new PendingReply(job, row.getInteger("reply_attempts"),
                row.getString("trace_parent"), row.getString("correlation_id")));
          }
          // Each claimed reply goes to the first of its requests in the batch; the others find it taken.
          return keys.stream().map(key -> Optional.ofNullable(claimed.remove(key))).toList();
        });
  }

  private static Future<List<Boolean>> markAllSent(SqlConnection tx, List<JobKey> keys) {
    // Built element by element: Tuple.of(a, b) would spread an array b as varargs.
    return tx.preparedQuery(SENT).execute(Tuple.tuple().addArrayOfString(tenants(keys)).addArrayOfLong(ids(keys)))
        .map(rows -> keys.stream().map(key -> true).toList());
  }

  private static String[] tenants(List<JobKey> keys) {
    return keys.stream().map(JobKey::tenantId).toArray(String[]::new);
  }

  private static Long[] ids(List<JobKey> keys) {
    return keys.stream().map(JobKey::jobId).toArray(Long[]::new);
  }

  /** A job, by tenant. */
  private record JobKey(String tenantId, long jobId) {
  }

  /** The wait before the attempt after {@code attempt}: 2, 4, 8, 16 s (also for owed chat answers). */
  public static Duration retryDelay(int attempt) {
    return Duration.ofSeconds(1L << Math.min(attempt, 4));
  }

  /** Schedules the next attempt with exponential back-off ({@link #retryDelay}). */
  public Future<Void> retryLater(PendingReply reply) {
    long delay = retryDelay(reply.attempt()).toMillis();
    return pool.preparedQuery(RETRY_LATER).execute(Tuple.of(reply.job().tenantId(), reply.job().id(), delay)).mapEmpty();
  }

  /**
   * Offers the reply again after {@code delay} without using up an attempt: nothing was posted
   * because the channel's outbound queue was full (see {@code ChannelPacer}).
   */
  public Future<Void> defer(PendingReply reply, Duration delay) {
    return pool.preparedQuery(DEFER).execute(Tuple.of(reply.job().tenantId(), reply.job().id(), delay.toMillis()))
        .mapEmpty();
  }

  /** Replies that are due: never sent, not claimed now, still within the platform's window. */
  public Future<List<DueReply>> due() {
    return pool.preparedQuery(DUE).execute(Tuple.of(MAX_ATTEMPTS, REPLY_WINDOW.toMillis())).map(rows -> {
      List<DueReply> due = new ArrayList<>();
      rows.forEach(row -> due.add(new DueReply(row.getString("tenant_id"), row.getLong("id"), row.getString("platform"),
          row.getString("channel"))));
      return due;
    });
  }

  /**
   * Puts off due replies by {@code delay} without claiming them or using up an attempt, in one
   * statement: the sweep skips replies to a channel whose outbound queue is full, and this keeps them
   * from standing in front of other channels' replies at the next sweep.
   */
  public Future<Void> postpone(List<DueReply> replies, Duration delay) {
    if (replies.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(POSTPONE).execute(Tuple.of(
            replies.stream().map(DueReply::tenantId).toArray(String[]::new),
            replies.stream().map(DueReply::jobId).toArray(Long[]::new),
            delay.toMillis()))
        .mapEmpty();
  }

  /** A job whose reply is due, and where it ran. */
  public record DueReply(String tenantId, long jobId, String platform, String channel) {
  }
}

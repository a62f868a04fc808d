package io.switchboard.gateway.sandbox;

import io.switchboard.core.db.Rows;
import io.switchboard.core.job.Job;
import io.switchboard.gateway.approval.Approval;
import io.switchboard.gateway.reply.ReplyChannel;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.Optional;

/**
 * The messages of sandbox sessions' channels ({@code sandbox_messages}), every statement keyed by
 * tenant. A job has one message: its acknowledgement, edited with each progress line and then with
 * its result, whichever of them arrives first; once the result is in, later progress is ignored. It
 * is also the sandbox's {@link ReplyChannel}: a result is owed in the jobs table until it is stored
 * here, and the page shows what is stored.
 */
public final class SandboxMessages implements ReplyChannel {

  private static final String ADD = """
      INSERT INTO sandbox_messages (tenant_id, session_id, body) VALUES ($1, $2, $3)""";
  private static final String ADD_FOR_JOB = """
      INSERT INTO sandbox_messages (tenant_id, session_id, job_id, body) VALUES ($1, $2, $3, $4)
      ON CONFLICT (tenant_id, job_id) WHERE job_id IS NOT NULL DO NOTHING""";
  private static final String ADD_FOR_APPROVAL = """
      INSERT INTO sandbox_messages (tenant_id, session_id, approval_id, body) VALUES ($1, $2, $3, $4)""";
  private static final String SHOW_RESULT = """
      INSERT INTO sandbox_messages (tenant_id, session_id, job_id, final, body) VALUES ($1, $2, $3, true, $4)
      ON CONFLICT (tenant_id, job_id) WHERE job_id IS NOT NULL
      DO UPDATE SET body = excluded.body, final = true, revision = nextval('sandbox_message_revisions')""";
  private static final String SHOW_PROGRESS = """
      UPDATE sandbox_messages m SET body = $3, revision = nextval('sandbox_message_revisions')
      WHERE m.tenant_id = $1 AND m.job_id = $2 AND NOT m.final""";
  private static final String SANDBOX_JOB = """
      SELECT command_text FROM jobs WHERE tenant_id = $1 AND id = $2 AND platform = 'sandbox' AND status = 'running'""";
  /** Shows the approval's card; an approved one becomes its job's message unless the result came first. */
  private static final String SHOW_APPROVAL = """
      UPDATE sandbox_messages m SET body = $3, revision = nextval('sandbox_message_revisions'),
        job_id = CASE WHEN $4::bigint IS NULL OR EXISTS (SELECT 1 FROM sandbox_messages o
                        WHERE o.tenant_id = $1 AND o.job_id = $4) THEN m.job_id ELSE $4 END
      WHERE m.tenant_id = $1 AND m.approval_id = $2""";
  private static final String SINCE = """
      SELECT id, revision, body, created_at FROM sandbox_messages
      WHERE tenant_id = $1 AND session_id = $2 AND revision > $3 ORDER BY id LIMIT $4""";

  /** The most messages one read returns; the page asks again from the last revision it got. */
  public static final int PAGE = 200;

  private final Pool pool;

  public SandboxMessages(Pool pool) {
    this.pool = pool;
  }

  /** Adds a message to the session's channel. */
  public Future<Void> add(SandboxSession session, JsonObject body) {
    return pool.preparedQuery(ADD).execute(Tuple.of(session.tenantId(), session.id(), body)).mapEmpty();
  }

  /** Adds the acknowledgement of a queued job, unless its result is there already. */
  public Future<Void> acknowledge(SandboxSession session, long jobId, JsonObject body) {
    return pool.preparedQuery(ADD_FOR_JOB).execute(Tuple.of(session.tenantId(), session.id(), jobId, body))
        .mapEmpty();
  }

  /** Adds the card of an approval the command waits for. */
  public Future<Void> approvalRequested(SandboxSession session, long approvalId, JsonObject body) {
    return pool.preparedQuery(ADD_FOR_APPROVAL).execute(Tuple.of(session.tenantId(), session.id(), approvalId, body))
        .mapEmpty();
  }

  /** Shows an approval's card again after a vote or its expiry; an approved card shows its job from then on. */
  public Future<Void> approvalChanged(Approval approval, JsonObject body) {
    return pool.preparedQuery(SHOW_APPROVAL).execute(Tuple.of(approval.tenantId(), approval.id(), body,
        approval.jobId().orElse(null))).mapEmpty();
  }

  /** Shows a finished job's result as its message; fails for a job without a sandbox session (retried, then dropped). */
  @Override
  public Future<Void> deliver(Job job) {
    Object session = job.replyTo().getValue("session");
    if (!(session instanceof String id)) {
      return Future.failedFuture("job " + job.id() + " has a malformed sandbox reply_to");
    }
    return pool.preparedQuery(SHOW_RESULT).execute(Tuple.of(job.tenantId(), id, job.id(),
        SandboxRendering.of(ReplyMessage.result(job)))).mapEmpty();
  }

  /** Shows a running job's latest progress line; does nothing for a job not from the sandbox or already ended. */
  public Future<Void> progress(String tenantId, long jobId, String line) {
    return pool.preparedQuery(SANDBOX_JOB).execute(Tuple.of(tenantId, jobId)).compose(rows -> {
      Optional<String> command = Rows.first(rows, row -> row.getString("command_text"));
      if (command.isEmpty()) {
        return Future.succeededFuture();
      }
      JsonObject body = SandboxRendering.of(ReplyMessage.progress(jobId, command.get(), line));
      return pool.preparedQuery(SHOW_PROGRESS).execute(Tuple.of(tenantId, jobId, body)).mapEmpty();
    });
  }

  /**
   * The session's messages changed after {@code revision}, oldest first, each with its id, revision and
   * {@code at} (when it was first shown, epoch milliseconds; the page shows it in the visitor's time zone).
   */
  public Future<JsonArray> since(SandboxSession session, long revision) {
    return pool.preparedQuery(SINCE).execute(Tuple.of(session.tenantId(), session.id(), revision, PAGE))
        .map(rows -> {
          JsonArray messages = new JsonArray();
          for (Row row : rows) {
            messages.add(row.getJsonObject("body").copy().put("id", row.getLong("id"))
                .put("revision", row.getLong("revision"))
                .put("at", row.getOffsetDateTime("created_at").toInstant().toEpochMilli()));
          }
          return messages;
        });
  }
}

package io.switchboard.gateway.progress;

import io.switchboard.core.db.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.Optional;

/**
 * Remembers the one chat message that shows a job ({@code chat_job_messages}): its platform, its
 * address there (what the platform needs to edit it: Slack's {@code channel} and {@code ts}, Teams'
 * {@code serviceUrl}, {@code conversationId} and {@code activityId}, nothing for Discord), and the
 * progress line it shows now, so that of several gateways (each hears every line) only one edits it
 * per line. One store for every platform, so that the statements are written once and not once per
 * platform. Every statement is keyed by tenant and job: another tenant's job of the same id is never
 * found, remembered over or edited.
 */
public final class JobMessageStore {

  private static final String FIND = "SELECT address FROM chat_job_messages WHERE tenant_id = $1 AND job_id = $2";

  private static final String REMEMBER = """
      INSERT INTO chat_job_messages (tenant_id, job_id, platform, address) VALUES ($1, $2, $3, $4)
      ON CONFLICT (tenant_id, job_id) DO NOTHING
      RETURNING job_id""";

  /** Remembers the job's message only while the job is unfinished, i.e. its result is not being shown already. */
  private static final String REMEMBER_WHILE_UNFINISHED = """
      INSERT INTO chat_job_messages (tenant_id, job_id, platform, address)
      SELECT tenant_id, id, $3, $4 FROM jobs WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running')
      ON CONFLICT (tenant_id, job_id) DO NOTHING
      RETURNING job_id""";

  /**
   * Takes the line for this gateway if the job still runs, the line is still the job's latest (the
   * executor stores it before announcing it, so a late line from a lagging gateway is dropped), and
   * no gateway showed it yet.
   */
  private static final String TAKE_PROGRESS = """
      UPDATE chat_job_messages m SET progress = $3
      FROM jobs j
      WHERE m.tenant_id = $1 AND m.job_id = $2 AND j.tenant_id = m.tenant_id AND j.id = m.job_id
        AND j.status = 'running' AND j.progress = $3 AND m.progress IS DISTINCT FROM $3
      RETURNING m.platform, m.address, j.command_text, j.reply_to""";

  private final Pool pool;

  public JobMessageStore(Pool pool) {
    this.pool = pool;
  }

  /** The address of the job's message on its platform, if one was remembered. */
  public Future<Optional<JsonObject>> find(String tenantId, long jobId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(tenantId, jobId))
        .map(rows -> Rows.first(rows, row -> row.getJsonObject("address")));
  }

  /** Remembers the job's message; does nothing when one is remembered already. True when this call stored it. */
  public Future<Boolean> remember(String tenantId, long jobId, String platform, JsonObject address) {
    return insert(REMEMBER, tenantId, jobId, platform, address);
  }

  /** Like remember, but only while the job is queued or running (Discord's acknowledgement must not race the result). */
  public Future<Boolean> rememberWhileUnfinished(String tenantId, long jobId, String platform, JsonObject address) {
    return insert(REMEMBER_WHILE_UNFINISHED, tenantId, jobId, platform, address);
  }

  /**
   * Takes a progress line for this gateway if the job still runs, the line is its latest
   * ({@code jobs.progress}) and no gateway showed it yet; see {@code TAKE_PROGRESS}. Of the message's
   * platform, whichever it is: call it once per line and gateway, and let the taken platform edit.
   */
  public Future<Optional<ProgressTaken>> takeProgress(String tenantId, long jobId, String line) {
    return pool.preparedQuery(TAKE_PROGRESS).execute(Tuple.of(tenantId, jobId, line))
        .map(rows -> Rows.first(rows, row -> new ProgressTaken(row.getString("platform"),
            row.getJsonObject("address"), row.getString("command_text"), row.getJsonObject("reply_to"))));
  }

  /** What a taken progress line needs to edit the message. */
  public record ProgressTaken(String platform, JsonObject address, String commandText, JsonObject replyTo) {}

  private Future<Boolean> insert(String sql, String tenantId, long jobId, String platform, JsonObject address) {
    return pool.preparedQuery(sql).execute(Tuple.of(tenantId, jobId, platform, address))
        .map(rows -> rows.size() > 0);
  }
}

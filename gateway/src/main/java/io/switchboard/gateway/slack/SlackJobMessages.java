package io.switchboard.gateway.slack;

import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.pacing.ChannelKey;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.pacing.Outbound;
import io.switchboard.gateway.progress.JobMessageSteps;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.Optional;

/**
 * The one Slack message of a job started from a mention or a direct message: posted once with
 * {@code chat.postMessage} in the thread under the command ({@code reply_to} kind
 * {@value #REPLY_KIND}), remembered in {@code slack_job_messages} (by tenant and job), and then
 * edited with {@code chat.update} for progress and for the result, never posted again. Work on one
 * job's message runs one step at a time, and progress lines that arrive while a step runs collapse
 * into the latest one; of several gateways (each hears every line), only the one that records a
 * line as shown edits the message. Every post and edit waits for its channel's turn in the
 * {@link ChannelPacer}. Use from one event loop (the gateway verticle's).
 */
public final class SlackJobMessages {

  /** The {@code reply_to.kind} of jobs whose answers go through the Web API. */
  public static final String REPLY_KIND = "slack_web_api";

  private static final String FIND =
      "SELECT channel, ts FROM slack_job_messages WHERE tenant_id = $1 AND job_id = $2";

  /**
   * Takes the line for this gateway if the job still runs, the line is still the job's latest (the
   * executor stores it before announcing it, so a late line from a lagging gateway is dropped), and
   * no gateway showed it yet.
   */
  private static final String TAKE_PROGRESS = """
      UPDATE slack_job_messages m SET progress = $3
      FROM jobs j
      WHERE m.tenant_id = $1 AND m.job_id = $2 AND j.tenant_id = m.tenant_id AND j.id = m.job_id
        AND j.status = 'running' AND j.progress = $3 AND m.progress IS DISTINCT FROM $3
      RETURNING m.channel, m.ts, j.command_text, j.reply_to""";

  private static final String REMEMBER = """
      INSERT INTO slack_job_messages (tenant_id, job_id, channel, ts) VALUES ($1, $2, $3, $4)
      ON CONFLICT (tenant_id, job_id) DO NOTHING""";

  private final Pool pool;
  private final SlackWebApi slack;
  private final SlackBotTokens tokens;
  private final GatewayMetrics metrics;
  private final ChannelPacer pacer;
  private final JobMessageSteps steps = new JobMessageSteps();

  public SlackJobMessages(Pool pool, SlackWebApi slack, SlackBotTokens tokens, GatewayMetrics metrics,
                          ChannelPacer pacer) {
    this.metrics = metrics;
    this.pacer = pacer;
    this.pool = pool;
    this.slack = slack;
    this.tokens = tokens;
  }

  /**
   * Shows {@code message} as the job's message: edits it if the job has one, otherwise posts it in
   * the thread named by {@code replyTo} and remembers it.
   */
  public Future<Void> show(String tenantId, long jobId, JsonObject replyTo, JsonObject message) {
    return steps.serially(tenantId, jobId, () -> token(tenantId, replyTo).compose(token -> find(tenantId, jobId)
        .compose(found -> found.isPresent()
            ? pacer.submit(channel(tenantId, replyTo, found.get().getString("channel")), Outbound.RESULT,
                found.get().getString("ts"),
                () -> slack.update(token, found.get().getString("channel"), found.get().getString("ts"), message))
            : pacer.submit(channel(tenantId, replyTo, replyTo.getString("channel")), Outbound.RESULT, null,
                    () -> slack.postMessage(token, replyTo.getString("channel"),
                        Optional.ofNullable(replyTo.getString("thread_ts")), message))
                .compose(ts -> pool.preparedQuery(REMEMBER)
                    .execute(Tuple.of(tenantId, jobId, replyTo.getString("channel"), ts)).<Void>mapEmpty()))));
  }

  /**
   * Edits a running job's message to show its latest progress line; does nothing for a job without
   * a message, one that has ended (its result stands), or a line another gateway shows already.
   */
  public Future<Void> progress(String tenantId, long jobId, String line) {
    return steps.progress(tenantId, jobId, line, latest -> pool.preparedQuery(TAKE_PROGRESS)
        .execute(Tuple.of(tenantId, jobId, latest)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.<Void>succeededFuture();
          }
          Row row = rows.iterator().next();
          JsonObject replyTo = row.getJsonObject("reply_to");
          return token(tenantId, replyTo).compose(token -> pacer.submit(
              channel(tenantId, replyTo, row.getString("channel")), Outbound.PROGRESS, row.getString("ts"),
              () -> slack.update(token, row.getString("channel"), row.getString("ts"),
                  BlockKitProgress.of(jobId, row.getString("command_text"), latest))));
        })).map(shown -> {
          if (!shown) {
            metrics.progressCoalesced(SignedSlackEndpoint.PLATFORM);
          }
          return null;
        });
  }

  private Future<Optional<Row>> find(String tenantId, long jobId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(tenantId, jobId)).map(rows -> {
      for (Row row : rows) {
        return Optional.of(row);
      }
      return Optional.empty();
    });
  }

  private static ChannelKey channel(String tenantId, JsonObject replyTo, String channel) {
    return new ChannelKey(SignedSlackEndpoint.PLATFORM, tenantId, replyTo.getString("workspace"), channel);
  }

  private Future<String> token(String tenantId, JsonObject replyTo) {
    return tokens.require(tenantId, replyTo.getString("workspace"));
  }
}

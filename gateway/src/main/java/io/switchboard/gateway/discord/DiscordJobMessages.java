package io.switchboard.gateway.discord;

import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.pacing.ChannelKey;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.pacing.Outbound;
import io.switchboard.gateway.progress.JobMessageSteps;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The one Discord message of a job started by an interaction: the interaction's original response,
 * edited ({@code PATCH .../messages/@original}) with the acknowledgement, each progress line and the
 * result, never posted again while the token lives. If the original was deleted, the result comes as
 * a follow-up; once the token expired (15 minutes), as a new channel message with the guild's bot
 * token when the tenant stored one, and otherwise the delivery fails (the reply path retries, then
 * gives up; the result stays in {@code GET /api/v1/jobs/{id}}). Work on one job's message runs one
 * step at a time; progress lines that arrive while a step runs collapse into the latest, and of
 * several gateways only the one that records a line as shown ({@code discord_job_messages}) edits.
 * Every call waits for its channel's turn in the {@link ChannelPacer}. Use from one event loop (the
 * gateway verticle's).
 */
public final class DiscordJobMessages {

  private static final String PLATFORM = "discord";

  /** Remembers the job's message, unless its result is being shown already. */
  private static final String REMEMBER = """
      INSERT INTO discord_job_messages (tenant_id, job_id)
      SELECT tenant_id, id FROM jobs WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running')
      ON CONFLICT (tenant_id, job_id) DO NOTHING
      RETURNING job_id""";

  /** Takes the line for this gateway if the job still runs, the line is its latest, and nobody showed it. */
  private static final String TAKE_PROGRESS = """
      UPDATE discord_job_messages m SET progress = $3
      FROM jobs j
      WHERE m.tenant_id = $1 AND m.job_id = $2 AND j.tenant_id = m.tenant_id AND j.id = m.job_id
        AND j.status = 'running' AND j.progress = $3 AND m.progress IS DISTINCT FROM $3
      RETURNING j.command_text, j.reply_to""";

  private final Pool pool;
  private final DiscordApi discord;
  private final DiscordBotTokens botTokens;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final ChannelPacer pacer;
  private final JobMessageSteps steps = new JobMessageSteps();

  public DiscordJobMessages(Pool pool, DiscordApi discord, DiscordBotTokens botTokens, GatewayMetrics metrics,
                            Clock clock, ChannelPacer pacer) {
    this.pool = pool;
    this.pacer = pacer;
    this.discord = discord;
    this.botTokens = botTokens;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Shows the acknowledgement of a queued job as the original response, and remembers the job's message. */
  public Future<Void> acknowledge(String tenantId, long jobId, InteractionWebhook webhook, JsonObject message) {
    return steps.serially(tenantId, jobId, () -> pool.preparedQuery(REMEMBER).execute(Tuple.of(tenantId, jobId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture()
            : pacer.submit(channel(tenantId, webhook), Outbound.POST, original(jobId),
                () -> discord.editOriginal(webhook, message))));
  }

  /** Shows {@code message} (the result) as the job's message; see the class comment for an expired token. */
  public Future<Void> show(String tenantId, long jobId, InteractionWebhook webhook, JsonObject message) {
    return steps.serially(tenantId, jobId, () -> pacer.submit(channel(tenantId, webhook), Outbound.RESULT,
        original(jobId), () -> webhook.expired(clock.instant())
            ? postAsBot(tenantId, webhook, message)
            : discord.editOriginal(webhook, message).recover(failure ->
                failure instanceof DiscordApiFailure f && f.originalGone()
                    ? discord.followUp(webhook, message)
                    : Future.failedFuture(failure))));
  }

  /**
   * Edits a running job's message to show its latest progress line; does nothing for a job without
   * a message, one that has ended, a line another gateway shows already, or an expired token.
   */
  public Future<Void> progress(String tenantId, long jobId, String line) {
    return steps.progress(tenantId, jobId, line, latest -> pool.preparedQuery(TAKE_PROGRESS)
        .execute(Tuple.of(tenantId, jobId, latest)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.<Void>succeededFuture();
          }
          Row row = rows.iterator().next();
          Optional<InteractionWebhook> webhook = InteractionWebhook.fromReplyTo(row.getJsonObject("reply_to"));
          if (webhook.isEmpty() || webhook.get().expired(clock.instant())) {
            return Future.<Void>succeededFuture();
          }
          return pacer.submit(channel(tenantId, webhook.get()), Outbound.PROGRESS, original(jobId),
              () -> discord.editOriginal(webhook.get(),
                  DiscordEmbeds.of(ReplyMessage.progress(jobId, row.getString("command_text"), latest)
                      .withButtons(List.of(JobButtons.cancel(jobId))))));
        })).map(shown -> {
          if (!shown) {
            metrics.progressCoalesced(PLATFORM);
          }
          return null;
        });
  }

  private static ChannelKey channel(String tenantId, InteractionWebhook webhook) {
    return new ChannelKey(PLATFORM, tenantId, webhook.guildId(), webhook.channelId());
  }

  /** The job's one message (the interaction's original response), as the pacer knows it. */
  private static String original(long jobId) {
    return "job " + jobId;
  }

  private Future<Void> postAsBot(String tenantId, InteractionWebhook webhook, JsonObject message) {
    return botTokens.find(tenantId, webhook.guildId()).compose(token -> token.isPresent()
        ? discord.createMessage(token.get(), webhook.channelId(), message)
        : Future.failedFuture(new DiscordApiFailure("edit_original", 401, DiscordApiFailure.INVALID_WEBHOOK_TOKEN,
            "the interaction token expired and the tenant stored no bot token for guild " + webhook.guildId())));
  }
}

package io.switchboard.gateway.discord;

import io.switchboard.gateway.pacing.ChannelKey;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.pacing.Outbound;
import io.switchboard.gateway.progress.JobMessageProgress;
import io.switchboard.gateway.progress.JobMessageSteps;
import io.switchboard.gateway.progress.JobMessageStore.ProgressTaken;
import io.switchboard.gateway.progress.JobMessageStore;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The one Discord message of a job started by an interaction: the interaction's original response,
 * edited ({@code PATCH .../messages/@original}) with the acknowledgement, each progress line and the
 * result (with its long output as a file, {@link DiscordJobResults}), never posted again while the
 * token lives. If the original was deleted, the result comes as a follow-up; once the token expired
 * (15 minutes), as a new channel message with the guild's bot token when the tenant stored one, and otherwise the delivery fails (the reply path retries, then
 * gives up; the result stays in {@code GET /api/v1/jobs/{id}}). The message is remembered in the
 * {@link JobMessageStore} with an empty address (the token is in the job's {@code reply_to}). Work
 * on one job's message runs one step at a time in the gateway's {@link JobMessageSteps}; progress
 * lines are taken and handed here by {@link JobMessageProgress}. Every call waits for its channel's
 * turn in the {@link ChannelPacer}. Use from one event loop (the gateway verticle's).
 */
public final class DiscordJobMessages {

  private static final String PLATFORM = "discord";

  private final JobMessageStore store;
  private final JobMessageSteps steps;
  private final DiscordApi discord;
  private final DiscordBotTokens botTokens;
  private final Clock clock;
  private final ChannelPacer pacer;

  public DiscordJobMessages(JobMessageStore store, JobMessageSteps steps, DiscordApi discord,
                            DiscordBotTokens botTokens, Clock clock, ChannelPacer pacer) {
    this.store = store;
    this.steps = steps;
    this.pacer = pacer;
    this.discord = discord;
    this.botTokens = botTokens;
    this.clock = clock;
  }

  /** Shows the acknowledgement of a queued job as the original response, and remembers the job's message. */
  public Future<Void> acknowledge(String tenantId, long jobId, InteractionWebhook webhook, JsonObject message) {
    return steps.serially(tenantId, jobId, () -> store.rememberWhileUnfinished(tenantId, jobId, PLATFORM,
            new JsonObject())
        .compose(remembered -> !remembered ? Future.succeededFuture()
            : pacer.submit(channel(tenantId, webhook), Outbound.POST, original(jobId),
                () -> discord.editOriginal(webhook, message))));
  }

  /**
   * Shows {@code message} (the result) as the job's message, with {@code file} attached if any; see
   * the class comment for an expired token.
   */
  public Future<Void> show(String tenantId, long jobId, InteractionWebhook webhook, JsonObject message,
                           Optional<DiscordAttachment> file) {
    return steps.serially(tenantId, jobId, () -> pacer.submit(channel(tenantId, webhook), Outbound.RESULT,
        original(jobId), () -> webhook.expired(clock.instant())
            ? postAsBot(tenantId, webhook, message, file)
            : discord.editOriginal(webhook, message, file).recover(failure ->
                failure instanceof DiscordApiFailure f && f.originalGone()
                    ? discord.followUp(webhook, message, file)
                    : Future.failedFuture(failure))));
  }

  /**
   * Edits a running job's message to show the progress line {@link JobMessageProgress} took for it;
   * does nothing once the interaction's token expired.
   */
  public Future<Void> progress(String tenantId, long jobId, String line, ProgressTaken taken) {
    Optional<InteractionWebhook> webhook = InteractionWebhook.fromReplyTo(taken.replyTo());
    if (webhook.isEmpty() || webhook.get().expired(clock.instant())) {
      return Future.succeededFuture();
    }
    return pacer.submit(channel(tenantId, webhook.get()), Outbound.PROGRESS, original(jobId),
        () -> discord.editOriginal(webhook.get(),
            DiscordEmbeds.of(ReplyMessage.progress(jobId, taken.commandText(), line)
                .withButtons(List.of(JobButtons.cancel(jobId))))));
  }

  private static ChannelKey channel(String tenantId, InteractionWebhook webhook) {
    return new ChannelKey(PLATFORM, tenantId, webhook.guildId(), webhook.channelId());
  }

  /** The job's one message (the interaction's original response), as the pacer knows it. */
  private static String original(long jobId) {
    return "job " + jobId;
  }

  private Future<Void> postAsBot(String tenantId, InteractionWebhook webhook, JsonObject message,
                                 Optional<DiscordAttachment> file) {
    return botTokens.find(tenantId, webhook.guildId()).compose(token -> token.isPresent()
        ? discord.createMessage(token.get(), webhook.channelId(), message, file).<Void>mapEmpty()
        : Future.failedFuture(new DiscordApiFailure("edit_original", 401, DiscordApiFailure.INVALID_WEBHOOK_TOKEN,
            "the interaction token expired and the tenant stored no bot token for guild " + webhook.guildId())));
  }
}

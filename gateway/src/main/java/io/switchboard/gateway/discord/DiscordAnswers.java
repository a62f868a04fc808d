package io.switchboard.gateway.discord;

import io.switchboard.gateway.reply.AnswerOutbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;

/**
 * Edits answers other than a job's message (refusals, built-ins' answers, approval cards and their
 * updates, expiry notices) into an interaction's original response, owed in the {@link AnswerOutbox}
 * so that an edit Discord did not take is made again. An answer whose interaction token has expired
 * (Discord keeps it 15 minutes) can no longer be delivered and is given up.
 */
public final class DiscordAnswers {

  private final DiscordApi discord;
  private final AnswerOutbox outbox;
  private final Clock clock;

  /** Registers itself with {@code outbox} as the sender of answers through interaction webhooks. */
  public DiscordAnswers(DiscordApi discord, AnswerOutbox outbox, Clock clock) {
    this.discord = discord;
    this.clock = clock;
    this.outbox = outbox.register(InteractionWebhook.REPLY_KIND, this::send);
  }

  /** Owes {@code message} as the new content of the interaction's original response. */
  public Future<Void> edit(String tenantId, String userId, InteractionWebhook webhook, boolean ephemeral,
                           JsonObject message) {
    return outbox.send(tenantId, DiscordCommands.PLATFORM, webhook.toReplyTo(), userId, ephemeral, message);
  }

  /** Owes {@code message} to the interaction a stored {@code reply_to} names. */
  public Future<Void> edit(String tenantId, String userId, JsonObject replyTo, JsonObject message) {
    return outbox.send(tenantId, DiscordCommands.PLATFORM, replyTo, userId, false, message);
  }

  private Future<Void> send(AnswerOutbox.OwedAnswer answer) {
    return InteractionWebhook.fromReplyTo(answer.replyTo())
        .filter(webhook -> !webhook.expired(clock.instant()))
        .map(webhook -> discord.editOriginal(webhook, answer.body()))
        .orElseGet(() -> Future.failedFuture(new AnswerOutbox.Undeliverable(
            "the interaction token has expired or is malformed")));
  }
}

package io.switchboard.gateway.slack;

import io.switchboard.gateway.command.CommandAnswer;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.reply.AnswerOutbox;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * Delivers the answer to a command that came as an event (mention or direct message), which has no
 * {@code response_url}, through the Web API with the installation's bot token: a queued job's
 * acknowledgement becomes the job's one message in the thread ({@link SlackJobMessages}), with a
 * Cancel button, a refusal
 * or a built-in's answer a {@code chat.postEphemeral} to the user (a plain message in a direct
 * message), and an approval card a {@code chat.postMessage} in the thread. Answers other than a job's
 * message are owed in the {@link AnswerOutbox}, so one Slack did not take is sent again.
 */
public final class SlackEventAnswers {

  private final SlackWebApi slack;
  private final SlackBotTokens tokens;
  private final SlackJobMessages jobMessages;
  private final AnswerOutbox outbox;

  /** Registers itself with {@code outbox} as the sender of answers to Slack events. */
  public SlackEventAnswers(SlackWebApi slack, SlackBotTokens tokens, SlackJobMessages jobMessages, AnswerOutbox outbox) {
    this.slack = slack;
    this.tokens = tokens;
    this.jobMessages = jobMessages;
    this.outbox = outbox.register(SlackJobMessages.REPLY_KIND, this::send);
  }

  /**
   * @param replyTo   the command's {@code reply_to}: workspace, channel, thread_ts, and whether the
   *                  channel is a direct message ({@code im})
   */
  public Future<Void> deliver(String tenantId, String userId, JsonObject replyTo, CommandAnswer answer) {
    JsonObject message = SlackMessages.forWebApi(SlackMessages.answer(answer));
    if (answer.queuedJob().isPresent()) {
      return jobMessages.show(tenantId, answer.queuedJob().get(), replyTo, message);
    }
    return outbox.send(tenantId, SignedSlackEndpoint.PLATFORM, replyTo, userId,
        answer.ephemeral() && !replyTo.getBoolean("im", false), message);
  }

  /** Posts a notice (e.g. an approval that expired) in the thread a command's {@code reply_to} names. */
  public Future<Void> post(String tenantId, JsonObject replyTo, ChatMessage message) {
    return outbox.send(tenantId, SignedSlackEndpoint.PLATFORM, replyTo, "", false,
        SlackMessages.forWebApi(SlackMessages.of(message)));
  }

  private Future<Void> send(AnswerOutbox.OwedAnswer answer) {
    JsonObject replyTo = answer.replyTo();
    String channel = replyTo.getString("channel");
    Optional<String> thread = Optional.ofNullable(replyTo.getString("thread_ts"));
    return tokens.require(answer.tenantId(), replyTo.getString("workspace")).compose(token -> answer.ephemeral()
        ? slack.postEphemeral(token, channel, answer.userId(), thread, answer.body())
        : slack.postMessage(token, channel, thread, answer.body()).mapEmpty());
  }
}

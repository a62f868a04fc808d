package io.switchboard.gateway.slack;

import io.switchboard.gateway.reply.BlockKitButtons;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Delivers the answer to a command that came as an event (mention or direct message), which has no
 * {@code response_url}, through the Web API with the installation's bot token: a queued job's
 * acknowledgement becomes the job's one message in the thread ({@link SlackJobMessages}), with a
 * Cancel button, a refusal
 * or a built-in's answer a {@code chat.postEphemeral} to the user (a plain message in a direct
 * message), and an approval card a {@code chat.postMessage} in the thread.
 */
public final class SlackEventAnswers {

  private static final Logger LOG = LoggerFactory.getLogger(SlackEventAnswers.class);

  private final SlackWebApi slack;
  private final SlackBotTokens tokens;
  private final SlackJobMessages jobMessages;

  public SlackEventAnswers(SlackWebApi slack, SlackBotTokens tokens, SlackJobMessages jobMessages) {
    this.slack = slack;
    this.tokens = tokens;
    this.jobMessages = jobMessages;
  }

  /**
   * @param replyTo   the command's {@code reply_to}: workspace, channel, thread_ts, and whether the
   *                  channel is a direct message ({@code im})
   */
  public Future<Void> deliver(String tenantId, String userId, JsonObject replyTo, CommandAnswer answer) {
    JsonObject message = answer.message().copy();
    message.remove("response_type");
    if (answer.queuedJob().isPresent()) {
      long jobId = answer.queuedJob().get();
      return jobMessages.show(tenantId, jobId, replyTo,
          BlockKitButtons.append(message, List.of(JobButtons.cancel(jobId))));
    }
    Optional<String> thread = Optional.ofNullable(replyTo.getString("thread_ts"));
    String channel = replyTo.getString("channel");
    return token(tenantId, replyTo).compose(token -> answer.ephemeral() && !replyTo.getBoolean("im", false)
        ? slack.postEphemeral(token, channel, userId, thread, message)
        : slack.postMessage(token, channel, thread, message).mapEmpty());
  }

  /** Posts a notice (e.g. an approval that expired) in the thread a command's {@code reply_to} names. */
  public Future<Void> post(String tenantId, JsonObject replyTo, JsonObject message) {
    JsonObject shown = message.copy();
    shown.remove("response_type");
    shown.remove("replace_original");
    return token(tenantId, replyTo).compose(token -> slack.postMessage(token, replyTo.getString("channel"),
            Optional.ofNullable(replyTo.getString("thread_ts")), shown).<Void>mapEmpty())
        .onFailure(e -> LOG.warn("Posting a notice to Slack failed: {}", e.toString()));
  }

  private Future<String> token(String tenantId, JsonObject replyTo) {
    return tokens.require(tenantId, replyTo.getString("workspace"));
  }
}

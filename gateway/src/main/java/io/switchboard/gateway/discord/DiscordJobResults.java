package io.switchboard.gateway.discord;

import io.switchboard.core.job.Job;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.ReplyChannel;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.Future;

import java.util.Optional;

/**
 * Delivers the result of a job started by an interaction: its one message ({@link DiscordJobMessages})
 * becomes the result, with a Rerun button. Output that is long ({@link ReplyMessage.Excerpt#isLong})
 * is never a wall of text: the embed keeps its first lines and the whole output is attached to the
 * same message as a text file, in the same call, so a retried delivery replaces it rather than adding
 * another. Output too large for Discord's upload limit is not attached; the message says where it is kept.
 */
public final class DiscordJobResults implements ReplyChannel {

  private final DiscordJobMessages messages;

  public DiscordJobResults(DiscordJobMessages messages) {
    this.messages = messages;
  }

  @Override
  public Future<Void> deliver(Job job) {
    Optional<InteractionWebhook> webhook = InteractionWebhook.fromReplyTo(job.replyTo());
    if (webhook.isEmpty()) {
      return Future.failedFuture("job " + job.id() + " has a malformed Discord reply_to");
    }
    ReplyMessage result = ReplyMessage.result(job).withButtons(JobButtons.forJob(job.id(), job.status()));
    Optional<DiscordAttachment> file = result.output().filter(ReplyMessage.Excerpt::isLong)
        .map(output -> new DiscordAttachment(ReplyMessage.outputFilename(job.id()), output.text()));
    ReplyMessage shown = file.map(attachment -> attachment.fits()
            ? result.withOutputAttached(result.output().orElseThrow(), "attached to this message")
            : result.withOutputNotAttached(result.output().orElseThrow()))
        .orElse(result);
    return messages.show(job.tenantId(), job.id(), webhook.get(), DiscordEmbeds.of(shown),
        file.filter(DiscordAttachment::fits));
  }
}

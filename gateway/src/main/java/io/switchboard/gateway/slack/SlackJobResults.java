package io.switchboard.gateway.slack;

import io.switchboard.core.job.Job;
import io.switchboard.gateway.pacing.ChannelBusy;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.ReplyChannel;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the result of a job started from a mention or a direct message: its one message
 * ({@link SlackJobMessages}) becomes the result, with a Rerun button. Output that is long
 * ({@link ReplyMessage.Excerpt#isLong}) is never a wall of text: the message keeps its first lines
 * and the whole output is attached in the thread as a file ({@link SlackJobFiles}); if that upload
 * fails, the message says where the whole output can still be read, and the result is delivered
 * all the same. A full outbound queue ({@link ChannelBusy}) is not a failed upload: the result waits.
 */
public final class SlackJobResults implements ReplyChannel {

  private static final Logger LOG = LoggerFactory.getLogger(SlackJobResults.class);

  private final SlackJobMessages messages;
  private final SlackJobFiles files;

  public SlackJobResults(SlackJobMessages messages, SlackJobFiles files) {
    this.messages = messages;
    this.files = files;
  }

  @Override
  public Future<Void> deliver(Job job) {
    ReplyMessage result = ReplyMessage.result(job).withButtons(JobButtons.forJob(job.id(), job.status()));
    Future<ReplyMessage> shown = result.output().filter(ReplyMessage.Excerpt::isLong)
        .map(output -> withAttachment(job, result, output))
        .orElseGet(() -> Future.succeededFuture(result));
    return shown.compose(message -> messages.show(job.tenantId(), job.id(), job.replyTo(),
        BlockKitResult.of(message)));
  }

  private Future<ReplyMessage> withAttachment(Job job, ReplyMessage result, ReplyMessage.Excerpt output) {
    return files.attach(job, output.text())
        .map(fileId -> result.withOutputAttached(output, "in this thread"))
        .recover(failure -> {
          if (failure instanceof ChannelBusy) {
            return Future.failedFuture(failure);
          }
          LOG.warn("Attaching the output of job {} to Slack failed: {}", job.id(), failure.toString());
          return Future.succeededFuture(result.withOutputNotAttached(output));
        });
  }
}

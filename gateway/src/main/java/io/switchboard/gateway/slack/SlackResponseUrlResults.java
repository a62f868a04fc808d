package io.switchboard.gateway.slack;

import io.switchboard.core.job.Job;
import io.switchboard.gateway.pacing.ChannelKey;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.ReplyChannel;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.time.Duration;

/**
 * Delivers results of slash commands ({@code reply_to.kind} {@value #KIND}) to the command's
 * {@code response_url}: the {@link BlockKitResult} with the job's buttons, paced per channel, and
 * many at once as one {@link BlockKitDigest} posted to the first one's {@code response_url}
 * ({@link ChannelPacer}). A post Slack does not answer with a 2xx fails, for the replier to retry.
 */
public final class SlackResponseUrlResults implements ReplyChannel {

  /** The {@code reply_to.kind} of a slash command's job. */
  public static final String KIND = "slack_response_url";
  private static final Duration POST_TIMEOUT = Duration.ofSeconds(10);

  private final WebClient client;
  private final ChannelPacer pacer;

  public SlackResponseUrlResults(WebClient client, ChannelPacer pacer) {
    this.client = client;
    this.pacer = pacer;
  }

  @Override
  public Future<Void> deliver(Job job) {
    String url = job.replyTo().getString("url");
    ChannelKey channel = new ChannelKey(job.platform(), job.tenantId(), "", job.channel());
    return pacer.submitResult(channel, new ChannelPacer.Digestible(BlockKitDigest.line(ReplyMessage.result(job)),
        lines -> post(url, BlockKitDigest.of(lines))), () -> post(url,
        BlockKitResult.of(ReplyMessage.result(job).withButtons(JobButtons.forJob(job.id(), job.status())))));
  }

  private Future<Void> post(String url, JsonObject message) {
    return client.postAbs(url)
        .timeout(POST_TIMEOUT.toMillis())
        .sendJsonObject(message)
        .compose(response -> isSuccess(response)
            ? Future.<Void>succeededFuture()
            : Future.failedFuture("HTTP " + response.statusCode()));
  }

  private static boolean isSuccess(HttpResponse<Buffer> response) {
    return response.statusCode() >= 200 && response.statusCode() < 300;
  }
}

package io.switchboard.gateway.slack;

import io.switchboard.core.job.Job;
import io.switchboard.gateway.pacing.ChannelKey;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.pacing.Outbound;
import io.switchboard.gateway.reply.ReplyMessage;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;

/**
 * Attaches a job's whole output as a text file in the thread of the job's Slack message (jobs whose
 * {@code reply_to} is {@value SlackJobMessages#REPLY_KIND}), once: the file's id is kept in
 * {@code slack_job_files}, so a retried result finds it and uploads nothing. The upload waits for
 * its channel's turn in the {@link ChannelPacer} like any other post. The output is the job's
 * stored output, which the executor has already redacted.
 */
public final class SlackJobFiles {

  private static final String FIND = "SELECT file_id FROM slack_job_files WHERE tenant_id = $1 AND job_id = $2";

  private static final String REMEMBER = """
      INSERT INTO slack_job_files (tenant_id, job_id, file_id) VALUES ($1, $2, $3)
      ON CONFLICT (tenant_id, job_id) DO NOTHING""";

  private final Pool pool;
  private final SlackWebApi slack;
  private final SlackBotTokens tokens;
  private final ChannelPacer pacer;

  public SlackJobFiles(Pool pool, SlackWebApi slack, SlackBotTokens tokens, ChannelPacer pacer) {
    this.pool = pool;
    this.slack = slack;
    this.tokens = tokens;
    this.pacer = pacer;
  }

  /**
   * Uploads {@code text} (the job's output or error) into the job's thread unless it is there
   * already; answers the file id.
   */
  public Future<String> attach(Job job, String text) {
    return pool.preparedQuery(FIND).execute(Tuple.of(job.tenantId(), job.id())).compose(rows -> {
      if (rows.size() > 0) {
        return Future.succeededFuture(rows.iterator().next().getString("file_id"));
      }
      JsonObject replyTo = job.replyTo();
      String channel = replyTo.getString("channel");
      return tokens.require(job.tenantId(), replyTo.getString("workspace"))
          .compose(token -> pacer.submit(
              new ChannelKey(SignedSlackEndpoint.PLATFORM, job.tenantId(), replyTo.getString("workspace"), channel),
              Outbound.POST, null, () -> slack.uploadFile(token, channel, replyTo.getString("thread_ts"),
                  ReplyMessage.outputFilename(job.id()), "Output of job " + job.id() + ": " + job.commandText(),
                  text.getBytes(StandardCharsets.UTF_8))))
          .compose(fileId -> pool.preparedQuery(REMEMBER).execute(Tuple.of(job.tenantId(), job.id(), fileId))
              .map(fileId));
    });
  }
}

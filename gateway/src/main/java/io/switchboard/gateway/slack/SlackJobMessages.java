package io.switchboard.gateway.slack;

import io.switchboard.gateway.pacing.ChannelKey;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.pacing.Outbound;
import io.switchboard.gateway.progress.JobMessageProgress;
import io.switchboard.gateway.progress.JobMessageStore;
import io.switchboard.gateway.progress.JobMessageStore.ProgressTaken;
import io.switchboard.gateway.progress.JobMessageSteps;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * The one Slack message of a job started from a mention or a direct message: posted once with
 * {@code chat.postMessage} in the thread under the command ({@code reply_to} kind
 * {@value #REPLY_KIND}), remembered in the {@link JobMessageStore} (by tenant and job, address
 * {@code channel} and {@code ts}), and then edited with {@code chat.update} for progress and for the
 * result, never posted again. Work on one job's message runs one step at a time in the gateway's
 * {@link JobMessageSteps}; progress lines are taken and handed here by {@link JobMessageProgress}.
 * Every post and edit waits for its channel's turn in the {@link ChannelPacer}. Use from one event
 * loop (the gateway verticle's).
 */
public final class SlackJobMessages {

  /** The {@code reply_to.kind} of jobs whose answers go through the Web API. */
  public static final String REPLY_KIND = "slack_web_api";

  private final JobMessageStore store;
  private final JobMessageSteps steps;
  private final SlackWebApi slack;
  private final SlackBotTokens tokens;
  private final ChannelPacer pacer;

  public SlackJobMessages(JobMessageStore store, JobMessageSteps steps, SlackWebApi slack, SlackBotTokens tokens,
                          ChannelPacer pacer) {
    this.store = store;
    this.steps = steps;
    this.pacer = pacer;
    this.slack = slack;
    this.tokens = tokens;
  }

  /**
   * Shows {@code message} as the job's message: edits it if the job has one, otherwise posts it in
   * the thread named by {@code replyTo} and remembers it.
   */
  public Future<Void> show(String tenantId, long jobId, JsonObject replyTo, JsonObject message) {
    return steps.serially(tenantId, jobId, () -> token(tenantId, replyTo).compose(token -> store.find(tenantId, jobId)
        .compose(found -> found.isPresent()
            ? pacer.submit(channel(tenantId, replyTo, found.get().getString("channel")), Outbound.RESULT,
                found.get().getString("ts"),
                () -> slack.update(token, found.get().getString("channel"), found.get().getString("ts"), message))
            : pacer.submit(channel(tenantId, replyTo, replyTo.getString("channel")), Outbound.RESULT, null,
                    () -> slack.postMessage(token, replyTo.getString("channel"),
                        Optional.ofNullable(replyTo.getString("thread_ts")), message))
                .compose(ts -> store.remember(tenantId, jobId, SignedSlackEndpoint.PLATFORM,
                    new JsonObject().put("channel", replyTo.getString("channel")).put("ts", ts)).<Void>mapEmpty()))));
  }

  /** Edits a running job's message to show the progress line {@link JobMessageProgress} took for it. */
  public Future<Void> progress(String tenantId, long jobId, String line, ProgressTaken taken) {
    String channel = taken.address().getString("channel");
    String ts = taken.address().getString("ts");
    return token(tenantId, taken.replyTo()).compose(token -> pacer.submit(
        channel(tenantId, taken.replyTo(), channel), Outbound.PROGRESS, ts,
        () -> slack.update(token, channel, ts, BlockKitProgress.of(jobId, taken.commandText(), line))));
  }

  private static ChannelKey channel(String tenantId, JsonObject replyTo, String channel) {
    return new ChannelKey(SignedSlackEndpoint.PLATFORM, tenantId, replyTo.getString("workspace"), channel);
  }

  private Future<String> token(String tenantId, JsonObject replyTo) {
    return tokens.require(tenantId, replyTo.getString("workspace"));
  }
}

package io.switchboard.gateway.teams;

import io.switchboard.gateway.pacing.ChannelKey;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.pacing.Outbound;
import io.switchboard.gateway.progress.JobMessageProgress;
import io.switchboard.gateway.progress.JobMessageStore;
import io.switchboard.gateway.progress.JobMessageStore.ProgressTaken;
import io.switchboard.gateway.progress.JobMessageSteps;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The one Teams activity (an Adaptive Card) of a job started from Teams: posted once as a reply to
 * the command, remembered in the {@link JobMessageStore} (by tenant and job, address
 * {@code serviceUrl}, {@code conversationId} and {@code activityId}), and then replaced in place for
 * progress and for the result, never posted again. Work on one job's activity runs one step at a
 * time in the gateway's {@link JobMessageSteps}; progress lines are taken and handed here by
 * {@link JobMessageProgress}. Every reply and replacement waits for its conversation's turn in the
 * {@link ChannelPacer}. Use from one event loop (the gateway verticle's).
 */
public final class TeamsJobActivities {

  /** The platform's name, in installations, jobs and the {@link JobMessageStore}. */
  public static final String PLATFORM = "teams";

  private final JobMessageStore store;
  private final JobMessageSteps steps;
  private final TeamsConnector connector;
  private final ChannelPacer pacer;

  public TeamsJobActivities(JobMessageStore store, JobMessageSteps steps, TeamsConnector connector,
                            ChannelPacer pacer) {
    this.store = store;
    this.steps = steps;
    this.pacer = pacer;
    this.connector = connector;
  }

  /** Shows {@code activity} as the job's: replaces it if the job has one, else replies and remembers it. */
  public Future<Void> show(String tenantId, long jobId, TeamsReplyTo replyTo, JsonObject activity) {
    return steps.serially(tenantId, jobId, () -> store.find(tenantId, jobId).compose(found -> found.isPresent()
        ? replace(tenantId, found.get(), Outbound.RESULT, activity)
        : pacer.submit(channel(tenantId, replyTo.serviceUrl(), replyTo.conversationId()), Outbound.RESULT, null,
                () -> connector.reply(replyTo.serviceUrl(), replyTo.conversationId(), replyTo.replyToId(), activity))
            .compose(id -> store.remember(tenantId, jobId, PLATFORM, new JsonObject()
                .put("serviceUrl", replyTo.serviceUrl()).put("conversationId", replyTo.conversationId())
                .put("activityId", id)).<Void>mapEmpty())));
  }

  /** Replaces a running job's activity with the progress line {@link JobMessageProgress} took for it. */
  public Future<Void> progress(String tenantId, long jobId, String line, ProgressTaken taken) {
    return replace(tenantId, taken.address(), Outbound.PROGRESS, TeamsCards.reply(
        ReplyMessage.progress(jobId, taken.commandText(), line).withButtons(List.of(JobButtons.cancel(jobId)))));
  }

  /** Replaces the activity at {@code address} (as remembered) with {@code activity}, in the conversation's turn. */
  private Future<Void> replace(String tenantId, JsonObject address, Outbound kind, JsonObject activity) {
    String serviceUrl = address.getString("serviceUrl");
    String conversationId = address.getString("conversationId");
    String activityId = address.getString("activityId");
    return pacer.submit(channel(tenantId, serviceUrl, conversationId), kind, activityId,
        () -> connector.update(serviceUrl, conversationId, activityId, activity));
  }

  private static ChannelKey channel(String tenantId, String serviceUrl, String conversationId) {
    return new ChannelKey(PLATFORM, tenantId, serviceUrl, conversationId);
  }
}

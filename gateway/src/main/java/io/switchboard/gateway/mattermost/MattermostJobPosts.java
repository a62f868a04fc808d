package io.switchboard.gateway.mattermost;

import io.switchboard.core.job.Job;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.pacing.ChannelKey;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.pacing.Outbound;
import io.switchboard.gateway.progress.JobMessageSteps;
import io.switchboard.gateway.progress.JobMessageStore;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

/**
 * The one Mattermost post of a job started from a slash command or an approval: posted by the team's
 * bot ({@code POST /api/v4/posts}) with the acknowledgement and a Cancel button, remembered in the
 * shared {@link JobMessageStore} as {@code {channelId, postId}}, then edited in place
 * ({@code PUT /api/v4/posts/{id}/patch}) with each progress line and the result, which gets a Rerun
 * button. A job whose post was never made (or was deleted) gets its result as a new post, remembered
 * in turn, so a result delivered again edits instead of posting twice. Work on one job's post runs one
 * step at a time; progress lines that arrive while a step runs collapse into the latest, and of several
 * gateways only the one that records a line as shown edits. Every call waits for its channel's turn in
 * the {@link ChannelPacer}. Use from one event loop (the gateway verticle's).
 */
public final class MattermostJobPosts {

  private final MattermostApi api;
  private final MattermostSecrets secrets;
  private final JobMessageStore store;
  private final ChannelPacer pacer;
  private final Optional<String> actionsUrl;
  private final JobMessageSteps steps;

  /** @param actionsUrl where the posts' buttons send their clicks; empty for posts without buttons */
  public MattermostJobPosts(MattermostApi api, MattermostSecrets secrets, JobMessageStore store, JobMessageSteps steps,
                            ChannelPacer pacer, Optional<String> actionsUrl) {
    this.api = api;
    this.secrets = secrets;
    this.store = store;
    this.steps = steps;
    this.pacer = pacer;
    this.actionsUrl = actionsUrl;
  }

  /** Posts a queued job's acknowledgement (with a Cancel button) as the job's post, and remembers it. */
  public Future<Void> acknowledge(String tenantId, long jobId, MattermostReplyTo to, ChatMessage acknowledgement) {
    ChatMessage withCancel = acknowledgement.withButtons(List.of(JobButtons.cancel(jobId)));
    return steps.serially(tenantId, jobId, () -> store.find(tenantId, jobId).compose(found -> found.isPresent()
        ? Future.succeededFuture()
        : credentials(tenantId, to).compose(team -> pacer.submit(channel(tenantId, to), Outbound.POST, null,
                () -> api.createPost(team, to.channelId(), MattermostPosts.of(withCancel, buttons(to, team))))
            .compose(postId -> postId == null ? Future.succeededFuture()
                : store.remember(tenantId, jobId, MattermostSettings.PLATFORM,
                    MattermostReplyTo.address(to.channelId(), postId)).mapEmpty()))));
  }

  /** Shows a finished job's result in its post (edited), or in a new post when it has none. */
  public Future<Void> result(Job job) {
    Optional<MattermostReplyTo> to = MattermostReplyTo.fromJson(job.replyTo());
    if (to.isEmpty()) {
      return Future.failedFuture("job " + job.id() + " has a malformed Mattermost reply_to");
    }
    ReplyMessage result = ReplyMessage.result(job).withButtons(JobButtons.forJob(job.id(), job.status()));
    return steps.serially(job.tenantId(), job.id(), () -> credentials(job.tenantId(), to.get())
        .compose(team -> store.find(job.tenantId(), job.id()).compose(address -> {
          JsonObject post = MattermostPosts.of(result, buttons(to.get(), team));
          Optional<String> postId = address.flatMap(MattermostJobPosts::postId);
          if (postId.isPresent()) {
            return pacer.<Void>submit(channel(job.tenantId(), to.get()), Outbound.RESULT, postId.get(),
                () -> api.patchPost(team, postId.get(), post));
          }
          return pacer.submit(channel(job.tenantId(), to.get()), Outbound.RESULT, null,
                  () -> api.createPost(team, to.get().channelId(), post))
              .compose(created -> created == null ? Future.succeededFuture()
                  : store.remember(job.tenantId(), job.id(), MattermostSettings.PLATFORM,
                      MattermostReplyTo.address(to.get().channelId(), created)).mapEmpty());
        })));
  }

  /**
   * Shows a progress line taken for the job ({@link JobMessageStore#takeProgress}) in its post, with
   * Cancel; nothing for a message on another platform or a malformed address.
   */
  public Future<Void> edit(String tenantId, long jobId, String line, JobMessageStore.ProgressTaken taken) {
    Optional<MattermostReplyTo> to = Optional.of(taken).filter(t -> MattermostSettings.PLATFORM.equals(t.platform()))
        .flatMap(t -> MattermostReplyTo.fromJson(t.replyTo()));
    Optional<String> postId = postId(taken.address());
    if (to.isEmpty() || postId.isEmpty()) {
      return Future.succeededFuture();
    }
    ReplyMessage progress = ReplyMessage.progress(jobId, taken.commandText(), line)
        .withButtons(List.of(JobButtons.cancel(jobId)));
    return credentials(tenantId, to.get()).compose(team -> pacer.<Void>submit(channel(tenantId, to.get()),
        Outbound.PROGRESS, postId.get(),
        () -> api.patchPost(team, postId.get(), MattermostPosts.of(progress, buttons(to.get(), team)))));
  }

  /** Posts {@code message} (an expiry notice, an answer) as a new post of the bot in the reply-to's channel. */
  public Future<Void> post(String tenantId, MattermostReplyTo to, ChatMessage message) {
    return credentials(tenantId, to).compose(team -> pacer.submit(channel(tenantId, to), Outbound.POST, null,
        () -> api.createPost(team, to.channelId(), MattermostPosts.of(message, buttons(to, team)))))
        .mapEmpty();
  }

  private MattermostButtons buttons(MattermostReplyTo to, MattermostCredentials team) {
    return new MattermostButtons(actionsUrl, to.teamId(), team.actionKey());
  }

  private Future<MattermostCredentials> credentials(String tenantId, MattermostReplyTo to) {
    return secrets.find(tenantId, to.teamId()).compose(found -> found.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture("the tenant keeps no credentials for Mattermost team " + to.teamId())));
  }

  private static Optional<String> postId(JsonObject address) {
    return address.getValue("postId") instanceof String id && MattermostReplyTo.ID.matcher(id).matches()
        ? Optional.of(id) : Optional.empty();
  }

  private static ChannelKey channel(String tenantId, MattermostReplyTo to) {
    return new ChannelKey(MattermostSettings.PLATFORM, tenantId, to.teamId(), to.channelId());
  }
}

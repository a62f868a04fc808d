package io.switchboard.gateway.teams;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.command.ChatCommand;
import io.switchboard.gateway.command.CommandPipeline;
import io.vertx.core.Future;
import org.apache.commons.codec.digest.DigestUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message to the bot in Teams, from an installed Teams tenant: a job card's Cancel or Rerun button
 * ({@link TeamsJobClicks}), an approval card's button ({@link TeamsApprovalVotes}), or a command whose
 * text (without the bot's mention) runs through the shared command pipeline as user
 * {@code from.aadObjectId} in channel {@code conversation.id}. The
 * job's idempotency key comes from the activity id, so a redelivered activity queues nothing new.
 * Answers are delivered after the HTTP acknowledgement ({@link TeamsAnswers}).
 */
public final class TeamsCommands {

  static final String INVOKED_AS = "@Switchboard";
  private static final Logger LOG = LoggerFactory.getLogger(TeamsCommands.class);

  private final CommandPipeline pipeline;
  private final TeamsAnswers answers;
  private final TeamsApprovalVotes votes;
  private final TeamsJobClicks jobClicks;

  TeamsCommands(CommandPipeline pipeline, TeamsAnswers answers, TeamsApprovalVotes votes, TeamsJobClicks jobClicks) {
    this.pipeline = pipeline;
    this.answers = answers;
    this.votes = votes;
    this.jobClicks = jobClicks;
  }

  /** Acts on the message; completes once everything durable is written (the answer follows). */
  public Future<Void> handle(String tenantId, String teamsTenantId, TeamsActivity activity) {
    String user = activity.fromAadObjectId().orElseThrow(() ->
        new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "a message needs from.aadObjectId"));
    String activityId = require(activity.id(), "id");
    if (activity.value().isPresent() && TeamsJobClicks.isClick(activity.value().get())) {
      TeamsReplyTo card = new TeamsReplyTo(teamsTenantId, activity.serviceUrl(), activity.conversationId(),
          require(activity.replyToId().orElse(null), "replyToId"));
      return jobClicks.click(tenantId, teamsTenantId, user, activity, card,
          TeamsJobClicks.parse(activity.value().get()));
    }
    if (activity.value().isPresent() && TeamsApprovalVotes.isClick(activity.value().get())) {
      TeamsApprovalVotes.Click click = TeamsApprovalVotes.parse(activity.value().get());
      TeamsReplyTo card = new TeamsReplyTo(teamsTenantId, activity.serviceUrl(), activity.conversationId(),
          require(activity.replyToId().orElse(null), "replyToId"));
      return votes.vote(tenantId, teamsTenantId, user, card, click)
          .onSuccess(update -> update.onFailure(e -> LOG.warn("Updating approval card {} in Teams failed: {}",
              click.approvalId(), e.toString())))
          .mapEmpty();
    }
    String text = TeamsMention.strip(activity.text(), activity.entities(), activity.recipientId());
    TeamsReplyTo replyTo = new TeamsReplyTo(teamsTenantId, activity.serviceUrl(), activity.conversationId(),
        activityId);
    String deliveryKey = DigestUtils.sha256Hex(teamsTenantId + "\nactivity\n" + activity.conversationId() + "\n"
        + activityId);
    return pipeline.run(new ChatCommand(tenantId, teamsTenantId, user, activity.conversationId(), INVOKED_AS, text,
            deliveryKey, replyTo.toJson()))
        .onSuccess(answer -> answers.deliver(tenantId, user, text, replyTo, answer)
            .onFailure(e -> LOG.warn("Answering activity {} in Teams failed: {}", activityId, e.toString())))
        .mapEmpty();
  }

  private static String require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "a message needs " + field);
    }
    return value;
  }
}

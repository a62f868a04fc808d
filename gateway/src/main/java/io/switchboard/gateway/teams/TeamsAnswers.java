package io.switchboard.gateway.teams;

import io.switchboard.gateway.slack.CommandAnswer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Delivers the pipeline's answer to a command typed in Teams, through the connector, after the
 * activity was acknowledged: a queued job's acknowledgement becomes the job's one card
 * ({@link TeamsJobActivities}), a held command's answer an approval card with buttons, and anything
 * else (refusals, built-ins) a text reply in the thread (Teams has no ephemeral messages in channels).
 */
public final class TeamsAnswers {

  private final TeamsConnector connector;
  private final TeamsJobActivities jobActivities;

  public TeamsAnswers(TeamsConnector connector, TeamsJobActivities jobActivities) {
    this.connector = connector;
    this.jobActivities = jobActivities;
  }

  public Future<Void> deliver(String tenantId, String commandText, TeamsReplyTo replyTo, CommandAnswer answer) {
    String text = TeamsText.fromSlack(answer.message().getString("text", ""));
    if (answer.queuedJob().isPresent()) {
      long jobId = answer.queuedJob().get();
      return jobActivities.show(tenantId, jobId, replyTo, TeamsCards.queued(jobId, commandText, text));
    }
    JsonObject activity = answer.heldForApproval().map(approval -> TeamsCards.approvalPending(approval, List.of()))
        .orElseGet(() -> TeamsCards.text(text));
    return reply(replyTo, activity);
  }

  /** Posts {@code activity} in the thread {@code replyTo} names. */
  public Future<Void> reply(TeamsReplyTo replyTo, JsonObject activity) {
    return connector.reply(replyTo.serviceUrl(), replyTo.conversationId(), replyTo.replyToId(), activity).mapEmpty();
  }
}

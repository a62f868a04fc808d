package io.switchboard.gateway.teams;

import io.switchboard.gateway.reply.AnswerOutbox;
import io.switchboard.gateway.command.CommandAnswer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.stream.Collectors;

/**
 * Delivers the pipeline's answer to a command typed in Teams, through the connector, after the
 * activity was acknowledged: a queued job's acknowledgement becomes the job's one card
 * ({@link TeamsJobActivities}), a held command's answer an approval card with buttons, and anything
 * else (refusals, built-ins) a text reply in the thread (Teams has no ephemeral messages in channels).
 * Answers other than a job's card are owed in the {@link AnswerOutbox}, so one Teams did not take is
 * sent again.
 */
public final class TeamsAnswers {

  private final TeamsConnector connector;
  private final TeamsJobActivities jobActivities;
  private final AnswerOutbox outbox;

  /** Registers itself with {@code outbox} as the sender of answers in Teams. */
  public TeamsAnswers(TeamsConnector connector, TeamsJobActivities jobActivities, AnswerOutbox outbox) {
    this.connector = connector;
    this.jobActivities = jobActivities;
    this.outbox = outbox.register(TeamsReplyTo.KIND, this::send);
  }

  public Future<Void> deliver(String tenantId, String userId, String commandText, TeamsReplyTo replyTo,
                              CommandAnswer answer) {
    if (answer.queuedJob().isPresent()) {
      long jobId = answer.queuedJob().get();
      String text = answer.message().texts().stream().map(TeamsText::card).collect(Collectors.joining("\n"));
      return jobActivities.show(tenantId, jobId, replyTo, TeamsCards.queued(jobId, commandText, text));
    }
    return reply(tenantId, userId, replyTo, TeamsCards.of(answer.message()));
  }

  /** Posts {@code activity} in the thread {@code replyTo} names, owed until Teams takes it. */
  public Future<Void> reply(String tenantId, String userId, TeamsReplyTo replyTo, JsonObject activity) {
    return outbox.send(tenantId, TeamsJobActivities.PLATFORM, replyTo.toJson(), userId, false, activity);
  }

  private Future<Void> send(AnswerOutbox.OwedAnswer answer) {
    TeamsReplyTo replyTo = TeamsReplyTo.fromJson(answer.replyTo());
    return connector.reply(replyTo.serviceUrl(), replyTo.conversationId(), replyTo.replyToId(), answer.body())
        .mapEmpty();
  }
}

package io.switchboard.gateway.teams;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.job.Job;
import io.switchboard.gateway.command.CancelMessages;
import io.switchboard.gateway.command.ChatCommand;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.jobs.JobCancellations;
import io.switchboard.jobs.JobStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.apache.commons.codec.digest.DigestUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.Set;

/**
 * A click on a job card's Cancel or Rerun button in Teams ({@link JobButtons}; the card's data names
 * the button and the job, {@link TeamsCards}), for the installed Teams tenant's Switchboard tenant and
 * as the signed sender: Cancel stops only the sender's own job and says how it went in the card's
 * thread; Rerun runs the job's command again through the command pipeline as the sender, audited as a
 * rerun, and answered like a typed command ({@link TeamsAnswers}). A job of another tenant or
 * platform does not exist.
 */
final class TeamsJobClicks {

  private static final Logger LOG = LoggerFactory.getLogger(TeamsJobClicks.class);

  /** A job button's data: which button, and the job. */
  record Click(String action, long jobId) {
  }

  private final Pool pool;
  private final JobCancellations cancellations;
  private final CommandPipeline pipeline;
  private final TeamsAnswers answers;
  private final TeamsConnector connector;

  TeamsJobClicks(Pool pool, JobCancellations cancellations, CommandPipeline pipeline, TeamsAnswers answers,
                 TeamsConnector connector) {
    this.pool = pool;
    this.cancellations = cancellations;
    this.pipeline = pipeline;
    this.answers = answers;
    this.connector = connector;
  }

  /** Whether the submitted data is a job card's button. */
  static boolean isClick(JsonObject value) {
    return JobButtons.CANCEL.equals(value.getValue(TeamsCards.ACTION_FIELD))
        || JobButtons.RERUN.equals(value.getValue(TeamsCards.ACTION_FIELD));
  }

  /** Reads the click; a malformed-request error if the job id is not one. */
  static Click parse(JsonObject value) {
    if (!(value.getValue(TeamsCards.VALUE_FIELD) instanceof String digits) || !digits.matches("[0-9]{1,18}")
        || Long.parseLong(digits) <= 0) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "value.value is not a job id");
    }
    return new Click(value.getString(TeamsCards.ACTION_FIELD), Long.parseLong(digits));
  }

  /**
   * Acts on the click; completes once everything durable is written (the answer follows).
   *
   * @param card the clicked card's thread
   */
  Future<Void> click(String tenantId, String teamsTenantId, String user, TeamsActivity activity, TeamsReplyTo card,
                     Click click) {
    if (JobButtons.CANCEL.equals(click.action())) {
      return cancellations.cancel(tenantId, click.jobId(), user, true)
          .map(outcome -> tell(card, CancelMessages.of(outcome, click.jobId())));
    }
    return JobStore.find(pool, tenantId, click.jobId()).compose(found -> {
      Optional<Job> job = found.filter(j -> TeamsJobActivities.PLATFORM.equals(j.platform()));
      if (job.isEmpty()) {
        return Future.succeededFuture(tell(card, CancelMessages.noSuchJob(click.jobId())));
      }
      String deliveryKey = DigestUtils.sha256Hex(teamsTenantId + "\nactivity\n" + activity.conversationId() + "\n"
          + activity.id());
      ChatCommand command = ChatCommand.rerun(job.get(), teamsTenantId, user, activity.conversationId(), deliveryKey,
          card.toJson(), Set.of());
      return pipeline.run(command)
          .onSuccess(answer -> answers.deliver(tenantId, user, command.text(), card, answer)
              .onFailure(e -> LOG.warn("Answering a rerun click in Teams failed: {}", e.toString())))
          .mapEmpty();
    });
  }

  private Void tell(TeamsReplyTo card, ChatMessage message) {
    connector.reply(card.serviceUrl(), card.conversationId(), card.replyToId(), TeamsCards.of(message))
        .onFailure(e -> LOG.warn("Answering a job button in Teams failed: {}", e.toString()));
    return null;
  }
}

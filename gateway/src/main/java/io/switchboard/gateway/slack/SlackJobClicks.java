package io.switchboard.gateway.slack;

import io.switchboard.core.job.Job;
import io.switchboard.gateway.command.CancelMessages;
import io.switchboard.gateway.command.ChatCommand;
import io.switchboard.gateway.command.CommandAnswer;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.jobs.JobCancellations;
import io.switchboard.jobs.JobStore;
import io.switchboard.tenancy.SlackInstallation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.apache.commons.codec.digest.DigestUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.Set;

/**
 * Clicks on the Cancel and Rerun buttons of a job's message ({@link JobButtons}), always within the
 * tenant of the installation the click came through:
 * <ul>
 *   <li>Cancel follows the rules of the typed {@code cancel <id>} ({@link JobCancellations}: users
 *       cancel only their own jobs, audited with who clicked); the clicker is told the outcome
 *       ephemerally and the job's message shows the cancelled result when it has ended.</li>
 *   <li>Rerun runs the job's command again as the clicking user through the whole
 *       {@link CommandPipeline} (parse, policy for the clicker, approvals, rate limits, queue),
 *       with an idempotency key derived from the click, so Slack's retries of one click queue one
 *       job. The new job answers where the old one did: its own message in the same thread, or the
 *       click's {@code response_url} for slash commands.</li>
 * </ul>
 * The future completes once the click's effect is durable; answers are posted after that.
 */
public final class SlackJobClicks {

  private static final Logger LOG = LoggerFactory.getLogger(SlackJobClicks.class);

  private final Pool pool;
  private final JobCancellations cancellations;
  private final CommandPipeline pipeline;
  private final SlackEventAnswers threadAnswers;
  private final SlackMessagePoster poster;

  public SlackJobClicks(Pool pool, JobCancellations cancellations, CommandPipeline pipeline,
                        SlackEventAnswers threadAnswers, SlackMessagePoster poster) {
    this.pool = pool;
    this.cancellations = cancellations;
    this.pipeline = pipeline;
    this.threadAnswers = threadAnswers;
    this.poster = poster;
  }

  Future<Void> click(SlackInstallation installation, SlackClick click) {
    return JobButtons.CANCEL.equals(click.actionId()) ? cancel(installation, click) : rerun(installation, click);
  }

  private Future<Void> cancel(SlackInstallation installation, SlackClick click) {
    return cancellations.cancel(installation.tenantId(), click.targetId(), click.userId(), true)
        .map(outcome -> {
          tell(click, SlackMessages.of(CancelMessages.of(outcome, click.targetId())));
          return null;
        });
  }

  private Future<Void> rerun(SlackInstallation installation, SlackClick click) {
    return JobStore.find(pool, installation.tenantId(), click.targetId()).compose(found -> {
      Optional<Job> job = found.filter(j -> SignedSlackEndpoint.PLATFORM.equals(j.platform()));
      if (job.isEmpty()) {
        tell(click, SlackMessages.of(CancelMessages.noSuchJob(click.targetId())));
        return Future.succeededFuture();
      }
      JsonObject replyTo = replyTo(installation, job.get(), click);
      ChatCommand command = ChatCommand.rerun(job.get(), installation.teamId(), click.userId(), click.channelId(),
          deliveryKey(installation, click), replyTo, Set.of());
      return pipeline.run(command).map(answer -> {
        deliver(installation, click, replyTo, answer);
        return null;
      });
    });
  }

  /** In the old job's thread for a job with its own message; otherwise to the click's response_url. */
  private static JsonObject replyTo(SlackInstallation installation, Job job, SlackClick click) {
    JsonObject original = job.replyTo();
    if (SlackJobMessages.REPLY_KIND.equals(original.getString("kind"))) {
      return new JsonObject().put("kind", SlackJobMessages.REPLY_KIND).put("workspace", installation.teamId())
          .put("channel", original.getString("channel")).put("thread_ts", original.getString("thread_ts"))
          .put("im", original.getBoolean("im", false));
    }
    return new JsonObject().put("kind", SlackResponseUrlResults.KIND).put("url", click.responseUrl());
  }

  private void deliver(SlackInstallation installation, SlackClick click, JsonObject replyTo, CommandAnswer answer) {
    if (SlackJobMessages.REPLY_KIND.equals(replyTo.getString("kind"))) {
      threadAnswers.deliver(installation.tenantId(), click.userId(), replyTo, answer)
          .onFailure(e -> LOG.warn("Answering a rerun click in Slack failed: {}", e.toString()));
      return;
    }
    tell(click, SlackMessages.answer(answer));
  }

  private void tell(SlackClick click, JsonObject message) {
    poster.post(click.responseUrl(), message.copy().put("replace_original", false));
  }

  /** The same for every delivery of one click (Slack's retries), different for every click. */
  private static String deliveryKey(SlackInstallation installation, SlackClick click) {
    return DigestUtils.sha256Hex(installation.teamId() + "\nrerun\n" + click.targetId() + "\n" + click.userId()
        + "\n" + click.deliveryId());
  }
}

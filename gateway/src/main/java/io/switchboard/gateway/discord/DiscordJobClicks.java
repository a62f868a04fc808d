package io.switchboard.gateway.discord;

import io.switchboard.core.job.Job;
import io.switchboard.gateway.command.CancelMessages;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.jobs.JobCancellations;
import io.switchboard.jobs.JobStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.util.Optional;

/**
 * A click on a job message's Cancel or Rerun button in Discord ({@link JobButtons}, custom id
 * {@code job.cancel:<id>} or {@code job.rerun:<id>}), for the tenant of the guild's installation and
 * as the clicking user: Cancel stops only the user's own job and tells only them how it went; Rerun
 * runs the job's command again through the command pipeline (its policy, limits and approvals, as the
 * clicking user), answered like a typed command ({@link DiscordCommands#rerun}). A job of another
 * tenant or platform does not exist.
 */
public final class DiscordJobClicks {

  private final Pool pool;
  private final JobCancellations cancellations;
  private final DiscordCommands commands;

  public DiscordJobClicks(Pool pool, JobCancellations cancellations, DiscordCommands commands) {
    this.pool = pool;
    this.cancellations = cancellations;
    this.commands = commands;
  }

  public Future<InteractionAnswer> click(VerifiedInteraction interaction, ButtonClick click) {
    if (interaction.installation().isEmpty()) {
      return Future.succeededFuture(InteractionAnswer.ephemeral("Switchboard is not installed in this server."));
    }
    String tenantId = interaction.installation().get().tenantId();
    if (JobButtons.CANCEL.equals(click.action())) {
      return cancellations.cancel(tenantId, click.targetId(), click.userId(), true)
          .map(outcome -> told(CancelMessages.of(outcome, click.targetId())));
    }
    return JobStore.find(pool, tenantId, click.targetId()).compose(found -> {
      Optional<Job> job = found.filter(j -> DiscordCommands.PLATFORM.equals(j.platform()));
      return job.isEmpty()
          ? Future.succeededFuture(told(CancelMessages.noSuchJob(click.targetId())))
          : commands.rerun(interaction, click, job.get());
    });
  }

  private static InteractionAnswer told(ChatMessage message) {
    return InteractionAnswer.ephemeral(DiscordText.content(message));
  }
}

package io.switchboard.gateway.discord;

import io.switchboard.core.job.Job;
import io.switchboard.gateway.WorkspaceClaimVerification;
import io.switchboard.gateway.command.ChatCommand;
import io.switchboard.gateway.command.CommandAnswer;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.tenancy.WorkspaceClaims;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Runs a Discord application command ({@link ApplicationCommand}) through the shared command
 * pipeline for the tenant of the guild's installation, then answers with a deferred response:
 * public when a job was queued or an approval card is shown, ephemeral (flag 64) for refusals and
 * built-in answers. Once Discord has the deferral, the answer is edited into the original response;
 * a queued job's message is then edited with progress and the result ({@link DiscordJobMessages}).
 * The interaction token goes into the job's {@code reply_to} ({@link InteractionWebhook}), so the
 * result stays owed in the jobs table like every other reply. A queued job's message has a Cancel
 * button until it ends, then a Rerun button ({@link DiscordJobClicks}).
 * <p>
 * {@code verify <claim code>} is answered before any installation is needed: a member who manages
 * the server ({@link MemberPermissions}) binds it to the tenant that made the code
 * ({@link WorkspaceClaimVerification}).
 */
public final class DiscordCommands {

  /** The platform name of Discord commands (policy subjects {@code discord:user:<id>}, metrics, jobs). */
  public static final String PLATFORM = "discord";

  private final CommandPipeline pipeline;
  private final DiscordAnswers answers;
  private final DiscordJobMessages messages;
  private final WorkspaceClaimVerification claims;
  private final Clock clock;

  public DiscordCommands(CommandPipeline pipeline, DiscordAnswers answers, DiscordJobMessages messages,
                         WorkspaceClaimVerification claims, Clock clock) {
    this.pipeline = pipeline;
    this.answers = answers;
    this.messages = messages;
    this.claims = claims;
    this.clock = clock;
  }

  public Future<InteractionAnswer> run(VerifiedInteraction interaction) {
    ApplicationCommand command = ApplicationCommand.parse(interaction.payload());
    if (command.guildId().isEmpty()) {
      return Future.succeededFuture(InteractionAnswer.ephemeral(
          "Switchboard runs commands in the servers that installed it, not in direct messages."));
    }
    Optional<String> claimCode = WorkspaceClaims.codeIn(command.text());
    if (claimCode.isPresent()) {
      return verifyClaim(interaction, command, claimCode.get());
    }
    if (interaction.installation().isEmpty()) {
      return Future.succeededFuture(InteractionAnswer.ephemeral(
          "Switchboard is not installed in this server; an admin of your organisation can add it."));
    }
    DiscordInstallation installation = interaction.installation().get();
    InteractionWebhook webhook = InteractionWebhook.of(command.applicationId(), command.token(),
        installation.guildId(), command.channelId(), clock.instant());
    ChatCommand chat = new ChatCommand(installation.tenantId(), installation.guildId(), command.userId(),
        command.channelId(), "/" + command.name(), command.text(), command.interactionId(), webhook.toReplyTo(),
        command.roles());
    return pipeline.run(chat).map(answer -> answer(installation.tenantId(), command.userId(), webhook, answer));
  }

  /**
   * Runs {@code job}'s command again for the user who clicked its Rerun button ({@link DiscordJobClicks}):
   * the same pipeline as a typed command, audited as a rerun of the job, answered in a new message
   * that the click's token edits.
   */
  Future<InteractionAnswer> rerun(VerifiedInteraction interaction, ButtonClick click, Job job) {
    DiscordInstallation installation = interaction.installation().orElseThrow();
    InteractionWebhook webhook = InteractionWebhook.of(click.applicationId(), click.token(), installation.guildId(),
        click.channelId(), clock.instant());
    ChatCommand chat = ChatCommand.rerun(job, installation.guildId(), click.userId(), click.channelId(),
        click.interactionId(), webhook.toReplyTo(), click.roles());
    return pipeline.run(chat).map(answer -> answer(installation.tenantId(), click.userId(), webhook, answer));
  }

  private Future<InteractionAnswer> verifyClaim(VerifiedInteraction interaction, ApplicationCommand command,
                                                String code) {
    if (!MemberPermissions.managesGuild(interaction.payload())) {
      return Future.succeededFuture(InteractionAnswer.ephemeral("Only a member with the Manage Server (or "
          + "Administrator) permission can bind this server to a Switchboard tenant."));
    }
    return claims.verify(PLATFORM, command.guildId().orElseThrow(), PLATFORM + ":user:" + command.userId(), code)
        .map(outcome -> InteractionAnswer.ephemeral(outcome.message()));
  }

  private InteractionAnswer answer(String tenantId, String userId, InteractionWebhook webhook, CommandAnswer answer) {
    if (answer.queuedJob().isPresent()) {
      long jobId = answer.queuedJob().get();
      JsonObject withCancel = DiscordText.of(answer.message().withButtons(List.of(JobButtons.cancel(jobId))));
      return InteractionAnswer.deferred(false, () -> messages.acknowledge(tenantId, jobId, webhook, withCancel));
    }
    JsonObject message = DiscordText.of(answer.message());
    return InteractionAnswer.deferred(answer.ephemeral(),
        () -> answers.edit(tenantId, userId, webhook, answer.ephemeral(), message));
  }
}

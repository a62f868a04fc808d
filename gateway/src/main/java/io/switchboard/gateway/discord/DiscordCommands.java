package io.switchboard.gateway.discord;

import io.switchboard.gateway.WorkspaceClaimVerification;
import io.switchboard.gateway.command.ChatCommand;
import io.switchboard.gateway.command.CommandAnswer;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.tenancy.WorkspaceClaims;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.Optional;

/**
 * Runs a Discord application command ({@link ApplicationCommand}) through the shared command
 * pipeline for the tenant of the guild's installation, then answers with a deferred response:
 * public when a job was queued or an approval card is shown, ephemeral (flag 64) for refusals and
 * built-in answers. Once Discord has the deferral, the answer is edited into the original response;
 * a queued job's message is then edited with progress and the result ({@link DiscordJobMessages}).
 * The interaction token goes into the job's {@code reply_to} ({@link InteractionWebhook}), so the
 * result stays owed in the jobs table like every other reply.
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
    JsonObject message = DiscordText.of(answer.message());
    if (answer.queuedJob().isPresent()) {
      long jobId = answer.queuedJob().get();
      return InteractionAnswer.deferred(false, () -> messages.acknowledge(tenantId, jobId, webhook, message));
    }
    return InteractionAnswer.deferred(answer.ephemeral(),
        () -> answers.edit(tenantId, userId, webhook, answer.ephemeral(), message));
  }
}

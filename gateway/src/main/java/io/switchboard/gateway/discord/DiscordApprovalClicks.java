package io.switchboard.gateway.discord;

import io.switchboard.gateway.approval.Approvals;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * A click on an approval card's button in Discord ({@code MESSAGE_COMPONENT}, type 3, custom id
 * {@code approval.approve:<id>} or {@code approval.deny:<id>}): the vote goes through
 * {@link Approvals#vote} for the tenant of the guild's installation, as the clicking user. A counted
 * vote defers an update of the card (type 6) and then edits it: still pending with who approved so
 * far, or decided; the vote that approves makes the card the job's message, so its progress and
 * result edit it through the click's token. A vote that does not count is told only to the voter.
 */
public final class DiscordApprovalClicks {

  private final PolicyDirectory policies;
  private final Approvals approvals;
  private final DiscordAnswers answers;
  private final DiscordJobMessages messages;
  private final Clock clock;

  public DiscordApprovalClicks(PolicyDirectory policies, Approvals approvals, DiscordAnswers answers,
                               DiscordJobMessages messages, Clock clock) {
    this.policies = policies;
    this.approvals = approvals;
    this.answers = answers;
    this.messages = messages;
    this.clock = clock;
  }

  public Future<InteractionAnswer> click(VerifiedInteraction interaction, ButtonClick click) {
    if (interaction.installation().isEmpty()) {
      return Future.succeededFuture(InteractionAnswer.ephemeral("Switchboard is not installed in this server."));
    }
    DiscordInstallation installation = interaction.installation().get();
    InteractionWebhook webhook = InteractionWebhook.of(click.applicationId(), click.token(), installation.guildId(),
        click.channelId(), clock.instant());
    CommandRequest voter = new CommandRequest(installation.tenantId(), DiscordCommands.PLATFORM,
        installation.guildId(), click.userId(), click.channelId()).withGroups(click.roles());
    boolean approve = ApprovalMessages.APPROVE.equals(click.action());
    return policies.policyOf(installation.tenantId())
        .compose(policy -> approvals.vote(voter, click.targetId(), approve, policy, webhook.toReplyTo(),
            clock.instant()))
        .map(result -> switch (result.outcome()) {
          case RECORDED, DENIED, EXPIRED, CLOSED -> update(() -> answers.edit(installation.tenantId(), click.userId(),
              webhook, false, DiscordText.of(ApprovalMessages.afterVote(result))));
          case APPROVED -> update(() -> {
            JsonObject card = DiscordText.of(ApprovalMessages.afterVote(result));
            return result.approval().jobId().isPresent()
                ? messages.acknowledge(installation.tenantId(), result.approval().jobId().get(), webhook, card)
                : answers.edit(installation.tenantId(), click.userId(), webhook, false, card);
          });
          case ALREADY_VOTED, OWN_REQUEST, NOT_APPROVER, NOT_FOUND -> InteractionAnswer.ephemeral(DiscordText.content(
              ApprovalMessages.voteRefused(result, click.targetId()).orElseThrow()));
        });
  }

  private static InteractionAnswer update(Supplier<Future<Void>> edit) {
    return new InteractionAnswer(new JsonObject().put("type", InteractionAnswer.DEFERRED_UPDATE_MESSAGE), edit);
  }
}

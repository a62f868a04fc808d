package io.switchboard.gateway.sandbox;

import io.switchboard.gateway.approval.Approvals;
import io.switchboard.gateway.slack.ApprovalCards;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.vertx.core.Future;

import java.time.Clock;

/**
 * A click on an approval card's button in the sandbox: the vote goes through {@link Approvals#vote}
 * for the session's tenant, as the session's demo user. A counted vote redraws the card (still
 * pending with who approved so far, or decided); the approving vote makes the card its job's message.
 * A vote that does not count is told to the visitor as a message of its own.
 */
public final class SandboxVotes {

  private final PolicyDirectory policies;
  private final Approvals approvals;
  private final SandboxMessages messages;
  private final Clock clock;

  public SandboxVotes(PolicyDirectory policies, Approvals approvals, SandboxMessages messages, Clock clock) {
    this.policies = policies;
    this.approvals = approvals;
    this.messages = messages;
    this.clock = clock;
  }

  /** Votes on approval {@code approvalId} of the session's tenant; answers how the vote went. */
  public Future<Approvals.Outcome> vote(SandboxSession session, long approvalId, boolean approve) {
    CommandRequest voter = new CommandRequest(session.tenantId(), SandboxChat.PLATFORM, SandboxSessions.WORKSPACE,
        session.userId(), session.id());
    return policies.policyOf(session.tenantId())
        .compose(policy -> approvals.vote(voter, approvalId, approve, policy, session.replyTo(), clock.instant()))
        .compose(result -> (switch (result.outcome()) {
          case RECORDED -> messages.approvalChanged(result.approval(),
              SandboxRendering.fromSlack(ApprovalCards.pending(result.approval(), result.approvers())));
          case APPROVED, DENIED, EXPIRED, CLOSED -> messages.approvalChanged(result.approval(),
              SandboxRendering.fromSlack(ApprovalCards.decided(result.approval(), result.approvers())));
          case ALREADY_VOTED -> messages.add(session, SandboxRendering.said(
              "You have already voted on approval " + approvalId + ".").put("ephemeral", true));
          case OWN_REQUEST -> messages.add(session, SandboxRendering.said("You cannot approve your own request; "
              + "someone else with role " + result.approval().approverRole() + " has to.").put("ephemeral", true));
          case NOT_APPROVER -> messages.add(session, SandboxRendering.said("Only holders of role "
              + result.approval().approverRole() + " can vote on approval " + approvalId
              + "; your vote was not counted.").put("ephemeral", true));
          case NOT_FOUND -> messages.add(session, SandboxRendering.said(
              "There is no approval " + approvalId + " here.").put("ephemeral", true));
        }).map(result.outcome()));
  }
}

package io.switchboard.gateway.sandbox;

import io.switchboard.gateway.approval.Approvals;
import io.switchboard.gateway.approval.ApprovalMessages;
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
        .compose(result -> ApprovalMessages.voteRefused(result, approvalId)
            .map(refused -> messages.add(session, SandboxRendering.of(refused)))
            .orElseGet(() -> messages.approvalChanged(result.approval(),
                SandboxRendering.of(ApprovalMessages.afterVote(result))))
            .map(result.outcome()));
  }
}

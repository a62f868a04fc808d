package io.switchboard.gateway.teams;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.GroupMemberships;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.approval.Approvals;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;

/**
 * A click on an approval card's Approve or Deny button: Teams sends it as a message activity whose
 * {@code value} is the button's data ({@link TeamsCards}) and whose {@code replyToId} is the card.
 * The click is a vote by the signed sender ({@code from.aadObjectId}), checked and counted by
 * {@link Approvals} under the tenant's current policy (not the requester, holds the approver role,
 * directly or through a group the voter is in ({@link GroupMemberships}), once). The card is then
 * replaced with its new state, or the voter told why the vote did not count.
 */
public final class TeamsApprovalVotes {

  /** A button's data, as read from {@code value}. */
  record Click(long approvalId, boolean approve) {
  }

  private final PolicyDirectory policies;
  private final Approvals approvals;
  private final TeamsConnector connector;
  private final GroupMemberships groups;
  private final Clock clock;

  public TeamsApprovalVotes(PolicyDirectory policies, Approvals approvals, TeamsConnector connector,
                            GroupMemberships groups, Clock clock) {
    this.policies = policies;
    this.approvals = approvals;
    this.connector = connector;
    this.groups = groups;
    this.clock = clock;
  }

  /** Whether the submitted data is one of Switchboard's buttons. */
  static boolean isClick(JsonObject value) {
    return value.getValue(TeamsCards.ACTION_FIELD) != null;
  }

  /**
   * Reads the click; a malformed-request error if it is not one of Switchboard's approval buttons. The
   * approval's id is the button's {@code value} (a string of digits), or, on cards of earlier
   * releases, {@code approvalId} (a number).
   */
  static Click parse(JsonObject value) {
    Object action = value.getValue(TeamsCards.ACTION_FIELD);
    if (!ApprovalMessages.APPROVE.equals(action) && !ApprovalMessages.DENY.equals(action)) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "unknown card action '" + action + "'");
    }
    long id = approvalId(value.getValue(TeamsCards.VALUE_FIELD), value.getValue(TeamsCards.APPROVAL_FIELD));
    if (id <= 0) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "value.value is not an approval id");
    }
    return new Click(id, ApprovalMessages.APPROVE.equals(action));
  }

  private static long approvalId(Object value, Object legacy) {
    if (value instanceof String digits && digits.matches("[0-9]{1,18}")) {
      return Long.parseLong(digits);
    }
    return value == null && legacy instanceof Number number ? number.longValue() : -1;
  }

  /**
   * Counts the vote (a database transaction); the card update is returned as a second future the
   * caller need not wait for.
   *
   * @param card    the card's activity ({@code replyToId}); replies and the job's result thread under it
   */
  public Future<Future<Void>> vote(String tenantId, String teamsTenantId, String voter, TeamsReplyTo card, Click click) {
    CommandRequest request = new CommandRequest(tenantId, TeamsJobActivities.PLATFORM, teamsTenantId, voter,
        card.conversationId());
    return policies.policyOf(tenantId)
        .compose(policy -> groups.groupsOf(policy, request).compose(voterGroups -> approvals.vote(
            request.withGroups(voterGroups), click.approvalId(), click.approve(), policy, card.toJson(),
            clock.instant())))
        .map(result -> ApprovalMessages.voteRefused(result, click.approvalId())
            .map(refused -> reply(card, TeamsCards.of(refused)))
            .orElseGet(() -> update(card, TeamsCards.of(ApprovalMessages.afterVote(result)))));
  }

  private Future<Void> update(TeamsReplyTo card, JsonObject activity) {
    return connector.update(card.serviceUrl(), card.conversationId(), card.replyToId(), activity);
  }

  private Future<Void> reply(TeamsReplyTo card, JsonObject activity) {
    return connector.reply(card.serviceUrl(), card.conversationId(), card.replyToId(), activity).mapEmpty();
  }
}

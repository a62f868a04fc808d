package io.switchboard.tenancy.policy;

import java.time.Duration;

/**
 * What an approval rule asks of a command before it may run: {@code approvals} distinct people, none
 * of them the requester, each holding {@code approverRole}, within {@code deadline} of the request.
 */
public record ApprovalRequirement(String rule, int approvals, String approverRole, Duration deadline) {

  public ApprovalRequirement {
    if (approvals < 1) {
      throw new IllegalArgumentException("an approval rule needs at least one approver");
    }
  }
}

package io.switchboard.tenancy.policy;

import java.util.Optional;

/**
 * The answer of a {@link TenantPolicy}: allowed, denied, or allowed once enough approvers agree.
 * The reason is fit to show the user and to write into the audit log; a denial always names what
 * would have allowed it or why nothing can (a freeze window, the blast radius).
 */
public record Decision(Outcome outcome, String reason, Optional<ApprovalRequirement> approval) {

  /** What happens to the command. */
  public enum Outcome {
    ALLOWED,
    DENIED,
    NEEDS_APPROVAL
  }

  public Decision {
    if (outcome == Outcome.NEEDS_APPROVAL && approval.isEmpty()) {
      throw new IllegalArgumentException("a decision that needs approval names the approval rule");
    }
  }

  public static Decision allow(String reason) {
    return new Decision(Outcome.ALLOWED, reason, Optional.empty());
  }

  public static Decision deny(String reason) {
    return new Decision(Outcome.DENIED, reason, Optional.empty());
  }

  public static Decision needsApproval(String reason, ApprovalRequirement approval) {
    return new Decision(Outcome.NEEDS_APPROVAL, reason, Optional.of(approval));
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOWED;
  }

  public boolean denied() {
    return outcome == Outcome.DENIED;
  }
}

package io.switchboard.tenancy.policy;

import io.switchboard.tenancy.command.ParsedCommand;
import io.switchboard.tenancy.command.Wildcards;

import java.time.Duration;
import java.util.List;

/**
 * Which runs need a second person: commands (patterns) in environments (patterns; empty means any),
 * approved by {@code approvals} holders of {@code approverRole} within {@code deadline}.
 */
public record ApprovalRule(String name, List<String> commands, List<String> environments, int approvals,
                           String approverRole, Duration deadline) {

  public ApprovalRule {
    commands = List.copyOf(commands);
    environments = List.copyOf(environments);
  }

  boolean covers(ParsedCommand.Invocation invocation) {
    return Wildcards.anyMatches(commands, invocation.command())
        && (environments.isEmpty() || invocation.environment().map(e -> Wildcards.anyMatches(environments, e)).orElse(false));
  }

  ApprovalRequirement requirement() {
    return new ApprovalRequirement(name, approvals, approverRole, deadline);
  }
}

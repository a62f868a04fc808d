package io.switchboard.tenancy.policy;

import io.switchboard.tenancy.command.ParsedCommand;
import io.switchboard.tenancy.command.Wildcards;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A time range in which commands (patterns) in environments (patterns; empty means any) are refused
 * to everyone. Read-only commands stay open unless {@code includeReadOnly} is set.
 */
public record FreezeWindow(String name, Instant from, Instant until, List<String> commands, List<String> environments,
                           boolean includeReadOnly, Optional<String> reason) {

  public FreezeWindow {
    commands = List.copyOf(commands);
    environments = List.copyOf(environments);
  }

  boolean freezes(ParsedCommand.Invocation invocation, Instant now) {
    if (now.isBefore(from) || !now.isBefore(until)) {
      return false;
    }
    if (invocation.readOnly() && !includeReadOnly) {
      return false;
    }
    return Wildcards.anyMatches(commands, invocation.command())
        && (environments.isEmpty() || invocation.environment().map(e -> Wildcards.anyMatches(environments, e)).orElse(false));
  }
}

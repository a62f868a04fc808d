package io.switchboard.tenancy.policy;

import io.switchboard.tenancy.command.ParsedCommand;
import io.switchboard.tenancy.command.Wildcards;

import java.util.List;

/**
 * What a role lets its holders run: commands (names or {@code *} patterns), and where: environments,
 * channels and targets. An empty scope list means "anywhere"; every target of a run must match.
 */
public record Permission(List<String> commands, List<String> environments, List<String> channels,
                         List<String> targets) {

  public Permission {
    commands = List.copyOf(commands);
    environments = List.copyOf(environments);
    channels = List.copyOf(channels);
    targets = List.copyOf(targets);
  }

  boolean coversCommand(String command) {
    return Wildcards.anyMatches(commands, command);
  }

  boolean coversChannel(String channel) {
    return channels.isEmpty() || Wildcards.anyMatches(channels, channel);
  }

  /** Command, environment and targets, leaving the channel aside. */
  boolean coversRun(ParsedCommand.Invocation invocation) {
    if (!coversCommand(invocation.command())) {
      return false;
    }
    if (!environments.isEmpty()
        && (invocation.environment().isEmpty() || !Wildcards.anyMatches(environments, invocation.environment().get()))) {
      return false;
    }
    return targets.isEmpty() || invocation.targets().stream().allMatch(t -> Wildcards.anyMatches(targets, t));
  }
}

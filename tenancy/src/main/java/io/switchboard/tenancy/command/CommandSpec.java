package io.switchboard.tenancy.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A command of a tenant's catalog: what the user types ({@code name} or an alias, then the
 * arguments), what it runs, and how far it may reach. Read-only commands (queries, status) are what
 * freeze windows leave open.
 */
public record CommandSpec(
    String name,
    List<String> aliases,
    String description,
    List<String> examples,
    boolean readOnly,
    List<ArgumentSpec> arguments,
    ActionTemplate action,
    BlastRadius blastRadius,
    Optional<Duration> timeout,
    Optional<Integer> maxAttempts) {

  public CommandSpec {
    aliases = List.copyOf(aliases);
    examples = List.copyOf(examples);
    arguments = List.copyOf(arguments);
  }

  /** {@code deploy <environment> <service> [--version <version>]}. */
  public String usage() {
    return arguments.isEmpty() ? name
        : name + " " + arguments.stream().map(ArgumentSpec::usage).collect(Collectors.joining(" "));
  }

  /**
   * The invocation for converted argument values (defaults filled in): the action's parameters
   * rendered from them, and the environment and targets read from the arguments scoped so.
   */
  ParsedCommand.Invocation invocation(Map<String, Object> values) {
    Optional<String> environment = Optional.empty();
    List<String> targets = new ArrayList<>();
    for (ArgumentSpec argument : arguments) {
      Object value = values.get(argument.name());
      if (value == null) {
        continue;
      }
      List<String> written = value instanceof List<?> list
          ? list.stream().map(String::valueOf).toList() : List.of(String.valueOf(value));
      if (argument.scope() == ArgumentScope.ENVIRONMENT) {
        environment = Optional.of(written.get(0));
      } else if (argument.scope() == ArgumentScope.TARGET) {
        targets.addAll(written);
      }
    }
    return new ParsedCommand.Invocation(name, action.type(), action.render(values), environment, targets, readOnly,
        timeout, maxAttempts);
  }

  List<ArgumentSpec> positional() {
    return arguments.stream().filter(a -> !a.flag()).toList();
  }

  Optional<ArgumentSpec> flag(String flagName) {
    return arguments.stream().filter(a -> a.flag() && a.name().equals(flagName)).findFirst();
  }
}

package io.switchboard.executor.action;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The actions an executor can run, by type. */
public final class ActionRegistry {

  private final Map<String, Action> actions;

  public ActionRegistry(List<Action> actions) {
    this.actions = actions.stream().collect(Collectors.toUnmodifiableMap(Action::type, Function.identity()));
  }

  /** The built-in actions. */
  public static ActionRegistry builtins() {
    return new ActionRegistry(List.of(new EchoAction()));
  }

  public Optional<Action> find(String type) {
    return Optional.ofNullable(actions.get(type));
  }
}

package io.switchboard.executor.action;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The actions an executor can run, by type. Besides the built-in ones, any {@link Action} on the
 * class path listed in {@code META-INF/services/io.switchboard.executor.action.Action} is installed:
 * adding an action is one class and one line, not an edit here.
 */
public final class ActionRegistry {

  private final Map<String, Action> actions;

  /** @throws IllegalStateException when two actions claim the same type */
  public ActionRegistry(List<Action> actions) {
    this.actions = actions.stream().collect(Collectors.toUnmodifiableMap(Action::type, Function.identity(),
        (a, b) -> {
          throw new IllegalStateException("two actions of type '" + a.type() + "': "
              + a.getClass().getName() + " and " + b.getClass().getName());
        }));
  }

  /** The built-in actions. */
  public static ActionRegistry builtins() {
    return new ActionRegistry(List.of(new EchoAction()));
  }

  /** The built-in actions plus every action installed through {@link ServiceLoader}. */
  public static ActionRegistry installed() {
    List<Action> all = new ArrayList<>(List.of(new EchoAction()));
    ServiceLoader.load(Action.class).forEach(all::add);
    return new ActionRegistry(all);
  }

  public Optional<Action> find(String type) {
    return Optional.ofNullable(actions.get(type));
  }
}

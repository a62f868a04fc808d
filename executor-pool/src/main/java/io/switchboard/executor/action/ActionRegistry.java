package io.switchboard.executor.action;

import io.switchboard.executor.action.flyway.FlywayAction;
import io.switchboard.executor.action.flyway.FlywaySettings;
import io.switchboard.executor.action.github.GitHubActionsAction;
import io.switchboard.executor.action.github.GitHubActionsSettings;
import io.switchboard.executor.action.http.HttpAction;
import io.switchboard.executor.action.http.HttpActionSettings;
import io.switchboard.executor.action.jenkins.JenkinsAction;
import io.switchboard.executor.action.jenkins.JenkinsSettings;
import io.switchboard.executor.action.kubernetes.KubernetesAction;
import io.switchboard.executor.action.kubernetes.KubernetesSettings;
import io.switchboard.executor.action.prometheus.PrometheusQueryAction;
import io.switchboard.executor.action.prometheus.PrometheusSettings;
import io.switchboard.executor.action.shell.ShellScriptAction;
import io.switchboard.executor.action.simulated.SimulatedAction;
import io.switchboard.executor.action.shell.ShellSettings;
import io.switchboard.executor.action.terraform.TerraformAction;
import io.switchboard.executor.action.terraform.TerraformSettings;

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
    return new ActionRegistry(List.of(new EchoAction(), new SimulatedAction()));
  }

  /**
   * The built-in actions, configured from {@code SWITCHBOARD_<ACTION>_*} variables in {@code env}
   * (checked now: a bad value fails start-up naming the variable), plus every action installed
   * through {@link ServiceLoader}.
   */
  public static ActionRegistry installed(Map<String, String> env) {
    List<Action> all = new ArrayList<>(List.of(
        new EchoAction(),
        new SimulatedAction(),
        new HttpAction(HttpActionSettings.fromEnv(env)),
        new GitHubActionsAction(GitHubActionsSettings.fromEnv(env)),
        new JenkinsAction(JenkinsSettings.fromEnv(env)),
        new KubernetesAction(KubernetesSettings.fromEnv(env)),
        new PrometheusQueryAction(PrometheusSettings.fromEnv(env)),
        new FlywayAction(FlywaySettings.fromEnv(env)),
        new ShellScriptAction(ShellSettings.fromEnv(env)),
        new TerraformAction(TerraformSettings.fromEnv(env))));
    ServiceLoader.load(Action.class).forEach(all::add);
    return new ActionRegistry(all);
  }

  public Optional<Action> find(String type) {
    return Optional.ofNullable(actions.get(type));
  }
}

package io.switchboard.tenancy.command;

import java.util.List;

/**
 * How far one run of a command may reach: the environments and targets it may touch (empty lists
 * mean no limit beyond the arguments' own types) and the most targets one run may name.
 */
public record BlastRadius(List<String> environments, List<String> targets, int maxTargets) {

  public static final BlastRadius UNLIMITED = new BlastRadius(List.of(), List.of(), Integer.MAX_VALUE);

  public BlastRadius {
    environments = List.copyOf(environments);
    targets = List.copyOf(targets);
  }

  /** Why this run reaches too far, or null when it stays inside. */
  public String refusal(String commandName, String environment, List<String> runTargets) {
    if (environment != null && !environments.isEmpty() && !environments.contains(environment)) {
      return commandName + " may not run in " + environment + "; allowed: " + String.join(", ", environments);
    }
    for (String target : runTargets) {
      if (!targets.isEmpty() && targets.stream().noneMatch(p -> Wildcards.matches(p, target))) {
        return commandName + " may not touch " + target + "; allowed: " + String.join(", ", targets);
      }
    }
    if (runTargets.size() > maxTargets) {
      return commandName + " may touch at most " + maxTargets + (maxTargets == 1 ? " target" : " targets")
          + " per run; you named " + runTargets.size();
    }
    return null;
  }
}

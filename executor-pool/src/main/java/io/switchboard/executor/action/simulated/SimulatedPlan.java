package io.switchboard.executor.action.simulated;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one {@link SimulatedAction} run will say, decided from its arguments before it starts: the
 * step lines (each shown as progress, one every {@code stepMillis}), and the line it ends with,
 * a success or, for {@code fail}, the error. Every line starts with {@link #MARK}.
 *
 * <p>Behaviours: {@code deploy} (of {@code version} to each target, pod by pod), {@code restart},
 * {@code scale} (to {@code replicas}), {@code fail} (a smoke test that fails), {@code slow} (a long
 * backup of {@code steps} steps, 30 by default, made to be cancelled). {@code stepMillis} (1 to
 * 60000) defaults to 1000, and to 3000 for {@code slow}, which then takes 90 s.
 *
 * @param failure the error the run ends with, or null when it succeeds
 */
record SimulatedPlan(List<String> steps, long stepMillis, String success, String failure) {

  /** The start of every line a simulation writes. */
  static final String MARK = "[simulated]";

  static final List<String> BEHAVIOURS = List.of("deploy", "restart", "scale", "fail", "slow");
  static final int MAX_STEPS = 1000;
  static final long MAX_STEP_MILLIS = 60_000;
  private static final int MAX_TARGETS = 20;
  private static final int MAX_WORD = 100;
  private static final int PODS = 3;
  private static final String NOTHING_TOUCHED = " (a simulation: nothing outside Switchboard was touched)";

  SimulatedPlan {
    steps = List.copyOf(steps);
  }

  /** @throws IllegalArgumentException naming the argument that is wrong */
  static SimulatedPlan of(JsonObject args, long jobId) {
    Object given = args.getValue("behaviour");
    if (!(given instanceof String behaviour) || !BEHAVIOURS.contains(behaviour)) {
      throw new IllegalArgumentException("'behaviour' must be one of " + String.join(", ", BEHAVIOURS) + ", was "
          + given);
    }
    String environment = word(args, "environment", "the sandbox");
    List<String> targets = targets(args);
    String named = String.join(", ", targets);
    long stepMillis = number(args, "stepMillis", "slow".equals(behaviour) ? 3000 : 1000, 1, MAX_STEP_MILLIS);
    List<String> steps = new ArrayList<>();
    return switch (behaviour) {
      case "deploy" -> {
        String version = word(args, "version", "latest");
        steps.add(line("deploying " + named + " " + version + " to " + environment));
        for (String target : targets) {
          steps.add(line(target + ": pulling image " + target + ":" + version));
          for (int pod = 1; pod <= PODS; pod++) {
            steps.add(line(target + ": " + pod + " of " + PODS + " pods updated"));
          }
        }
        yield new SimulatedPlan(steps, stepMillis,
            line("deployed " + named + " " + version + " to " + environment + NOTHING_TOUCHED), null);
      }
      case "restart" -> {
        steps.add(line("restarting " + named + " in " + environment));
        for (String target : targets) {
          for (int pod = 1; pod <= PODS; pod++) {
            steps.add(line(target + ": " + pod + " of " + PODS + " pods restarted and ready"));
          }
        }
        yield new SimulatedPlan(steps, stepMillis, line("restarted " + named + " in " + environment + NOTHING_TOUCHED),
            null);
      }
      case "scale" -> {
        long replicas = number(args, "replicas", -1, 0, 1000);
        if (replicas < 0) {
          throw new IllegalArgumentException("'scale' needs a 'replicas' argument: a whole number from 0 to 1000");
        }
        steps.add(line("scaling " + named + " in " + environment + " to " + replicas + " replicas"));
        for (String target : targets) {
          steps.add(line(target + ": " + replicas + " of " + replicas + " replicas available"));
        }
        yield new SimulatedPlan(steps, stepMillis,
            line("scaled " + named + " in " + environment + " to " + replicas + " replicas" + NOTHING_TOUCHED), null);
      }
      case "fail" -> {
        steps.add(line("running the smoke tests of " + named + " in " + environment));
        steps.add(line(targets.get(0) + ": 4 of 12 checks passed"));
        steps.add(line(targets.get(0) + ": 9 of 12 checks passed"));
        yield new SimulatedPlan(steps, stepMillis, null, line("smoke tests of " + targets.get(0) + " in " + environment
            + " failed: 3 of 12 checks failed (GET /health answered 503)" + NOTHING_TOUCHED));
      }
      default -> {
        int count = (int) number(args, "steps", 30, 1, MAX_STEPS);
        for (int step = 1; step < count; step++) {
          steps.add(line("backing up " + named + " in " + environment + ": step " + step + " of " + count
              + " (stop it with `cancel " + jobId + "`)"));
        }
        steps.add(line("backing up " + named + " in " + environment + ": step " + count + " of " + count));
        yield new SimulatedPlan(steps, stepMillis,
            line("backed up " + named + " in " + environment + " in " + count + " steps" + NOTHING_TOUCHED), null);
      }
    };
  }

  private static String line(String text) {
    return MARK + " " + text;
  }

  /** {@code targets}: one name or a list of them; "demo" when absent. */
  private static List<String> targets(JsonObject args) {
    Object value = args.getValue("targets");
    if (value == null) {
      return List.of("demo");
    }
    List<?> given = value instanceof JsonArray array ? array.getList() : List.of(value);
    if (given.isEmpty() || given.size() > MAX_TARGETS) {
      throw new IllegalArgumentException("'targets' must name 1 to " + MAX_TARGETS + " targets");
    }
    List<String> targets = new ArrayList<>();
    for (Object target : given) {
      if (!(target instanceof String text) || text.isBlank() || text.length() > MAX_WORD) {
        throw new IllegalArgumentException("'targets' must be names of 1 to " + MAX_WORD + " characters, was " + value);
      }
      targets.add(text.strip());
    }
    return targets;
  }

  private static String word(JsonObject args, String name, String fallback) {
    Object value = args.getValue(name);
    if (value == null) {
      return fallback;
    }
    String text = String.valueOf(value).strip();
    if (text.isEmpty() || text.length() > MAX_WORD || value instanceof JsonObject || value instanceof JsonArray) {
      throw new IllegalArgumentException("'" + name + "' must be text of 1 to " + MAX_WORD + " characters, was " + value);
    }
    return text;
  }

  private static long number(JsonObject args, String name, long fallback, long min, long max) {
    Object value = args.getValue(name);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() >= min && n.longValue() <= max) {
      return n.longValue();
    }
    throw new IllegalArgumentException(String.format(Locale.ROOT, "'%s' must be a whole number from %d to %d, was %s",
        name, min, max, value));
  }
}

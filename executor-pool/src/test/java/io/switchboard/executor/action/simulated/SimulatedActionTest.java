package io.switchboard.executor.action.simulated;

import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionRegistry;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.Progress;
import io.switchboard.testkit.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulated target: what each behaviour says, that every line says it is a simulation, and stopping. */
@DisplayName("simulated action")
class SimulatedActionTest {

  private final Vertx vertx = Vertx.vertx();
  private final SimulatedAction action = new SimulatedAction();
  private final Promise<String> stop = Promise.promise();
  private final List<String> progress = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  private ActionResult run(JsonObject args) {
    return run(args, progress::add);
  }

  private ActionResult run(JsonObject args, Progress reported) {
    return Await.result(action.run(new ActionContext(vertx, "demo", 42L, 1, "idem", args, null, stop.future(),
        reported)));
  }

  private static JsonObject args(String behaviour) {
    return new JsonObject().put("behaviour", behaviour).put("environment", "staging").put("stepMillis", 1);
  }

  @Test
  @DisplayName("deploy reports each pod of each target as progress and succeeds; every line is marked")
  void deploySucceedsWithProgress() {
    ActionResult result = run(args("deploy").put("targets", new JsonArray().add("api").add("web"))
        .put("version", "1.4.2"));

    assertThat(result.succeeded()).as(String.valueOf(result)).isTrue();
    assertThat(progress).containsExactly(
        "[simulated] deploying api, web 1.4.2 to staging",
        "[simulated] api: pulling image api:1.4.2",
        "[simulated] api: 1 of 3 pods updated",
        "[simulated] api: 2 of 3 pods updated",
        "[simulated] api: 3 of 3 pods updated",
        "[simulated] web: pulling image web:1.4.2",
        "[simulated] web: 1 of 3 pods updated",
        "[simulated] web: 2 of 3 pods updated");
    List<String> lines = result.output().lines().toList();
    assertThat(lines).hasSize(10).allSatisfy(line -> assertThat(line).startsWith("[simulated] "));
    assertThat(lines.subList(0, 8)).isEqualTo(progress);
    assertThat(lines.get(8)).isEqualTo("[simulated] web: 3 of 3 pods updated");
    assertThat(lines.get(9)).isEqualTo("[simulated] deployed api, web 1.4.2 to staging "
        + "(a simulation: nothing outside Switchboard was touched)");
  }

  @Test
  @DisplayName("restart and scale succeed and say what they pretended to do")
  void restartAndScale() {
    ActionResult restarted = run(args("restart").put("targets", "api"));
    ActionResult scaled = run(args("scale").put("targets", "web").put("replicas", 4));

    assertThat(restarted.succeeded()).isTrue();
    assertThat(restarted.output().lines()).hasSize(5).allSatisfy(line -> assertThat(line).startsWith("[simulated] "));
    assertThat(restarted.output()).contains("api: 3 of 3 pods restarted and ready")
        .endsWith("restarted api in staging (a simulation: nothing outside Switchboard was touched)");
    assertThat(scaled.succeeded()).isTrue();
    assertThat(scaled.output()).isEqualTo("""
        [simulated] scaling web in staging to 4 replicas
        [simulated] web: 4 of 4 replicas available
        [simulated] scaled web in staging to 4 replicas (a simulation: nothing outside Switchboard was touched)""");
  }

  @Test
  @DisplayName("fail ends in a clear, final error after its progress")
  void failFails() {
    ActionResult result = run(args("fail").put("targets", "api"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(progress).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("[simulated] "));
    assertThat(result.error().lines()).allSatisfy(line -> assertThat(line).startsWith("[simulated] "));
    assertThat(result.error()).endsWith("[simulated] smoke tests of api in staging failed: 3 of 12 checks failed "
        + "(GET /health answered 503) (a simulation: nothing outside Switchboard was touched)");
  }

  @Test
  @DisplayName("slow runs its steps and tells how to cancel it; a stop ends it at once, after the step it was at")
  void slowStopsWhenTold() {
    List<String> seen = new CopyOnWriteArrayList<>();
    ActionResult result = run(args("slow").put("steps", 1000).put("targets", "db"), line -> {
      seen.add(line);
      if (seen.size() == 2) {
        stop.complete("cancelled by alice");
      }
    });

    assertThat(result.succeeded()).isFalse();
    assertThat(seen).containsExactly(
        "[simulated] backing up db in staging: step 1 of 1000 (stop it with `cancel 42`)",
        "[simulated] backing up db in staging: step 2 of 1000 (stop it with `cancel 42`)");
    assertThat(result.error()).endsWith("[simulated] stopped after step 2 of 1000: cancelled by alice "
        + "(a simulation: nothing was changed)");
    assertThat(result.error().lines()).hasSize(3);
  }

  @Test
  @DisplayName("slow takes 90 s by default; a stop during a step's wait ends it without waiting")
  void slowStopsDuringAWait() {
    JsonObject slow = new JsonObject().put("behaviour", "slow");
    assertThat(SimulatedPlan.of(slow, 7).steps()).hasSize(30);
    assertThat(SimulatedPlan.of(slow, 7).stepMillis()).isEqualTo(3000);

    var running = action.run(new ActionContext(vertx, "demo", 7L, 1, "idem", slow, null, stop.future(), progress::add));
    stop.complete("timed out after 1 s");
    ActionResult result = Await.result(running);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).isEqualTo("[simulated] stopped after step 0 of 30: timed out after 1 s "
        + "(a simulation: nothing was changed)");
    assertThat(progress).isEmpty();
  }

  @Test
  @DisplayName("stopped before it starts: nothing runs")
  void stoppedBeforeItStarts() {
    stop.complete("the executor is shutting down");

    ActionResult result = run(args("deploy"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).isEqualTo("[simulated] stopped before it began: the executor is shutting down");
    assertThat(progress).isEmpty();
  }

  static Stream<Map.Entry<JsonObject, String>> badArguments() {
    return Stream.of(
        Map.entry(new JsonObject(), "'behaviour' must be one of deploy, restart, scale, fail, slow, was null"),
        Map.entry(args("explode"), "'behaviour' must be one of"),
        Map.entry(args("scale"), "'scale' needs a 'replicas' argument"),
        Map.entry(args("scale").put("replicas", -2), "'replicas' must be a whole number from 0 to 1000"),
        Map.entry(args("deploy").put("targets", new JsonArray()), "'targets' must name 1 to 20 targets"),
        Map.entry(args("deploy").put("targets", new JsonArray().add(3)), "'targets' must be names"),
        Map.entry(args("deploy").put("stepMillis", 0), "'stepMillis' must be a whole number from 1 to 60000"),
        Map.entry(args("slow").put("steps", 1.5), "'steps' must be a whole number from 1 to 1000"),
        Map.entry(args("deploy").put("version", new JsonObject()), "'version' must be text"));
  }

  @ParameterizedTest
  @MethodSource("badArguments")
  @DisplayName("bad arguments fail the job at once with a message naming the argument")
  void badArguments(Map.Entry<JsonObject, String> bad) {
    ActionResult result = run(bad.getKey());

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).startsWith("[simulated] ").contains(bad.getValue());
  }

  @Test
  @DisplayName("installed with the built-in actions, under type simulated")
  void installed() {
    assertThat(ActionRegistry.installed(Map.of()).find("simulated")).containsInstanceOf(SimulatedAction.class);
    assertThat(ActionRegistry.builtins().find("simulated")).containsInstanceOf(SimulatedAction.class);
  }
}

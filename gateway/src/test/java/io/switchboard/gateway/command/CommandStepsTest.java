package io.switchboard.gateway.command;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.gateway.CommandRefusals;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.slack.SlackMessages;
import io.switchboard.tenancy.command.CommandParser;
import io.switchboard.tenancy.command.ParsedCommand;
import io.switchboard.tenancy.policy.PolicyDocument;
import io.switchboard.tenancy.policy.TenantPolicy;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each step of the command path alone, against the documented example policy and without a database:
 * what it answers, what it refuses (counted and recorded), and what it hands on. The steps that write
 * (rate limits, queueing, approvals) are tested end to end through the platforms' routes.
 */
@DisplayName("The command path is an ordered list of steps, each with one contract")
class CommandStepsTest {

  private static final Instant DURING_FREEZE = Instant.parse("2025-12-27T12:00:00Z");
  private static final Instant AFTER_FREEZE = Instant.parse("2026-03-01T12:00:00Z");

  private final TenantPolicy policy = PolicyDocument.compile(GatewayFixture.examplePolicy(), 7);
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<String> recorded = new ArrayList<>();
  private final CommandRefusing refusing = new CommandRefusing("slack", (request, text, message) -> {
    recorded.add(request.userId() + ": " + text + " -> " + message);
    return Future.succeededFuture();
  }, new GatewayMetrics(registry));

  @Test
  @DisplayName("the pipeline runs the steps in the documented order")
  void stepsRunInOrder() {
    CommandPipeline pipeline = new CommandPipeline("slack", new CommandParser(), null, null, null, null, null, null,
        new CommandRefusals(null), new GatewayMetrics(registry), Clock.systemUTC());
    assertThat(pipeline.stepTypes()).containsExactly(LoadPolicy.class, ParseCommand.class, ResolveGroups.class,
        AnswerBuiltins.class, CheckFreezeWindows.class, CheckBlastRadius.class, CheckRoles.class, TakeRateLimit.class,
        ApproveOrEnqueue.class);
  }

  @Test
  @DisplayName("parse: an unknown command is refused with the usage, recorded, and goes no further")
  void unknownCommandIsRefused() {
    Handled handled = run(new ParseCommand(new CommandParser(), refusing), loaded("U0ALICE", "frobnicate"));

    assertThat(handled.passedOn()).isEmpty();
    assertThat(text(handled.answer())).startsWith("Unknown command 'frobnicate'");
    assertThat(recorded).singleElement().asString().startsWith("U0ALICE: frobnicate -> Unknown command");
    assertThat(refusedCount("unknown_command")).isEqualTo(1.0);
  }

  @Test
  @DisplayName("parse: an incomplete command becomes the platform's form when one opens, and its parse error when none does")
  void incompleteCommandBecomesAForm() {
    List<ParsedCommand.Incomplete> offered = new ArrayList<>();
    IncompleteCommands forms = incomplete -> {
      offered.add(incomplete);
      return Future.succeededFuture(Optional.of(ChatMessage.ephemeral("a form opened")));
    };
    Handled withForm = run(new ParseCommand(new CommandParser(), refusing),
        CommandState.of(command("U0ALICE", "deploy staging"), "slack", AFTER_FREEZE, forms).withPolicy(policy));

    assertThat(text(withForm.answer())).isEqualTo("a form opened");
    assertThat(offered).singleElement().satisfies(incomplete -> {
      assertThat(incomplete.command().name()).isEqualTo("deploy");
      assertThat(incomplete.written()).containsEntry("environment", "staging");
    });
    assertThat(recorded).as("a form is not a refusal").isEmpty();

    Handled withoutForm = run(new ParseCommand(new CommandParser(), refusing), loaded("U0ALICE", "deploy staging"));
    assertThat(withoutForm.passedOn()).isEmpty();
    assertThat(recorded).singleElement().asString().contains("deploy staging");
  }

  @Test
  @DisplayName("parse: a complete command goes on, parsed")
  void completeCommandGoesOn() {
    Handled handled = run(new ParseCommand(new CommandParser(), refusing),
        loaded("U0ALICE", "deploy staging api --version 1.4.2"));

    assertThat(handled.passedOn()).hasValueSatisfying(state ->
        assertThat(state.invocation().command()).isEqualTo("deploy"));
  }

  @Test
  @DisplayName("groups: the request's own groups and those the platform finds are both used")
  void groupsAreJoined() {
    CommandState state = CommandState.of(new ChatCommand("acme", "T0ACME", "U0ERIN", "C0RANDOM", "/ops", "help", "k1",
        new JsonObject(), Set.of("R0FROM_REQUEST")), "slack", AFTER_FREEZE, IncompleteCommands.NONE).withPolicy(policy);
    Handled handled = run(new ResolveGroups((p, request) -> Future.succeededFuture(Set.of("S0ENGINEERS"))), state);

    assertThat(handled.passedOn()).hasValueSatisfying(resolved ->
        assertThat(resolved.request().groups()).containsExactlyInAnyOrder("R0FROM_REQUEST", "S0ENGINEERS"));
  }

  @Test
  @DisplayName("built-ins: help and whoami are answered here; an invocation goes on")
  void builtinsAreAnsweredHere() {
    AnswerBuiltins builtins = new AnswerBuiltins(new ChatBuiltins(null), null);

    Handled whoami = run(builtins, parsed("U0CAROL", "whoami", AFTER_FREEZE));
    assertThat(whoami.passedOn()).isEmpty();
    assertThat(text(whoami.answer())).contains("deployer").contains("approver");

    Handled help = run(builtins, parsed("U0BOB", "help", AFTER_FREEZE));
    assertThat(text(help.answer())).contains("deploy").doesNotContain("errors");

    assertThat(run(builtins, parsed("U0BOB", "deploy staging api --version 1.4.2", AFTER_FREEZE)).passedOn())
        .isPresent();
  }

  @Test
  @DisplayName("freeze windows: a frozen invocation is refused whoever asks; echo and other environments are not frozen")
  void freezeWindowsRefuse() {
    CheckFreezeWindows freeze = new CheckFreezeWindows(refusing);

    Handled frozen = run(freeze, parsed("U0ALICE", "deploy production api --version 1.4.2", DURING_FREEZE));
    assertThat(frozen.passedOn()).isEmpty();
    assertThat(text(frozen.answer())).contains("is frozen until").contains("year-end change freeze");
    assertThat(refusedCount("denied")).isEqualTo(1.0);

    assertThat(run(freeze, parsed("U0ALICE", "deploy staging api --version 1.4.2", DURING_FREEZE)).passedOn()).isPresent();
    assertThat(run(freeze, parsed("U0ALICE", "echo hi", DURING_FREEZE)).passedOn()).isPresent();
    assertThat(run(freeze, parsed("U0ALICE", "deploy production api --version 1.4.2", AFTER_FREEZE)).passedOn())
        .isPresent();
  }

  @Test
  @DisplayName("blast radius: targets outside the command's reach are refused whoever asks")
  void blastRadiusRefuses() {
    CheckBlastRadius blast = new CheckBlastRadius(refusing);

    Handled outside = run(blast, parsed("U0ALICE", "deploy staging billing --version 1.4.2", AFTER_FREEZE));
    assertThat(outside.passedOn()).isEmpty();
    assertThat(recorded).singleElement().asString().contains("billing");

    assertThat(run(blast, parsed("U0ALICE", "deploy staging api,web --version 1.4.2", AFTER_FREEZE)).passedOn())
        .isPresent();
  }

  @Test
  @DisplayName("roles: deny by default naming what would allow it; an approval rule is carried on")
  void rolesDecide() {
    CheckRoles roles = new CheckRoles(refusing);

    Handled denied = run(roles, parsed("U0BOB", "deploy production api --version 1.4.2", AFTER_FREEZE));
    assertThat(denied.passedOn()).isEmpty();
    assertThat(text(denied.answer())).isEqualTo("`deploy` in production on api needs role deployer in #C0DEPLOYS");

    Handled allowed = run(roles, parsed("U0BOB", "deploy staging api --version 1.4.2", AFTER_FREEZE));
    assertThat(allowed.passedOn()).hasValueSatisfying(state -> {
      assertThat(state.decision().reason()).isEqualTo("allowed by role developer");
      assertThat(state.decision().approval()).isEmpty();
    });

    CommandState inDeploys = CommandState.of(new ChatCommand("acme", "T0ACME", "U0ALICE", "C0DEPLOYS", "/ops",
            "deploy production api --version 1.4.2", "k2", new JsonObject()), "slack", AFTER_FREEZE,
        IncompleteCommands.NONE).withPolicy(policy);
    CommandState held = inDeploys.withParsed(new CommandParser().parse(policy.catalog(), inDeploys.command().text()));
    assertThat(run(roles, held).passedOn()).hasValueSatisfying(state ->
        assertThat(state.decision().approval()).isPresent());
  }

  @Test
  @DisplayName("a step that asks for what no earlier step found fails loudly: the steps are out of order")
  void outOfOrderIsAProgrammingError() {
    CommandState fresh = CommandState.of(command("U0ALICE", "help"), "slack", AFTER_FREEZE, IncompleteCommands.NONE);
    assertThatThrownBy(fresh::policy).isInstanceOf(IllegalStateException.class).hasMessageContaining("out of order");
    assertThatThrownBy(() -> fresh.withPolicy(policy).invocation()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> fresh.withPolicy(policy).withParsed(new ParsedCommand.WhoamiRequest()).invocation())
        .isInstanceOf(IllegalStateException.class);
  }

  /** What a step did: answered the command itself, or handed a state on. */
  private record Handled(CommandAnswer answer, Optional<CommandState> passedOn) {
  }

  private static Handled run(CommandStep step, CommandState state) {
    List<CommandState> next = new ArrayList<>();
    CommandAnswer passed = CommandAnswer.of(ChatMessage.ephemeral("passed on"));
    Future<CommandAnswer> answer = step.handle(state, handedOn -> {
      next.add(handedOn);
      return Future.succeededFuture(passed);
    });
    assertThat(answer.succeeded()).as("the step completes without I/O here").isTrue();
    return new Handled(answer.result(), next.stream().findFirst());
  }

  private CommandState loaded(String user, String text) {
    return CommandState.of(command(user, text), "slack", AFTER_FREEZE, IncompleteCommands.NONE).withPolicy(policy);
  }

  private CommandState parsed(String user, String text, Instant at) {
    CommandState state = CommandState.of(command(user, text), "slack", at, IncompleteCommands.NONE).withPolicy(policy);
    return state.withParsed(new CommandParser().parse(policy.catalog(), text));
  }

  private static ChatCommand command(String user, String text) {
    return new ChatCommand("acme", "T0ACME", user, "C0RANDOM", "/ops", text, "k-" + text, new JsonObject());
  }

  private static String text(CommandAnswer answer) {
    return SlackMessages.answer(answer).getString("text");
  }

  private double refusedCount(String reason) {
    return registry.find("switchboard.commands.refused").tag("reason", reason).counters().stream()
        .mapToDouble(counter -> counter.count()).sum();
  }
}

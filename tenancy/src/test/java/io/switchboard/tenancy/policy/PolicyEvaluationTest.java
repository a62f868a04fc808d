package io.switchboard.tenancy.policy;

import io.switchboard.tenancy.command.CommandParser;
import io.switchboard.tenancy.command.ParsedCommand;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Decisions of the documented example policy ({@code docs/examples/policy.json}), one row per case. */
class PolicyEvaluationTest {

  /** Now: the example's freeze window (year-end 2025) is over. */
  private static final Instant NOW = Instant.now();
  /** The example with its freeze window moved to [now - 1 day, now + 1 day), so "during" is now too. */
  private static final Instant FROZEN_UNTIL = NOW.plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MINUTES);

  private static final DateTimeFormatter UNTIL_TEXT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final TenantPolicy policy = PolicyDocument.compile(ExamplePolicy.document(), 7);
  private final TenantPolicy frozen = PolicyDocument.compile(ExamplePolicy.withFreezeWindow(
      NOW.minus(Duration.ofDays(1)), FROZEN_UNTIL), 7);
  private final CommandParser parser = new CommandParser();

  @ParameterizedTest(name = "[{index}] {0} in {1}/{2}: {3} -> {5}")
  @CsvSource(delimiter = '|', value = {
      // user   | workspace | channel   | command                                    | when   | outcome        | reason contains
      "U0ALICE  | T0ACME    | C0RANDOM  | deploy staging api --version 1.4.2          | now    | ALLOWED        | allowed by role developer",
      "U0ALICE  | T0ACME    | C0RANDOM  | ship staging api,web --version 1.4.2        | now    | ALLOWED        | allowed by role developer",
      "U0ALICE  | T0ACME    | C0RANDOM  | scale staging api 4                         | now    | ALLOWED        | allowed by role developer",
      "U0ALICE  | T0ACME    | C0DEPLOYS | deploy production api --version 1.4.2       | now    | NEEDS_APPROVAL | needs 1 approval from role approver within 30 min (rule production-changes)",
      "U0ALICE  | T0ACME    | C0RANDOM  | deploy production api --version 1.4.2       | now    | DENIED         | may be run with your role deployer only in #C0DEPLOYS",
      "U0BOB    | T0ACME    | C0DEPLOYS | deploy production api --version 1.4.2       | now    | DENIED         | `deploy` in production on api needs role deployer in #C0DEPLOYS",
      "U0ALICE  | T0OTHER   | C0DEPLOYS | deploy production api --version 1.4.2       | now    | DENIED         | needs role deployer in #C0DEPLOYS",
      "U0ALICE  | T0OTHER   | C0DEPLOYS | deploy staging api --version 1.4.2          | now    | ALLOWED        | allowed by role developer",
      "U0EVE    | T0ACME    | C0RANDOM  | errors production api                       | now    | DENIED         | `errors` in production on api needs role viewer",
      "U0EVE    | T0ACME    | C0RANDOM  | echo hi                                     | now    | ALLOWED        | built-in",
      "U0ALICE  | T0ACME    | C0RANDOM  | deploy staging api,web,worker-1,worker-2 --version 1.0.0 | now    | DENIED | may touch at most 3 targets per run; you named 4",
      "U0ALICE  | T0ACME    | C0RANDOM  | deploy staging db --version 1.0.0           | now    | DENIED         | may not touch db; allowed: api, web, worker-*",
      "U0ALICE  | T0ACME    | C0RANDOM  | deploy staging worker-7 --version 1.0.0     | now    | ALLOWED        | allowed by role developer",
      "U0ALICE  | T0ACME    | C0RANDOM  | scale staging api,web 2                     | now    | DENIED         | needs role",
      "U0CAROL  | T0ACME    | C0DEPLOYS | deploy production api --version 1.4.2       | during | DENIED         | is frozen until {until} (year-end: year-end change freeze)",
      "U0ALICE  | T0ACME    | C0RANDOM  | deploy staging api --version 1.4.2          | during | ALLOWED        | allowed by role developer",
      "U0CAROL  | T0ACME    | C0DEPLOYS | scale production api 3                      | now    | NEEDS_APPROVAL | rule production-changes",
      "U0DAVE   | T0ACME    | C0DEPLOYS | scale production api 3                      | now    | DENIED         | needs role deployer",
  })
  void decides(String user, String workspace, String channel, String text, String when, Decision.Outcome outcome,
               String reason) {
    ParsedCommand parsed = parser.parse(policy.catalog(), text);
    if (parsed instanceof ParsedCommand.Unrecognised unrecognised) {
      // "scale staging api,web 2": service is a single target, so the parser already refuses it.
      assertThat(outcome).isEqualTo(Decision.Outcome.DENIED);
      assertThat(unrecognised.message()).contains("does not have the expected form");
      return;
    }
    TenantPolicy deciding = when.equals("during") ? frozen : policy;
    Decision decision = deciding.decide(new CommandRequest("t1", "slack", workspace, user, channel),
        (ParsedCommand.Invocation) parsed, NOW);
    assertThat(decision.outcome()).isEqualTo(outcome);
    assertThat(decision.reason()).contains(reason.replace("{until}", UNTIL_TEXT.format(FROZEN_UNTIL)));
  }

  @Test
  void theDocumentedFreezeWindowIsOverAndFrozeProductionInItsTime() {
    JsonObject window = ExamplePolicy.document().getJsonArray("freezeWindows").getJsonObject(0);
    Instant from = Instant.parse(window.getString("from"));
    Instant until = Instant.parse(window.getString("until"));
    ParsedCommand.Invocation deploy = (ParsedCommand.Invocation) parser.parse(policy.catalog(),
        "deploy production api --version 1.4.2");
    CommandRequest carol = new CommandRequest("t1", "slack", "T0ACME", "U0CAROL", "C0DEPLOYS");

    assertThat(until).as("the example must not freeze whoever copies it today").isBefore(NOW);
    assertThat(policy.decide(carol, deploy, from.plus(Duration.ofDays(1))).reason()).contains("is frozen until");
    assertThat(policy.decide(carol, deploy, until).outcome()).isEqualTo(Decision.Outcome.NEEDS_APPROVAL);
  }

  @Test
  void aGroupMembershipGrantsTheGroupsRoles() {
    CommandRequest inGroup = new CommandRequest("t1", "slack", "T0ACME", "U0EVE", "C0RANDOM", Set.of("S0ENGINEERS"));
    ParsedCommand.Invocation errors = (ParsedCommand.Invocation) parser.parse(policy.catalog(), "err production api");

    assertThat(frozen.decide(inGroup, errors, NOW).outcome()).as("read-only stays open in a freeze")
        .isEqualTo(Decision.Outcome.ALLOWED);
    assertThat(policy.rolesOf(inGroup)).containsExactly("viewer", "developer");
  }

  @Test
  void theGroupsThatMatterAreThoseBindingsName() {
    assertThat(policy.groupsBound("slack")).containsExactly("S0ENGINEERS");
    assertThat(policy.groupsBound("teams")).containsExactly("5f1c0e9a-0000-4000-8000-000000000001");
    assertThat(policy.groupsBound("discord")).isEmpty();
  }

  @Test
  void aBindingIsPerPlatform() {
    CommandRequest teamsUser = new CommandRequest("t1", "teams", "T0ACME", "U0ALICE", "C0DEPLOYS");
    assertThat(policy.rolesOf(teamsUser)).isEmpty();
    assertThat(policy.rolesOf(new CommandRequest("t1", "teams", "x", "u", "c",
        Set.of("5f1c0e9a-0000-4000-8000-000000000001")))).containsExactly("viewer");
  }

  @Test
  void approvalRequirementCarriesTheRule() {
    ParsedCommand.Invocation deploy = (ParsedCommand.Invocation) parser.parse(policy.catalog(),
        "deploy production api --version 2.0.0");
    Decision decision = policy.decide(new CommandRequest("t1", "slack", "T0ACME", "U0ALICE", "C0DEPLOYS"), deploy,
        NOW);
    assertThat(decision.approval()).contains(new ApprovalRequirement("production-changes", 1, "approver",
        Duration.ofMinutes(30)));
  }

  @Test
  void rolesAndHelpFollowBindingsAndChannels() {
    CommandRequest aliceInRandom = new CommandRequest("t1", "slack", "T0ACME", "U0ALICE", "C0RANDOM");
    CommandRequest eve = new CommandRequest("t1", "slack", "T0ACME", "U0EVE", "C0RANDOM");
    assertThat(policy.rolesOf(aliceInRandom)).containsExactly("developer", "deployer");
    assertThat(policy.holdsRole(new CommandRequest("t1", "slack", "T0ACME", "U0DAVE", "C1"), "approver")).isTrue();
    assertThat(policy.holdsRole(new CommandRequest("t1", "slack", "T0OTHER", "U0DAVE", "C1"), "approver")).isFalse();
    assertThat(policy.mayRunSomewhere(aliceInRandom, "deploy")).isTrue();
    assertThat(policy.mayRunSomewhere(aliceInRandom, "errors")).isFalse();
    assertThat(policy.mayRunSomewhere(eve, "deploy")).isFalse();
    assertThat(policy.mayRunSomewhere(eve, "jobs")).isTrue();
  }

  @Test
  void anEmptyPolicyDeniesEveryCatalogCommandAndAllowsBuiltins() {
    TenantPolicy empty = PolicyDocument.empty(0);
    CommandRequest anyone = new CommandRequest("t1", "slack", "T0ACME", "U0ALICE", "C0DEPLOYS");
    assertThat(empty.decide(anyone, ParsedCommand.Invocation.echo("hi"), NOW).allowed()).isTrue();
    assertThat(empty.catalog().commands()).isEmpty();
    assertThat(empty.rateLimits()).isEqualTo(RateLimits.DEFAULTS);
  }

  @Test
  void theExampleSetsItsRateLimits() {
    assertThat(policy.rateLimits()).isEqualTo(new RateLimits(new RateLimits.Bucket(60, 120),
        new RateLimits.Bucket(5, 10), new RateLimits.Bucket(10, 30)));
    assertThat(policy.version()).isEqualTo(7);
  }
}

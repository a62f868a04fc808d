package io.switchboard.gateway.teams;

import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.testkit.Await;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.fuzz.FuzzCase;
import io.switchboard.gateway.fuzz.RawHttp;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of {@code POST /api/messages} with activities whose token is good (signed by the
 * Bot Framework stand-in for the activity's own {@code serviceUrl}, whatever it is), so they get past
 * the JWT check and reach the handlers: a command from the bound Teams tenant, a click on the card of
 * a pending approval, the bot added or removed, with one to three fields anywhere in them (type,
 * text, from, conversation, {@code channelData.tenant.id}, serviceUrl, value, entities, ...) changed
 * to hostile values of any type or removed, and bodies with duplicated fields, deep nesting, invalid
 * UTF-8 or cut short. Each answer is a 4xx problem that made no job, or a normal answer; never a 5xx.
 * A job, when one is made, belongs to the Switchboard tenant that holds the Teams tenant the activity
 * came from; every tenant's audit chain still verifies and the node is ready.
 */
@DisplayName("Fuzzing /api/messages with validly signed hostile activities")
class TeamsActivitiesFuzzTest {

  private static final String ACME_TEAMS = TeamsBotTest.ACME_TEAMS;
  /** Jobs whose Teams tenant is not installed for the job's tenant: none may exist. */
  private static final String STRAY_JOBS = """
      SELECT count(*) FROM jobs j WHERE j.platform <> 'teams' OR NOT EXISTS (SELECT 1 FROM chat_installations i
        WHERE i.platform = 'teams' AND i.tenant_id = j.tenant_id AND i.workspace_id = j.reply_to->>'teamsTenant')""";

  private static final Map<Integer, Integer> STATUSES = new TreeMap<>();

  private static BotFrameworkStandIn botFramework;
  private static GatewayFixture fixture;
  private static long approvalId;

  @BeforeAll
  static void start() {
    botFramework = BotFrameworkStandIn.start();
    fixture = new GatewayFixture(botFramework.env());
    Await.result(fixture.pool().withTransaction(tx -> Installations.add(tx, "acme", "teams", ACME_TEAMS, null, null,
        InstallationProof.OPERATOR)));
    // Alice's deploy to production waits for an approver (Bob): clicks on its card reach a real approval.
    fixture.putPolicy("acme", TeamsBotTest.teamsPolicy());
    RawHttp.post(fixture.baseUrl(), "/api/messages", Map.of("Content-Type", "application/json", "Authorization",
        "Bearer " + botFramework.token()), TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS,
        TeamsBotTest.CHANNEL, "pending-approval", TeamsBotTest.ALICE, "deploy production api --version 1.4.2").encode()
        .getBytes(StandardCharsets.UTF_8)).assertAnsweredCleanly("the command that asks for approval");
    approvalId = fixture.count("SELECT id FROM approvals WHERE status = 'pending'");
  }

  @AfterAll
  static void stop() {
    System.out.println("Answers to hostile activities by HTTP status: " + STATUSES + "; jobs made: "
        + fixture.jobCount());
    try {
      RawHttp.assertReady(fixture.baseUrl());
      assertThat(fixture.auditChainsIntact()).as("what hostile input put in every tenant's audit chain verifies").isTrue();
    } finally {
      fixture.close();
      botFramework.close();
    }
  }

  static Stream<FuzzCase> cases() {
    return FuzzCase.cases("teams-activities");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @DisplayName("a signed activity with hostile fields")
  void hostileActivity(FuzzCase fuzz) {
    JsonObject activity = fuzz.mutate(valid(fuzz));
    String serviceUrl = activity.getValue("serviceUrl") instanceof String url ? url : botFramework.serviceUrl();
    String token = botFramework.token(BotFrameworkStandIn.APP_ID, serviceUrl, Instant.now().plusSeconds(600), false);
    byte[] body = fuzz.body(activity);
    String contentType = fuzz.chance(5)
        ? fuzz.pick("text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "",
            "application/jsonx", fuzz.text())
        : "application/json";
    long jobs = fixture.jobCount();
    RawHttp.Answer answer = RawHttp.post(fixture.baseUrl(), "/api/messages",
        Map.of("Content-Type", contentType, "Authorization", "Bearer " + token), body);
    String input = fuzz + ": Content-Type: " + contentType + "\n" + new String(body, StandardCharsets.UTF_8);
    STATUSES.merge(answer.status(), 1, Integer::sum);
    answer.assertAnsweredCleanly(input);
    if (answer.refused()) {
      assertThat(fixture.jobCount()).as(input + "\na refused activity made no job").isEqualTo(jobs);
    }
    assertThat(fixture.count(STRAY_JOBS)).as(input + "\nevery job is its tenant's, from its Teams tenant").isZero();
  }

  /** A real activity: a command from acme's Teams tenant, a click on an approval card, or the bot added. */
  private static JsonObject valid(FuzzCase fuzz) {
    String id = "activities-" + fuzz.number();
    return switch (fuzz.below(4)) {
      case 0, 1 -> TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, TeamsBotTest.CHANNEL, id,
          TeamsBotTest.ALICE, fuzz.pick("echo fuzz", "help", "deploy staging api", "job 1", "cancel 1"));
      case 2 -> TeamsActivities.submit(botFramework.serviceUrl(), ACME_TEAMS, TeamsBotTest.CHANNEL, id,
          TeamsBotTest.BOB, "1:bot-activity-1", new JsonObject().put("switchboard", ApprovalMessages.APPROVE)
              .put("approvalId", fuzz.chance(80) ? approvalId : fuzz.below(3)));
      default -> TeamsActivities.botMembership(botFramework.serviceUrl(), "0a0b0c0d-3333-4222-8333-"
          + String.format("%012d", fuzz.number()), TeamsBotTest.CHANNEL, TeamsBotTest.ALICE, fuzz.chance(80))
          .put("entities", new JsonArray());
    };
  }
}

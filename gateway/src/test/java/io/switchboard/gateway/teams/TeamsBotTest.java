package io.switchboard.gateway.teams;

import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobProgress;
import io.switchboard.core.job.JobStatus;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.Http;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("POST /api/messages (Teams through the Bot Framework) with a loopback Bot Framework")
class TeamsBotTest {

  static final String ACME_TEAMS = "72f988bf-0000-4000-8000-00000000acme";
  static final String GLOBEX_TEAMS = "72f988bf-0000-4000-8000-0000000g1bex";
  static final String CHANNEL = "19:ops@thread.tacv2";
  static final String ALICE = "aad-alice-0001";
  static final String BOB = "aad-bob-0002";

  private BotFrameworkStandIn botFramework;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    botFramework = BotFrameworkStandIn.start();
    fixture = new GatewayFixture(botFramework.env());
  }

  @AfterEach
  void stop() {
    fixture.close();
    botFramework.close();
  }

  @Test
  @DisplayName("the bot added in a Teams tenant nobody holds makes a new tenant with its installation; removed, it is disabled")
  void botAddedAndRemoved() {
    String newTeams = "0a0b0c0d-1111-4222-8333-444455556666";
    assertThat(post(TeamsActivities.botMembership(botFramework.serviceUrl(), newTeams, CHANNEL, ALICE, true))
        .statusCode()).isEqualTo(200);
    String tenant = "teams-" + newTeams;
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE tenant_id = '" + tenant
        + "' AND platform = 'teams' AND workspace_id = '" + newTeams + "' AND enabled")).isEqualTo(1);
    assertThat(fixture.auditTypes(tenant)).containsExactly("tenant.created", "installation.added");

    post(TeamsActivities.botMembership(botFramework.serviceUrl(), newTeams, CHANNEL, ALICE, false));
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = '" + newTeams
        + "' AND NOT enabled")).isEqualTo(1);
    assertThat(fixture.auditTypes(tenant)).containsExactly("tenant.created", "installation.added",
        "installation.disabled");
    post(TeamsActivities.mention(botFramework.serviceUrl(), newTeams, CHANNEL, "1700000000001", ALICE, "echo hi"));
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("a Teams tenant the operator bound stays with that tenant when the bot is added")
  void boundTenantKeepsItsInstallation() {
    bindAcme();
    post(TeamsActivities.botMembership(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, ALICE, false));
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = '" + ACME_TEAMS
        + "' AND tenant_id = 'acme' AND NOT enabled")).isEqualTo(1);
    post(TeamsActivities.botMembership(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, ALICE, true));
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = '" + ACME_TEAMS
        + "' AND tenant_id = 'acme' AND enabled")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM tenants WHERE id LIKE 'teams-%'")).isZero();
    assertThat(fixture.auditTypes("acme")).containsExactly("installation.added", "installation.disabled",
        "installation.added");
  }

  @Test
  @DisplayName("adding the bot takes a Teams tenant from a Switchboard tenant that only claimed it: it gets its own tenant")
  void botAddedDisplacesABareClaim() {
    fixture.count("WITH claimed AS (INSERT INTO chat_installations (tenant_id, platform, workspace_id) "
        + "VALUES ('globex', 'teams', '" + ACME_TEAMS + "') RETURNING 1) SELECT count(*) FROM claimed");
    post(TeamsActivities.botMembership(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, ALICE, true));
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = '" + ACME_TEAMS
        + "' AND tenant_id = 'teams-" + ACME_TEAMS.toLowerCase() + "' AND enabled "
        + "AND verified_via = 'teams_conversation_update'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE tenant_id = 'globex' "
        + "AND platform = 'teams'")).isZero();
    assertThat(fixture.auditTypes("globex")).containsExactly("installation.displaced");
  }

  @Test
  @DisplayName("a command shows one card, updated in place by progress and by the result: one POST, then PUTs")
  void commandWithProgress() {
    bindAcme();
    assertThat(post(TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "1700000000100", ALICE,
        "echo hello")).statusCode()).isEqualTo(200);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND platform = 'teams' "
        + "AND requester = '" + ALICE + "' AND channel = '" + CHANNEL + "' AND arguments->>'text' = 'hello' "
        + "AND reply_to->>'kind' = 'teams_activity'")).isEqualTo(1);
    Await.until("the job's card", () -> fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'teams'") == 1);
    long jobId = fixture.count("SELECT id FROM jobs");
    BotFrameworkStandIn.Call card = botFramework.calls("POST").get(0);
    assertThat(card.conversation()).isEqualTo(CHANNEL);
    assertThat(card.activityId()).isEqualTo("1700000000100");
    assertThat(card.token()).isEqualTo("bf-token-1");
    assertThat(card.body().encode()).contains("application/vnd.microsoft.card.adaptive").contains("queued");
    assertThat(card.body().encode()).as("an Adaptive Card's text has no code spans, so no backticks show")
        .contains("Queued as job " + jobId + ": echo hello.").doesNotContain("`");

    fixture.count("WITH u AS (UPDATE jobs SET status = 'running', started_at = now() WHERE id = " + jobId
        + " RETURNING 1) SELECT count(*) FROM u");
    progress(jobId, "step 1 of 2");
    Await.until("the first progress update", () -> botFramework.calls("PUT").size() == 1);
    progress(jobId, "step 2 of 2");
    Await.until("the second progress update", () -> botFramework.calls("PUT").size() == 2);
    fixture.count("WITH u AS (UPDATE jobs SET status = 'succeeded', output = 'hello', finished_at = now() WHERE id = "
        + jobId + " RETURNING 1) SELECT count(*) FROM u");
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", jobId, JobStatus.SUCCEEDED).toJson());
    Await.until("the result update", () -> botFramework.calls("PUT").size() == 3);
    Await.until("the reply marked sent", () -> fixture.count("SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL") == 1);

    assertThat(botFramework.calls("POST")).hasSize(1);
    assertThat(botFramework.calls("PUT")).allSatisfy(put -> {
      assertThat(put.activityId()).isEqualTo("1:bot-activity-1");
      assertThat(put.conversation()).isEqualTo(CHANNEL);
    });
    assertThat(botFramework.calls("PUT").get(0).body().encode()).contains("step 1 of 2");
    assertThat(botFramework.calls("PUT").get(1).body().encode()).contains("step 2 of 2");
    assertThat(botFramework.calls("PUT").get(2).body().encode()).contains("succeeded").contains("hello");
    assertThat(botFramework.tokenRequests()).isEqualTo(1);
  }

  @Test
  @DisplayName("an activity delivered twice queues one job")
  void redeliveredActivityQueuesOnce() {
    bindAcme();
    JsonObject activity = TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "1700000000150",
        ALICE, "echo twice");
    assertThat(post(activity).statusCode()).isEqualTo(200);
    assertThat(post(activity).statusCode()).isEqualTo(200);
    assertThat(fixture.jobCount()).isEqualTo(1);
    assertThat(fixture.metric("switchboard.commands.refused", "platform", "teams", "reason", "duplicate_delivery"))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("an approval card: the requester cannot approve, a second user with the approver role can")
  void approvalClickedBySecondUser() {
    bindAcme();
    fixture.putPolicy("acme", teamsPolicy());
    post(TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "1700000000200", ALICE,
        "deploy production api --version 1.4.2"));
    assertThat(fixture.count("SELECT count(*) FROM approvals WHERE tenant_id = 'acme' AND status = 'pending' "
        + "AND platform = 'teams' AND requester = '" + ALICE + "'")).isEqualTo(1);
    assertThat(fixture.jobCount()).isZero();
    Await.until("the approval card", () -> botFramework.calls("POST").size() == 1);
    String cardJson = botFramework.calls("POST").get(0).body().encode();
    assertThat(cardJson).contains("Action.Submit").contains(ApprovalMessages.APPROVE);
    long approvalId = fixture.count("SELECT id FROM approvals");
    JsonObject approve = new JsonObject().put("switchboard", ApprovalMessages.APPROVE).put("approvalId", approvalId);

    post(TeamsActivities.submit(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "1700000000201", ALICE,
        "1:bot-activity-1", approve));
    Await.until("the requester told she cannot approve", () -> botFramework.calls("POST").size() == 2);
    assertThat(botFramework.calls("POST").get(1).body().getString("text")).contains("cannot approve your own");
    assertThat(fixture.jobCount()).isZero();

    post(TeamsActivities.submit(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "1700000000202", BOB,
        "1:bot-activity-1", approve));
    assertThat(fixture.count("SELECT count(*) FROM approvals WHERE status = 'approved'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND command = 'deploy' "
        + "AND reply_to->>'replyToId' = '1:bot-activity-1'")).isEqualTo(1);
    Await.until("the card replaced with its outcome", () -> botFramework.calls("PUT").size() == 1);
    BotFrameworkStandIn.Call update = botFramework.calls("PUT").get(0);
    assertThat(update.activityId()).isEqualTo("1:bot-activity-1");
    assertThat(update.body().encode()).contains("Approved by " + BOB).doesNotContain("Action.Submit");
  }

  @Test
  @DisplayName("an approval that expires is told in the command's thread, with nothing run")
  void expiredApprovalIsTold() {
    bindAcme();
    fixture.putPolicy("acme", teamsPolicy());
    post(TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "1700000000250", ALICE,
        "deploy production api --version 1.4.3"));
    Await.until("the approval card", () -> botFramework.calls("POST").size() == 1);
    fixture.count("WITH u AS (UPDATE approvals SET deadline = now() - interval '1 minute' RETURNING 1) "
        + "SELECT count(*) FROM u");
    Await.until("the expiry told by the gateway's sweep", () -> botFramework.calls("POST").size() == 2);
    BotFrameworkStandIn.Call notice = botFramework.calls("POST").get(1);
    assertThat(notice.activityId()).isEqualTo("1700000000250");
    assertThat(notice.body().encode()).contains("Expired").contains("Nothing ran");
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("forged, expired, wrong-audience, wrong-serviceUrl, unendorsed-channel and missing tokens are 401 and nothing runs")
  void badTokensRefused() {
    bindAcme();
    JsonObject activity = TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "1700000000300",
        ALICE, "echo x");
    String url = botFramework.serviceUrl();
    Instant later = Instant.now().plusSeconds(600);
    assertThat(post(activity, botFramework.token(BotFrameworkStandIn.APP_ID, url, later, true)).statusCode())
        .isEqualTo(401);
    assertThat(post(activity, botFramework.token(BotFrameworkStandIn.APP_ID, url, Instant.now().minusSeconds(600),
        false)).statusCode()).isEqualTo(401);
    assertThat(post(activity, botFramework.token("another-app", url, later, false)).statusCode()).isEqualTo(401);
    assertThat(post(activity, botFramework.token(BotFrameworkStandIn.APP_ID, "https://smba.evil.example/", later,
        false)).statusCode()).isEqualTo(401);
    assertThat(post(activity, null).statusCode()).isEqualTo(401);
    assertThat(post(activity, "not.a.jwt").statusCode()).isEqualTo(401);
    JsonObject notEndorsed = activity.copy().put("channelId", "directline");
    assertThat(post(notEndorsed, botFramework.token()).statusCode()).isEqualTo(401);
    JsonObject otherUrl = activity.copy().put("serviceUrl", "https://smba.evil.example/");
    assertThat(post(otherUrl, botFramework.token()).statusCode()).isEqualTo(401);
    assertThat(post(TeamsActivities.botMembership(url, "0a0b0c0d-9999-4222-8333-444455556666", CHANNEL, ALICE, true),
        botFramework.token("another-app", url, later, false)).statusCode()).isEqualTo(401);

    assertThat(fixture.jobCount()).isZero();
    assertThat(fixture.count("SELECT count(*) FROM tenants WHERE id LIKE 'teams-%'")).isZero();
    assertThat(fixture.auditTypes("acme")).containsExactly("installation.added");
    assertThat(botFramework.calls()).isEmpty();
  }

  @Test
  @DisplayName("a token expired less than 5 minutes ago is still accepted (the Bot Framework's clock skew)")
  void clockSkewAllowed() {
    bindAcme();
    JsonObject activity = TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "1700000000350",
        ALICE, "echo skew");
    assertThat(post(activity, botFramework.token(BotFrameworkStandIn.APP_ID, botFramework.serviceUrl(),
        Instant.now().minusSeconds(120), false)).statusCode()).isEqualTo(200);
    assertThat(fixture.jobCount()).isEqualTo(1);
  }

  @Test
  @DisplayName("bad bodies are 400 or 415 problems, never 500, and nothing runs")
  void badBodies() {
    bindAcme();
    String token = botFramework.token();
    assertThat(TeamsActivities.post(fixture.baseUrl(), token, "{\"type\":", "application/json").statusCode())
        .isEqualTo(400);
    assertThat(TeamsActivities.post(fixture.baseUrl(), token, "[]", "application/json").statusCode()).isEqualTo(400);
    JsonObject noServiceUrl = TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "1", ALICE, "x");
    noServiceUrl.remove("serviceUrl");
    HttpResponse<String> missing = post(noServiceUrl, token);
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("serviceUrl");
    JsonObject noUser = TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "2", ALICE, "echo x");
    noUser.getJsonObject("from").remove("aadObjectId");
    assertThat(post(noUser, token).statusCode()).isEqualTo(400);
    JsonObject badClick = TeamsActivities.submit(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "3", ALICE, "1:x",
        new JsonObject().put("switchboard", "approval.approve").put("approvalId", "seven"));
    assertThat(post(badClick, token).statusCode()).isEqualTo(400);
    assertThat(TeamsActivities.post(fixture.baseUrl(), token, "type=message", "application/x-www-form-urlencoded")
        .statusCode()).isEqualTo(415);
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("a 429 from the connector is waited out (Retry-After) and the card still arrives, once")
  void connectorRateLimitHonoured() {
    bindAcme();
    botFramework.rateLimit("POST", 1);
    post(TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "1700000000500", ALICE, "echo later"));
    Await.until("the card after the 429", () -> fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'teams'") == 1);
    assertThat(botFramework.calls("POST")).hasSize(1);
    assertThat(fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'teams' "
        + "AND address->>'activityId' = '1:bot-activity-1'"))
        .isEqualTo(1);
    assertThat(fixture.registry().counter("switchboard.outbound.rate.limited", "platform", "teams").count())
        .as("the connector's 429, counted").isEqualTo(1);
  }

  @Test
  @DisplayName("an answer the connector does not take is owed and sent again by the sweep, once")
  void answerOwedUntilTaken() {
    bindAcme();
    botFramework.rateLimit("POST", 1 + TeamsConnector.MAX_RETRIES);
    post(TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "1700000000550", ALICE, "frobnicate"));
    Await.until("the refusal, sent again by the sweep",
        () -> fixture.count("SELECT count(*) FROM answer_outbox WHERE delivered_at IS NOT NULL") == 1);
    assertThat(botFramework.calls("POST")).hasSize(1);
    assertThat(botFramework.calls("POST").get(0).body().getString("text")).contains("frobnicate");
    assertThat(fixture.count("SELECT attempts FROM answer_outbox WHERE tenant_id = 'acme' AND platform = 'teams' "
        + "AND user_id = '" + ALICE + "'")).isEqualTo(2);
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("a 429 on the result's update is waited out and the result still replaces the card, once")
  void resultUpdateRateLimitHonoured() {
    bindAcme();
    post(TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "1700000000600", ALICE, "echo done"));
    Await.until("the job's card", () -> fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'teams'") == 1);
    long jobId = fixture.count("SELECT id FROM jobs");
    botFramework.rateLimit("PUT", 1);
    fixture.count("WITH u AS (UPDATE jobs SET status = 'succeeded', output = 'done', started_at = now(), "
        + "finished_at = now() WHERE id = " + jobId + " RETURNING 1) SELECT count(*) FROM u");
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", jobId, JobStatus.SUCCEEDED).toJson());
    Await.until("the reply marked sent", () -> fixture.count("SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL") == 1);
    assertThat(botFramework.calls("PUT")).singleElement()
        .satisfies(put -> assertThat(put.body().encode()).contains("succeeded").contains("done"));
    assertThat(botFramework.calls("POST")).hasSize(1);
  }

  @Test
  @DisplayName("tenant isolation: each Teams tenant reaches only its own tenant; an unbound one reaches none")
  void tenantIsolation() {
    bindAcme();
    bind("globex", GLOBEX_TEAMS);
    post(TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "1700000000700", ALICE, "echo a"));
    post(TeamsActivities.mention(botFramework.serviceUrl(), GLOBEX_TEAMS, CHANNEL, "1700000000700", ALICE, "echo g"));
    post(TeamsActivities.mention(botFramework.serviceUrl(), "0a0b0c0d-7777-4222-8333-444455556666", CHANNEL,
        "1700000000700", ALICE, "echo nobody"));
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND arguments->>'text' = 'a'"))
        .isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'globex' AND arguments->>'text' = 'g'"))
        .isEqualTo(1);
    assertThat(fixture.jobCount()).isEqualTo(2);
    Await.until("both cards", () -> fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'teams'") == 2);
    assertThat(fixture.count("SELECT count(*) FROM chat_job_messages a JOIN jobs j ON j.id = a.job_id "
        + "WHERE j.tenant_id <> a.tenant_id")).isZero();
  }

  @Test
  @DisplayName("without an app id and password, /api/messages is a 503 problem and nothing runs")
  void notConfigured() {
    try (GatewayFixture bare = new GatewayFixture()) {
      HttpResponse<String> response = TeamsActivities.post(bare.baseUrl(), botFramework.token(),
          TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, "1", ALICE, "echo x"));
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).contains("not_configured");
      assertThat(bare.jobCount()).isZero();
    }
  }

  private void bindAcme() {
    bind("acme", ACME_TEAMS);
  }

  /** The operator binds the Teams tenant to the Switchboard tenant (a tenant admin cannot prove a Teams tenant). */
  private void bind(String tenant, String teamsTenant) {
    HttpResponse<String> response = Http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl()
            + "/api/v1/tenants/" + tenant + "/installations"))
        .header("Authorization", "Bearer " + GatewayFixture.OPERATOR_TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("platform", "teams")
            .put("workspaceId", teamsTenant).encode())).build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
  }

  private void progress(long jobId, String line) {
    fixture.count("WITH u AS (UPDATE jobs SET progress = '" + line + "' WHERE id = " + jobId
        + " RETURNING 1) SELECT count(*) FROM u");
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_PROGRESS, new JobProgress("acme", jobId, 1, line).toJson());
  }

  private HttpResponse<String> post(JsonObject activity) {
    return post(activity, botFramework.token());
  }

  private HttpResponse<String> post(JsonObject activity, String token) {
    return TeamsActivities.post(fixture.baseUrl(), token, activity);
  }

  /** The worked example policy with Teams users: Alice deploys, Bob approves; no freeze. */
  static JsonObject teamsPolicy() {
    JsonObject policy = GatewayFixture.examplePolicy().put("freezeWindows", new JsonArray());
    policy.put("bindings", new JsonArray()
        .add(new JsonObject().put("role", "developer").put("subjects", new JsonArray().add("teams:user:" + ALICE)))
        .add(new JsonObject().put("role", "approver").put("subjects", new JsonArray().add("teams:user:" + BOB))));
    JsonArray roles = policy.getJsonArray("roles");
    roles.add(new JsonObject().put("name", "teams-deployer").put("permissions", new JsonArray()
        .add(new JsonObject().put("commands", new JsonArray().add("deploy")).put("environments",
            new JsonArray().add("production")))));
    policy.getJsonArray("bindings").add(new JsonObject().put("role", "teams-deployer")
        .put("subjects", new JsonArray().add("teams:user:" + ALICE)));
    return policy;
  }
}

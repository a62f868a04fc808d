package io.switchboard.gateway.discord;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobProgress;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.discord.DiscordApiStandIn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("POST /discord/interactions: signatures, commands, edits of the original response")
class DiscordInteractionsTest {

  static final String ACME_GUILD = "100000000000000001";
  static final String GLOBEX_GUILD = "200000000000000002";
  static final String UNKNOWN_GUILD = "300000000000000003";
  static final String CHANNEL = "500000000000000005";
  static final String ALICE = "710000000000000001";
  static final String DAVE = "740000000000000004";

  private final SignedInteraction.App shared = SignedInteraction.App.generate("810000000000000001");
  private final SignedInteraction.App globexApp = SignedInteraction.App.generate("820000000000000002");
  private DiscordApiStandIn discord;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    discord = DiscordApiStandIn.start();
    fixture = new GatewayFixture(discord.env(shared.applicationId(), shared.publicKeyHex()));
    Await.result(fixture.pool().withTransaction(tx -> Installations.add(tx, "acme", "discord", ACME_GUILD,
        null, null, InstallationProof.OPERATOR)
        .compose(v -> Installations.add(tx, "globex", "discord", GLOBEX_GUILD, globexApp.publicKeyHex(),
            globexApp.applicationId(), InstallationProof.OPERATOR))));
  }

  @AfterEach
  void stop() {
    fixture.close();
    discord.close();
  }

  @Test
  @DisplayName("PING is answered with a PONG")
  void ping() {
    HttpResponse<String> response = SignedInteraction.post(fixture.baseUrl(), shared, SignedInteraction.ping(shared));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("type", 1));
  }

  @Test
  @DisplayName("an interaction holding a NUL character is a 400 before it is acknowledged (found by DiscordInteractionsFuzzTest)")
  void nulCharactersAreRefusedBeforeTheAck() {
    HttpResponse<String> refused = SignedInteraction.post(fixture.baseUrl(), shared,
        SignedInteraction.command(shared, ACME_GUILD, CHANNEL, ALICE, "echo a\u0000b"));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("NUL");
    assertThat(fixture.jobCount()).isZero();
    assertThat(discord.calls()).isEmpty();
  }

  @Test
  @DisplayName("a forged, replayed (stale), unsigned or other application's request is refused with 401 and nothing runs")
  void forgedAndReplayedRefused() {
    JsonObject command = SignedInteraction.command(shared, ACME_GUILD, CHANNEL, ALICE, "echo x");
    SignedInteraction.App forger = SignedInteraction.App.generate(shared.applicationId());
    String body = command.encode();
    String now = Long.toString(Instant.now().getEpochSecond());

    assertThat(SignedInteraction.post(fixture.baseUrl(), forger, command).statusCode()).isEqualTo(401);
    assertThat(SignedInteraction.post(fixture.baseUrl(), shared, body, Instant.now().minusSeconds(301)).statusCode())
        .isEqualTo(401);
    assertThat(SignedInteraction.post(fixture.baseUrl(), shared, body, Instant.now().plusSeconds(600)).statusCode())
        .isEqualTo(401);
    assertThat(SignedInteraction.send(fixture.baseUrl(), body, now, null).statusCode()).isEqualTo(401);
    assertThat(SignedInteraction.send(fixture.baseUrl(), body, null, shared.sign(now, body)).statusCode()).isEqualTo(401);
    assertThat(SignedInteraction.send(fixture.baseUrl(), body.replace("echo x", "echo y"), now, shared.sign(now, body))
        .statusCode()).isEqualTo(401);
    assertThat(SignedInteraction.send(fixture.baseUrl(), body, now, "zz").statusCode()).isEqualTo(401);
    assertThat(SignedInteraction.send(fixture.baseUrl(), "{", now, shared.sign(now, "{")).statusCode()).isEqualTo(400);
    assertThat(SignedInteraction.send(fixture.baseUrl(), "{", now, forger.sign(now, "{")).statusCode()).isEqualTo(401);
    JsonObject otherApp = command.copy().put("application_id", "899999999999999999");
    assertThat(SignedInteraction.post(fixture.baseUrl(), shared, otherApp).statusCode()).isEqualTo(401);

    assertThat(fixture.jobCount()).isZero();
    assertThat(fixture.count("SELECT count(*) FROM audit_events")).isZero();
    assertThat(discord.calls()).isEmpty();
    assertThat(fixture.metric("switchboard.commands.refused", "platform", "discord", "reason", "bad_signature"))
        .isEqualTo(4);
    assertThat(fixture.metric("switchboard.commands.refused", "platform", "discord", "reason", "stale_request"))
        .isEqualTo(2);
    assertThat(fixture.metric("switchboard.commands.refused", "platform", "discord", "reason", "unknown_workspace"))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("malformed interactions are 400 problems, never 500, and an oversized body is 413")
  void badBodies() {
    JsonObject noUser = SignedInteraction.command(shared, ACME_GUILD, CHANNEL, ALICE, "echo x");
    noUser.remove("member");
    JsonObject badType = SignedInteraction.ping(shared).put("type", "one");
    JsonObject unknownType = SignedInteraction.ping(shared).put("type", 9);
    JsonObject badToken = SignedInteraction.command(shared, ACME_GUILD, CHANNEL, ALICE, "echo x").put("token", "a/b");
    JsonObject badClick = SignedInteraction.click(shared, ACME_GUILD, CHANNEL, ALICE, "approval.approve:x");
    for (JsonObject payload : new JsonObject[] {noUser, badType, unknownType, badToken, badClick}) {
      HttpResponse<String> response = SignedInteraction.post(fixture.baseUrl(), shared, payload);
      assertThat(response.statusCode()).as(payload.encode()).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
    String huge = SignedInteraction.ping(shared).put("pad", "x".repeat(70_000)).encode();
    assertThat(SignedInteraction.post(fixture.baseUrl(), shared, huge, Instant.now()).statusCode()).isEqualTo(413);
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("a command is queued, deferred, and its acknowledgement, progress and result edit the original response")
  void commandEditsTheOriginalResponse() {
    JsonObject command = SignedInteraction.command(shared, ACME_GUILD, CHANNEL, ALICE, "echo hello");
    String token = command.getString("token");
    discord.issueToken(token);

    HttpResponse<String> response = SignedInteraction.post(fixture.baseUrl(), shared, command);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("type", 5));
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND platform = 'discord' "
        + "AND requester = '" + ALICE + "' AND channel = '" + CHANNEL + "' AND command_text = '/ops echo hello' "
        + "AND reply_to->>'kind' = 'discord_interaction' AND reply_to->>'token' = '" + token + "'")).isEqualTo(1);
    long jobId = fixture.count("SELECT id FROM jobs");
    Await.until("the acknowledgement edit", () -> discord.succeeded("edit_original").size() == 1);
    assertThat(discord.original(token).getString("content")).startsWith("Queued as job " + jobId);
    assertThat(discord.succeeded("edit_original").get(0).path())
        .isEqualTo("/api/v10/webhooks/" + shared.applicationId() + "/" + token + "/messages/@original");

    setStatus(jobId, "running");
    progress("acme", jobId, "step 1 of 2");
    Await.until("the first progress edit", () -> discord.succeeded("edit_original").size() == 2);
    progress("acme", jobId, "step 2 of 2");
    Await.until("the second progress edit", () -> discord.succeeded("edit_original").size() == 3);
    assertThat(discord.original(token).getJsonArray("embeds").getJsonObject(0).getString("description"))
        .isEqualTo("step 2 of 2");
    finish("acme", jobId, "hello");
    Await.until("the result edit", () -> discord.succeeded("edit_original").size() == 4);
    Await.until("the reply marked sent", () -> fixture.count("SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL") == 1);

    JsonObject result = discord.original(token).getJsonArray("embeds").getJsonObject(0);
    assertThat(result.getString("title")).contains("/ops echo hello succeeded (job " + jobId + ")");
    assertThat(result.getString("description")).isEqualTo("```\nhello\n```");
    assertThat(result.getJsonArray("fields").getJsonObject(0).getString("value")).isEqualTo("<@" + ALICE + ">");
    assertThat(discord.original(token).getJsonObject("allowed_mentions").getJsonArray("parse")).isEmpty();
    assertThat(discord.calls()).extracting(DiscordApiStandIn.Call::method).containsOnly("PATCH");
    assertThat(discord.succeeded("follow_up")).isEmpty();
  }

  @Test
  @DisplayName("a refusal by policy is deferred ephemerally (flag 64), audited, and makes no job")
  void refusalIsEphemeral() {
    fixture.putPolicy("acme", policy());
    JsonObject command = SignedInteraction.command(shared, ACME_GUILD, CHANNEL, DAVE, "deploy staging api --version 1.4.2");
    discord.issueToken(command.getString("token"));

    HttpResponse<String> response = SignedInteraction.post(fixture.baseUrl(), shared, command);

    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("type", 5)
        .put("data", new JsonObject().put("flags", 64)));
    Await.until("the refusal edited in", () -> discord.succeeded("edit_original").size() == 1);
    assertThat(discord.original(command.getString("token")).getString("content")).isNotBlank();
    assertThat(fixture.jobCount()).isZero();
    assertThat(fixture.auditTypes("acme")).containsExactly("command.refused");
  }

  @Test
  @DisplayName("an answer Discord does not take is owed and edited in by the sweep; one for an expired token is given up")
  void answerOwedUntilTaken() {
    discord.rateLimit("edit_original", 1 + DiscordApi.MAX_RETRIES, 0.05);
    JsonObject command = SignedInteraction.command(shared, ACME_GUILD, CHANNEL, ALICE, "frobnicate");
    discord.issueToken(command.getString("token"));
    SignedInteraction.post(fixture.baseUrl(), shared, command);
    Await.until("the refusal, edited in by the sweep",
        () -> fixture.count("SELECT count(*) FROM answer_outbox WHERE delivered_at IS NOT NULL") == 1);
    assertThat(discord.succeeded("edit_original")).hasSize(1);
    assertThat(discord.original(command.getString("token")).getString("content")).contains("frobnicate");
    assertThat(fixture.count("SELECT attempts FROM answer_outbox WHERE tenant_id = 'acme' AND platform = 'discord' "
        + "AND ephemeral AND user_id = '" + ALICE + "'")).isEqualTo(2);

    JsonObject expiredReplyTo = InteractionWebhook.of(shared.applicationId(), "expired-token", ACME_GUILD, CHANNEL,
        Instant.now().minus(InteractionWebhook.LIFETIME.plusMinutes(1))).toReplyTo();
    Await.result(fixture.pool().preparedQuery("INSERT INTO answer_outbox (tenant_id, platform, kind, reply_to, user_id, "
        + "ephemeral, body, attempts, due_at) VALUES ('acme', 'discord', 'discord_interaction', $1, 'U', false, "
        + "'{\"content\":\"late\"}', 1, now())").execute(Tuple.of(expiredReplyTo)));
    Await.until("the expired answer given up", () -> fixture.count("SELECT count(*) FROM answer_outbox "
        + "WHERE reply_to->>'token' = 'expired-token' AND attempts = 5 AND delivered_at IS NULL") == 1);
    assertThat(discord.calls()).noneSatisfy(call -> assertThat(call.path()).contains("expired-token"));
  }

  @Test
  @DisplayName("policy bindings name Discord users: a developer's staging deploy is queued")
  void policyBindsDiscordUsers() {
    fixture.putPolicy("acme", policy());
    JsonObject command = SignedInteraction.command(shared, ACME_GUILD, CHANNEL, ALICE, "deploy staging api --version 1.4.2");
    discord.issueToken(command.getString("token"));
    assertThat(new JsonObject(SignedInteraction.post(fixture.baseUrl(), shared, command).body()).getInteger("type"))
        .isEqualTo(5);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE command = 'deploy' AND platform = 'discord'")).isEqualTo(1);
  }

  @Test
  @DisplayName("policy bindings name Discord roles: a deployer by role deploys, an approver by role approves, others not")
  void policyBindsDiscordRoles() {
    String deployers = "900000000000000009";
    String approvers = "910000000000000010";
    String carol = "730000000000000003";
    JsonObject policy = policy().put("bindings", new JsonArray()
        .add(new JsonObject().put("role", "developer").put("subjects", new JsonArray().add("discord:group:" + deployers)))
        .add(new JsonObject().put("role", "deployer").put("subjects", new JsonArray().add("discord:group:" + deployers)))
        .add(new JsonObject().put("role", "approver").put("subjects", new JsonArray().add("discord:group:" + approvers))));
    fixture.putPolicy("acme", policy);

    JsonObject withoutRole = SignedInteraction.command(shared, ACME_GUILD, CHANNEL, carol, "deploy staging api --version 1.4.2");
    discord.issueToken(withoutRole.getString("token"));
    SignedInteraction.post(fixture.baseUrl(), shared, withoutRole);
    assertThat(fixture.jobCount()).as("no role, no job").isZero();

    JsonObject staging = withRoles(SignedInteraction.command(shared, ACME_GUILD, CHANNEL, carol,
        "deploy staging api --version 1.4.2"), deployers);
    discord.issueToken(staging.getString("token"));
    SignedInteraction.post(fixture.baseUrl(), shared, staging);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE command = 'deploy' AND requester = '" + carol + "'"))
        .isEqualTo(1);

    JsonObject production = withRoles(SignedInteraction.command(shared, ACME_GUILD, CHANNEL, carol,
        "deploy production api --version 1.4.2"), deployers);
    discord.issueToken(production.getString("token"));
    SignedInteraction.post(fixture.baseUrl(), shared, production);
    long approvalId = fixture.count("SELECT id FROM approvals");
    JsonObject byNonApprover = withRoles(SignedInteraction.click(shared, ACME_GUILD, CHANNEL, DAVE,
        "approval.approve:" + approvalId), deployers);
    assertThat(new JsonObject(SignedInteraction.post(fixture.baseUrl(), shared, byNonApprover).body())
        .getJsonObject("data").getString("content")).contains("not counted");
    JsonObject byApprover = withRoles(SignedInteraction.click(shared, ACME_GUILD, CHANNEL, DAVE,
        "approval.approve:" + approvalId), approvers);
    discord.issueToken(byApprover.getString("token"));
    assertThat(new JsonObject(SignedInteraction.post(fixture.baseUrl(), shared, byApprover).body()).getInteger("type"))
        .isEqualTo(6);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE command = 'deploy' AND requester = '" + carol + "'"))
        .isEqualTo(2);
  }

  @Test
  @DisplayName("member.roles that are not role ids are a 400 problem and nothing runs")
  void malformedRolesRefused() {
    JsonObject command = SignedInteraction.command(shared, ACME_GUILD, CHANNEL, ALICE, "echo hi");
    command.getJsonObject("member").put("roles", new JsonArray().add("admins"));
    assertThat(SignedInteraction.post(fixture.baseUrl(), shared, command).statusCode()).isEqualTo(400);
    command.getJsonObject("member").put("roles", "900000000000000009");
    assertThat(SignedInteraction.post(fixture.baseUrl(), shared, command).statusCode()).isEqualTo(400);
    assertThat(fixture.jobCount()).isZero();
  }

  private static JsonObject withRoles(JsonObject interaction, String... roles) {
    interaction.getJsonObject("member").put("roles", new JsonArray(List.of((Object[]) roles)));
    return interaction;
  }

  @Test
  @DisplayName("a 429 from Discord is waited out (retry_after, else Retry-After) and every edit still arrives")
  void rateLimitHonoured() {
    JsonObject command = SignedInteraction.command(shared, ACME_GUILD, CHANNEL, ALICE, "echo later");
    String token = command.getString("token");
    discord.issueToken(token);
    discord.rateLimit("edit_original", 2, 0.05);

    SignedInteraction.post(fixture.baseUrl(), shared, command);
    Await.until("the acknowledgement after two 429s", () -> discord.succeeded("edit_original").size() == 1);
    long jobId = fixture.count("SELECT id FROM jobs");
    discord.rateLimitByHeader("edit_original", 1, 1);
    finish("acme", jobId, "later");
    Await.until("the result after a 429", () -> discord.succeeded("edit_original").size() == 2);

    assertThat(discord.calls()).extracting(DiscordApiStandIn.Call::status).containsExactly(429, 429, 200, 429, 200);
    assertThat(discord.original(token).getJsonArray("embeds").getJsonObject(0).getString("description"))
        .contains("later");
    assertThat(fixture.metric("switchboard.discord.api.calls", "route", "edit_original", "outcome", "rate_limited"))
        .isEqualTo(3);
  }

  @Test
  @DisplayName("a deleted original gets the result as a follow-up; after the token expired, as a bot message")
  void deletedOriginalAndExpiredToken() {
    JsonObject command = SignedInteraction.command(shared, ACME_GUILD, CHANNEL, ALICE, "echo one");
    discord.issueToken(command.getString("token"));
    SignedInteraction.post(fixture.baseUrl(), shared, command);
    Await.until("the acknowledgement", () -> discord.succeeded("edit_original").size() == 1);
    long first = fixture.count("SELECT max(id) FROM jobs");
    discord.deleteOriginal(command.getString("token"));
    finish("acme", first, "one");
    Await.until("the result as a follow-up", () -> discord.succeeded("follow_up").size() == 1);

    JsonObject second = SignedInteraction.command(shared, ACME_GUILD, CHANNEL, ALICE, "echo two");
    discord.issueToken(second.getString("token"));
    SignedInteraction.post(fixture.baseUrl(), shared, second);
    Await.until("the acknowledgement", () -> discord.succeeded("edit_original").size() == 2);
    long secondId = fixture.count("SELECT max(id) FROM jobs");
    Await.result(fixture.secrets().put("acme", DiscordBotTokens.secretName(ACME_GUILD), "acme-bot-token"));
    discord.acceptBotToken("acme-bot-token");
    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET reply_to = jsonb_set(reply_to, '{expires_at}', "
        + "to_jsonb($2::text)) WHERE id = $1").execute(Tuple.of(secondId, Instant.now().minusSeconds(1).toString())));
    finish("acme", secondId, "two");
    Await.until("the result as a bot message", () -> discord.succeeded("create_message").size() == 1);
    DiscordApiStandIn.Call post = discord.succeeded("create_message").get(0);
    assertThat(post.path()).isEqualTo("/api/v10/channels/" + CHANNEL + "/messages");
    assertThat(post.authorization()).isEqualTo("Bot acme-bot-token");
  }

  @Test
  @DisplayName("approval buttons: the card has Approve and Deny; an approver's click queues the job and edits the card")
  void approvalButtons() {
    fixture.putPolicy("acme", policy());
    JsonObject command = SignedInteraction.command(shared, ACME_GUILD, CHANNEL, ALICE,
        "deploy production api --version 1.4.2");
    discord.issueToken(command.getString("token"));
    assertThat(new JsonObject(SignedInteraction.post(fixture.baseUrl(), shared, command).body()))
        .isEqualTo(new JsonObject().put("type", 5));
    Await.until("the approval card", () -> discord.succeeded("edit_original").size() == 1);
    JsonArray buttons = discord.original(command.getString("token")).getJsonArray("components").getJsonObject(0)
        .getJsonArray("components");
    long approvalId = fixture.count("SELECT id FROM approvals");
    assertThat(buttons).extracting(b -> ((JsonObject) b).getString("custom_id"))
        .containsExactly("approval.approve:" + approvalId, "approval.deny:" + approvalId);

    JsonObject own = SignedInteraction.click(shared, ACME_GUILD, CHANNEL, ALICE, "approval.approve:" + approvalId);
    JsonObject ownAnswer = new JsonObject(SignedInteraction.post(fixture.baseUrl(), shared, own).body());
    assertThat(ownAnswer.getInteger("type")).isEqualTo(4);
    assertThat(ownAnswer.getJsonObject("data").getInteger("flags")).isEqualTo(64);

    JsonObject click = SignedInteraction.click(shared, ACME_GUILD, CHANNEL, DAVE, "approval.approve:" + approvalId);
    discord.issueToken(click.getString("token"));
    assertThat(new JsonObject(SignedInteraction.post(fixture.baseUrl(), shared, click).body()))
        .isEqualTo(new JsonObject().put("type", 6));
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE command = 'deploy' AND platform = 'discord' "
        + "AND reply_to->>'token' = '" + click.getString("token") + "'")).isEqualTo(1);
    Await.until("the decided card", () -> discord.original(click.getString("token")) != null);
    assertThat(discord.original(click.getString("token")).getString("content")).contains("Approved by <@" + DAVE + ">");
    assertThat(discord.original(click.getString("token")).getJsonArray("components")).isEmpty();
  }

  @Test
  @DisplayName("tenant isolation: a guild's own key, an uninstalled guild, another tenant's job, approval and progress")
  void tenantIsolation() {
    fixture.putPolicy("acme", policy());
    fixture.putPolicy("globex", policy());
    JsonObject globex = SignedInteraction.command(globexApp, GLOBEX_GUILD, CHANNEL, ALICE, "echo globex");
    assertThat(SignedInteraction.post(fixture.baseUrl(), shared, globex).statusCode()).isEqualTo(401);
    discord.issueToken(globex.getString("token"));
    assertThat(SignedInteraction.post(fixture.baseUrl(), globexApp, globex).statusCode()).isEqualTo(200);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'globex' AND platform = 'discord'"))
        .isEqualTo(1);
    assertThat(SignedInteraction.post(fixture.baseUrl(), globexApp,
        SignedInteraction.command(globexApp, ACME_GUILD, CHANNEL, ALICE, "echo acme")).statusCode()).isEqualTo(401);

    JsonObject unknown = SignedInteraction.command(shared, UNKNOWN_GUILD, CHANNEL, ALICE, "echo nowhere");
    JsonObject answer = new JsonObject(SignedInteraction.post(fixture.baseUrl(), shared, unknown).body());
    assertThat(answer.getInteger("type")).isEqualTo(4);
    assertThat(answer.getJsonObject("data").getInteger("flags")).isEqualTo(64);
    assertThat(fixture.jobCount()).isEqualTo(1);

    long globexJob = fixture.count("SELECT id FROM jobs WHERE tenant_id = 'globex'");
    Await.until("globex's acknowledgement", () -> discord.succeeded("edit_original").size() == 1);
    setStatus(globexJob, "running");
    progress("acme", globexJob, "named as acme's");
    progress("globex", globexJob, "named as globex's");
    Await.until("globex's progress",
        () -> !discord.original(globex.getString("token")).getJsonArray("embeds").isEmpty());
    assertThat(discord.original(globex.getString("token")).getJsonArray("embeds").getJsonObject(0)
        .getString("description")).isEqualTo("named as globex's");
    assertThat(discord.succeeded("edit_original")).hasSize(2);

    JsonObject deploy = SignedInteraction.command(globexApp, GLOBEX_GUILD, CHANNEL, ALICE,
        "deploy production api --version 1.4.2");
    discord.issueToken(deploy.getString("token"));
    SignedInteraction.post(fixture.baseUrl(), globexApp, deploy);
    long approvalId = fixture.count("SELECT id FROM approvals WHERE tenant_id = 'globex'");
    JsonObject click = SignedInteraction.click(shared, ACME_GUILD, CHANNEL, DAVE, "approval.approve:" + approvalId);
    JsonObject clickAnswer = new JsonObject(SignedInteraction.post(fixture.baseUrl(), shared, click).body());
    assertThat(clickAnswer.getJsonObject("data").getString("content")).contains("no approval " + approvalId);
    assertThat(fixture.count("SELECT count(*) FROM approvals WHERE status = 'pending'")).isEqualTo(1);

    Await.until("the approval card", () -> discord.succeeded("edit_original").size() == 3);
    assertThat(discord.calls()).allSatisfy(call -> assertThat(call.path()).doesNotContain(click.getString("token")));
    assertThat(discord.calls()).filteredOn(call -> call.path().contains(globex.getString("token"))).hasSize(2);
  }

  /** The worked example policy with Discord users bound: Alice develops and deploys, Dave approves. */
  private static JsonObject policy() {
    JsonObject policy = GatewayFixture.examplePolicy().put("freezeWindows", new JsonArray());
    policy.getJsonArray("roles").forEach(role -> {
      JsonObject r = (JsonObject) role;
      if (r.getString("name").equals("deployer")) {
        r.getJsonArray("permissions").getJsonObject(0).put("channels", new JsonArray().add(CHANNEL));
      }
    });
    policy.put("bindings", new JsonArray()
        .add(new JsonObject().put("role", "developer").put("subjects", new JsonArray().add("discord:user:" + ALICE)))
        .add(new JsonObject().put("role", "deployer").put("subjects", new JsonArray().add("discord:user:" + ALICE)))
        .add(new JsonObject().put("role", "approver").put("subjects", new JsonArray().add("discord:user:" + DAVE))));
    return policy;
  }

  private void setStatus(long jobId, String status) {
    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET status = $2, started_at = now() WHERE id = $1")
        .execute(Tuple.of(jobId, status)));
  }

  private void progress(String tenant, long jobId, String line) {
    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET progress = $2, progress_at = now() WHERE id = $1")
        .execute(Tuple.of(jobId, line)));
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_PROGRESS, new JobProgress(tenant, jobId, 1, line).toJson());
  }

  private void finish(String tenant, long jobId, String output) {
    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET status = 'succeeded', output = $2, started_at = now(), "
        + "finished_at = now() WHERE id = $1").execute(Tuple.of(jobId, output)));
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished(tenant, jobId, JobStatus.SUCCEEDED).toJson());
  }
}

package io.switchboard.gateway.mattermost;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobProgress;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.mattermost.MattermostStandIn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mattermost end to end over HTTP, against a real PostgreSQL and a loopback stand-in for the Mattermost
 * server: installation through the admin API, slash commands, buttons, job posts edited in place,
 * pacing and 429s, and tenant isolation.
 */
@DisplayName("Mattermost: slash commands, buttons and job posts through the ChatPlatform seam")
class MattermostTest {

  static final String ACME_TEAM = id("acmeteam");
  static final String GLOBEX_TEAM = id("globexteam");
  static final String CHANNEL = id("channel");
  static final String ALICE = id("alice");
  static final String DAVE = id("dave");
  static final String EVE = id("eve");
  static final String APPROVERS = id("approvers");
  static final String ACME_COMMAND_TOKEN = "acme-command-token-0001";
  static final String GLOBEX_COMMAND_TOKEN = "globex-command-token-01";

  private MattermostStandIn mattermost;
  private GatewayFixture fixture;

  /** A Mattermost-shaped id: 26 lowercase letters and digits. */
  static String id(String prefix) {
    return prefix + "0".repeat(26 - prefix.length());
  }

  @BeforeEach
  void start() {
    mattermost = MattermostStandIn.start()
        .account("acme-bot-token", new MattermostStandIn.Account(id("acmebot"), true, Set.of(ACME_TEAM)))
        .account("globex-bot-token", new MattermostStandIn.Account(id("globexbot"), true, Set.of(GLOBEX_TEAM)))
        .account("person-token", new MattermostStandIn.Account(id("person"), false, Set.of(ACME_TEAM)));
    fixture = new GatewayFixture(mattermost.env());
    assertThat(install(GatewayFixture.ACME_TOKEN, ACME_TEAM, ACME_COMMAND_TOKEN, "acme-bot-token").statusCode())
        .isEqualTo(201);
    assertThat(install(GatewayFixture.GLOBEX_TOKEN, GLOBEX_TEAM, GLOBEX_COMMAND_TOKEN, "globex-bot-token").statusCode())
        .isEqualTo(201);
  }

  @AfterEach
  void stop() {
    fixture.close();
    mattermost.close();
  }

  @Test
  @DisplayName("installing: a bot of the team proves it (bot_token), the tokens are kept as a secret and never shown")
  void installation() {
    JsonObject listed = new JsonObject(MattermostRequests.get(fixture.baseUrl() + "/api/v1/installations",
        GatewayFixture.ACME_TOKEN).body());
    JsonObject row = listed.getJsonArray("installations").stream().map(JsonObject.class::cast)
        .filter(i -> "mattermost".equals(i.getString("platform"))).findFirst().orElseThrow();
    assertThat(row.getString("workspaceId")).isEqualTo(ACME_TEAM);
    assertThat(row.getString("verifiedVia")).isEqualTo("bot_token");
    assertThat(listed.encode()).doesNotContain("acme-bot-token").doesNotContain(ACME_COMMAND_TOKEN);
    assertThat(Await.result(fixture.secrets().get("acme", "mattermost-installation." + ACME_TEAM)))
        .hasValueSatisfying(secret -> assertThat(secret).contains("acme-bot-token").contains(mattermost.url()));
    assertThat(mattermost.succeeded("users_me")).hasSize(2);
    assertThat(mattermost.succeeded("users_me_teams")).hasSize(2);
  }

  @Test
  @DisplayName("installing is refused without proof: a person's token, a bot of another team, a bad token, no server")
  void installationNeedsProof() {
    String other = id("otherteam");
    assertProblem(install(GatewayFixture.ACME_TOKEN, other, "some-command-token", "person-token"), 422,
        "ownership_not_proven");
    assertProblem(install(GatewayFixture.ACME_TOKEN, other, "some-command-token", "acme-bot-token"), 422,
        "ownership_not_proven");
    assertProblem(install(GatewayFixture.ACME_TOKEN, other, "some-command-token", "no-such-token"), 422,
        "ownership_not_proven");
    assertProblem(MattermostRequests.install(fixture.baseUrl(), GatewayFixture.ACME_TOKEN,
        MattermostRequests.installation(other, "http://127.0.0.1:9", "some-command-token", "acme-bot-token")), 503,
        "platform_unavailable");
    assertProblem(MattermostRequests.install(fixture.baseUrl(), GatewayFixture.ACME_TOKEN,
        new JsonObject().put("platform", "mattermost").put("workspaceId", other)), 422, "ownership_not_proven");
    // Another platform's fields are refused; the team bound to acme is a 409 for globex, even with acme's bot.
    assertProblem(MattermostRequests.install(fixture.baseUrl(), GatewayFixture.ACME_TOKEN, new JsonObject()
        .put("platform", "sandbox").put("workspaceId", "web").put("serverUrl", mattermost.url())), 400,
        "malformed_request");
    assertProblem(install(GatewayFixture.GLOBEX_TOKEN, ACME_TEAM, "some-command-token", "acme-bot-token"), 409,
        "conflict");
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE platform = 'mattermost'")).isEqualTo(2);
    assertThat(Await.result(fixture.secrets().get("globex", "mattermost-installation." + ACME_TEAM))).isEmpty();
  }

  @Test
  @DisplayName("disabling the installation forgets its credentials; the team's commands are then refused")
  void disable() {
    long id = fixture.count("SELECT id FROM chat_installations WHERE platform = 'mattermost' AND tenant_id = 'acme'");
    HttpResponse<String> disabled = MattermostRequests.send("DELETE", fixture.baseUrl() + "/api/v1/installations/" + id,
        GatewayFixture.ACME_TOKEN);
    assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
    assertThat(Await.result(fixture.secrets().get("acme", "mattermost-installation." + ACME_TEAM))).isEmpty();
    assertThat(Await.result(fixture.secrets().get("globex", "mattermost-installation." + GLOBEX_TEAM))).isPresent();
    assertProblem(MattermostRequests.postCommand(fixture.baseUrl(), command(ALICE, "echo hi")), 401,
        "unknown_workspace");
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("a slash command queues exactly one job, even delivered twice; the bot posts its message with Cancel")
  void slashCommandQueuesOneJob() {
    Map<String, String> form = command(ALICE, "echo hello");
    HttpResponse<String> first = MattermostRequests.postCommand(fixture.baseUrl(), form);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(new JsonObject(first.body())).isEqualTo(new JsonObject());
    HttpResponse<String> again = MattermostRequests.postCommand(fixture.baseUrl(), form);
    assertThat(new JsonObject(again.body()).getString("response_type")).isEqualTo("ephemeral");
    assertThat(new JsonObject(again.body()).getString("text")).contains("arrived twice");

    assertThat(fixture.jobCount()).isEqualTo(1);
    long jobId = fixture.count("SELECT id FROM jobs");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE platform = 'mattermost' AND requester = '" + ALICE
        + "' AND channel = '" + CHANNEL + "' AND reply_to->>'kind' = 'mattermost_post'")).isEqualTo(1);
    Await.until("the job's post", () -> mattermost.succeeded("create_post").size() == 1);
    MattermostStandIn.Call post = mattermost.succeeded("create_post").get(0);
    assertThat(post.authorization()).isEqualTo("Bearer acme-bot-token");
    assertThat(post.body().getString("channel_id")).isEqualTo(CHANNEL);
    assertThat(post.body().getString("message")).startsWith("Queued as job " + jobId);
    assertThat(actions(post.body())).extracting(a -> a.getJsonObject("integration").getJsonObject("context")
        .getString("action")).containsExactly(JobButtons.CANCEL);
  }

  @Test
  @DisplayName("a wrong or missing token, an unknown team or missing fields are 4xx problems; nothing runs or is written")
  void refusals() {
    long audit = fixture.count("SELECT count(*) FROM audit_events");
    Map<String, String> wrongToken = command(ALICE, "echo hi");
    wrongToken.put("token", GLOBEX_COMMAND_TOKEN);
    assertProblem(MattermostRequests.postCommand(fixture.baseUrl(), wrongToken), 401, "bad_signature");
    Map<String, String> noToken = command(ALICE, "echo hi");
    noToken.remove("token");
    assertProblem(MattermostRequests.postCommand(fixture.baseUrl(), noToken), 401, "missing_signature");
    Map<String, String> unknownTeam = command(ALICE, "echo hi");
    unknownTeam.put("team_id", id("nosuchteam"));
    assertProblem(MattermostRequests.postCommand(fixture.baseUrl(), unknownTeam), 401, "unknown_workspace");
    Map<String, String> badTeam = command(ALICE, "echo hi");
    badTeam.put("team_id", "../../etc");
    assertProblem(MattermostRequests.postCommand(fixture.baseUrl(), badTeam), 401, "unknown_workspace");
    for (String field : List.of("user_id", "channel_id", "command", "trigger_id")) {
      Map<String, String> missing = command(ALICE, "echo hi");
      missing.remove(field);
      assertProblem(MattermostRequests.postCommand(fixture.baseUrl(), missing), 400, "malformed_request");
    }
    assertThat(fixture.jobCount()).isZero();
    assertThat(fixture.count("SELECT count(*) FROM audit_events")).isEqualTo(audit);
    assertThat(mattermost.calls()).extracting(MattermostStandIn.Call::route).doesNotContain("create_post");
  }

  @Test
  @DisplayName("help and refusals answer only the user; help lists only what the policy lets the user run")
  void helpFollowsPolicy() {
    fixture.putPolicy("acme", policy());
    Await.until("the policy applies", () -> answer(ALICE, "help").getString("text").contains("deploy"));
    JsonObject aliceHelp = answer(ALICE, "help");
    assertThat(aliceHelp.getString("response_type")).isEqualTo("ephemeral");
    assertThat(aliceHelp.getString("text")).contains("deploy").contains("scale");
    assertThat(answer(EVE, "help").getString("text")).contains("echo").doesNotContain("deploy");
    JsonObject refused = answer(EVE, "deploy production api --version 1.4.2");
    assertThat(refused.getString("response_type")).isEqualTo("ephemeral");
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("approval buttons: the requester's own vote is refused; an approver's click queues the job and updates the card")
  void approvalButtons() {
    fixture.putPolicy("acme", policy());
    JsonObject card = approvalCard();
    long approvalId = fixture.count("SELECT id FROM approvals");
    List<JsonObject> buttons = card.getJsonArray("attachments").getJsonObject(0).getJsonArray("actions").stream()
        .map(JsonObject.class::cast).toList();
    assertThat(buttons).extracting(b -> b.getJsonObject("integration").getJsonObject("context").getString("action"))
        .containsExactly(ApprovalMessages.APPROVE, ApprovalMessages.DENY);
    JsonObject approve = buttons.get(0).getJsonObject("integration").getJsonObject("context");

    JsonObject own = clicked(ACME_TEAM, ALICE, approve);
    assertThat(own.getString("ephemeral_text")).isNotBlank();
    assertThat(own.containsKey("update")).isFalse();
    JsonObject byEve = clicked(ACME_TEAM, EVE, approve);
    assertThat(byEve.containsKey("update")).isFalse();
    assertThat(fixture.jobCount()).isZero();

    JsonObject byDave = clicked(ACME_TEAM, DAVE, approve);
    assertThat(byDave.getJsonObject("update").getString("message")).contains("Approved by");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE command = 'deploy' AND platform = 'mattermost' "
        + "AND reply_to->>'kind' = 'mattermost_post'")).isEqualTo(1);
    Await.until("the job's post", () -> mattermost.succeeded("create_post").size() == 1);
    assertThat(approvalId).isPositive();
  }

  @Test
  @DisplayName("an approval that expires unanswered is told in its channel by the bot, and nothing runs")
  void approvalExpires() {
    fixture.putPolicy("acme", policy());
    approvalCard();
    fixture.count("WITH u AS (UPDATE approvals SET deadline = now() - interval '1 minute' RETURNING 1) "
        + "SELECT count(*) FROM u");
    Await.until("the expiry told by the gateway's sweep", () -> mattermost.succeeded("create_post").size() == 1);
    MattermostStandIn.Call notice = mattermost.succeeded("create_post").get(0);
    assertThat(notice.authorization()).isEqualTo("Bearer acme-bot-token");
    assertThat(notice.body().getString("channel_id")).isEqualTo(CHANNEL);
    assertThat(notice.body().getString("message")).containsIgnoringCase("expired");
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("group bindings: a member of a bound Mattermost group approves, asked of the server as the bot")
  void groupBindings() {
    mattermost.groups(DAVE, Set.of(APPROVERS));
    JsonObject policy = policy();
    policy.getJsonArray("bindings").remove(2);
    policy.getJsonArray("bindings").add(new JsonObject().put("role", "approver")
        .put("subjects", new JsonArray().add("mattermost:group:" + APPROVERS)));
    fixture.putPolicy("acme", policy);
    JsonObject card = approvalCard();
    JsonObject approve = card.getJsonArray("attachments").getJsonObject(0).getJsonArray("actions").getJsonObject(0)
        .getJsonObject("integration").getJsonObject("context");
    assertThat(clicked(ACME_TEAM, EVE, approve).containsKey("update")).isFalse();
    assertThat(clicked(ACME_TEAM, DAVE, approve).getJsonObject("update").getString("message")).contains("Approved by");
    assertThat(mattermost.succeeded("user_groups")).extracting(MattermostStandIn.Call::path)
        .contains("/api/v4/users/" + DAVE + "/groups");
  }

  @Test
  @DisplayName("Cancel stops only the requester's own job; the result edits the job's post in place, with Rerun")
  void cancelAndResult() {
    long jobId = typed(ALICE, "echo hello");
    JsonObject cancel = contextOf(jobPost(), JobButtons.CANCEL);
    assertThat(clicked(ACME_TEAM, DAVE, cancel).getString("ephemeral_text")).contains("started by someone else");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued'")).isEqualTo(1);
    assertThat(clicked(ACME_TEAM, ALICE, cancel).getString("ephemeral_text")).contains("Cancelled job " + jobId);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'cancelled'")).isEqualTo(1);

    long second = typed(ALICE, "echo result");
    Await.until("the second job's post", () -> mattermost.succeeded("create_post").size() == 2);
    String postId = postIdOf(1);
    finish(second);
    Await.until("the result edits the post", () -> mattermost.post(postId).getJsonObject("props")
        .getJsonArray("attachments").getJsonObject(0).getString("title", "").contains("succeeded"));
    assertThat(mattermost.succeeded("create_post")).hasSize(2);
    assertThat(mattermost.succeeded("patch_post")).extracting(MattermostStandIn.Call::path)
        .contains("/api/v4/posts/" + postId + "/patch");
    assertThat(contextOf(mattermost.post(postId), JobButtons.RERUN).getString("value")).isEqualTo(Long.toString(second));
  }

  @Test
  @DisplayName("Rerun queues the job's command again as the clicking user, audited as a rerun, in a new post")
  void rerun() {
    long jobId = typed(ALICE, "echo again");
    Await.until("the job's post", () -> mattermost.succeeded("create_post").size() == 1);
    String postId = postIdOf(0);
    finish(jobId);
    Await.until("Rerun on the result", () -> actions(mattermost.post(postId)).stream().anyMatch(a ->
        JobButtons.RERUN.equals(a.getJsonObject("integration").getJsonObject("context").getString("action"))));
    JsonObject answer = clicked(ACME_TEAM, DAVE, contextOf(mattermost.post(postId), JobButtons.RERUN));
    assertThat(answer).isEqualTo(new JsonObject());
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND requester = '" + DAVE
        + "' AND command_text = '/ops echo again' AND id > " + jobId)).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme' AND event_type = 'job.queued' "
        + "AND detail::jsonb #>> '{decision,rerunOf}' = '" + jobId + "'")).isEqualTo(1);
    Await.until("the new job's post", () -> mattermost.succeeded("create_post").size() == 2);
  }

  @Test
  @DisplayName("a forged click (no proof, a wrong one, another team's, another button's) is refused before it acts")
  void forgedClicks() {
    long jobId = typed(ALICE, "echo hello");
    JsonObject cancel = contextOf(jobPost(), JobButtons.CANCEL);
    assertClickRefused(ACME_TEAM, cancel.copy().put("proof", "AAAA"), 401, "bad_signature");
    assertClickRefused(ACME_TEAM, cancel.copy().put("proof", ActionProof.sign("guessed-key", ACME_TEAM,
        JobButtons.CANCEL, Long.toString(jobId))), 401, "bad_signature");
    JsonObject noProof = cancel.copy();
    noProof.remove("proof");
    assertClickRefused(ACME_TEAM, noProof, 401, "missing_signature");
    // The proof of job N's Cancel proves nothing for job N + 1, nor for Rerun, nor for another team.
    assertClickRefused(ACME_TEAM, cancel.copy().put("value", Long.toString(jobId + 1)), 401, "bad_signature");
    assertClickRefused(ACME_TEAM, cancel.copy().put("action", JobButtons.RERUN), 401, "bad_signature");
    assertClickRefused(GLOBEX_TEAM, cancel.copy().put("team", GLOBEX_TEAM), 401, "bad_signature");
    assertClickRefused(GLOBEX_TEAM, cancel, 401, "unknown_workspace");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE event_type = 'job.cancelled'")).isZero();
  }

  @Test
  @DisplayName("progress edits the job's post in place; lines that pile up while an edit runs coalesce into the latest")
  void progress() {
    long jobId = typed(ALICE, "echo slowly");
    Await.until("the job's post", () -> mattermost.succeeded("create_post").size() == 1);
    String postId = postIdOf(0);
    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET status = 'running', started_at = now() WHERE id = $1")
        .execute(Tuple.of(jobId)));
    for (int i = 1; i <= 20; i++) {
      progress(jobId, "step " + i);
    }
    Await.until("the latest line shows", () -> text(mattermost.post(postId)).contains("step 20"));
    assertThat(mattermost.succeeded("patch_post").size()).isLessThan(20);
    assertThat(mattermost.succeeded("create_post")).hasSize(1);
    List<Integer> shown = mattermost.succeeded("patch_post").stream()
        .map(call -> Pattern.compile("step (\\d+)").matcher(call.body().encode()))
        .filter(Matcher::find).map(step -> Integer.parseInt(step.group(1))).toList();
    assertThat(shown).as("each edit shows a later line than the one before").isSorted().doesNotHaveDuplicates()
        .endsWith(20);
  }

  @Test
  @DisplayName("a 429 is waited out (Retry-After, or X-Ratelimit-Reset alone) and the call made again")
  void rateLimited() {
    mattermost.rateLimit("create_post", 2);
    typed(ALICE, "echo first");
    Await.until("the post after two 429s", () -> mattermost.succeeded("create_post").size() == 1);
    assertThat(mattermost.calls()).filteredOn(c -> c.route().equals("create_post")).extracting(MattermostStandIn.Call::status)
        .containsExactly(429, 429, 201);
    assertThat(fixture.registry().counter("switchboard.outbound.rate.limited", "platform", "mattermost").count())
        .as("each 429, counted").isEqualTo(2);
    mattermost.resetHeaderOnly("0.05");
    mattermost.rateLimit("create_post", 1);
    typed(ALICE, "echo second");
    Await.until("the post after a 429 with X-Ratelimit-Reset", () -> mattermost.succeeded("create_post").size() == 2);
  }

  @Test
  @DisplayName("tenant isolation: another tenant's team, token and buttons never reach this tenant's jobs")
  void tenantIsolation() {
    long acmeJob = typed(ALICE, "echo acme only");
    // globex's token for acme's team, and acme's for globex's, are refused.
    Map<String, String> crossed = command(ALICE, "echo x");
    crossed.put("token", GLOBEX_COMMAND_TOKEN);
    assertProblem(MattermostRequests.postCommand(fixture.baseUrl(), crossed), 401, "bad_signature");
    Map<String, String> crossedBack = MattermostRequests.command(ACME_COMMAND_TOKEN, GLOBEX_TEAM, CHANNEL, ALICE, "x");
    assertProblem(MattermostRequests.postCommand(fixture.baseUrl(), crossedBack), 401, "bad_signature");
    // A globex button, made for globex's team, names acme's job: no such job there.
    long globexJob = typedIn(GLOBEX_TEAM, GLOBEX_COMMAND_TOKEN, ALICE, "echo globex");
    Await.until("both posts", () -> mattermost.succeeded("create_post").size() == 2);
    JsonObject globexCancel = mattermost.succeeded("create_post").stream()
        .filter(c -> c.authorization().equals("Bearer globex-bot-token")).map(c -> contextOf(c.body(), JobButtons.CANCEL))
        .findFirst().orElseThrow();
    assertThat(globexCancel.getString("value")).isEqualTo(Long.toString(globexJob));
    JsonObject forAcmeJob = globexCancel.copy().put("value", Long.toString(acmeJob));
    assertClickRefused(GLOBEX_TEAM, forAcmeJob, 401, "bad_signature");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued'")).isEqualTo(2);
    assertThat(mattermost.succeeded("create_post")).filteredOn(c -> c.body().getString("message").contains("globex"))
        .allMatch(c -> c.authorization().equals("Bearer globex-bot-token"));
  }

  @Test
  @DisplayName("malformed bodies are 4xx problems, never a 500: bad form encoding, repeated fields, wrong types, bad JSON")
  void malformedBodies() {
    String good = MattermostRequests.encode(command(ALICE, "echo hi"));
    assertProblem(MattermostRequests.post(fixture.baseUrl() + "/mattermost/commands", good + "&text=%ZZ",
        "application/x-www-form-urlencoded"), 400, "malformed_request");
    assertProblem(MattermostRequests.post(fixture.baseUrl() + "/mattermost/commands", good + "&token=again",
        "application/x-www-form-urlencoded"), 400, "malformed_request");
    assertProblem(MattermostRequests.post(fixture.baseUrl() + "/mattermost/commands", good + "&text=a%00b",
        "application/x-www-form-urlencoded"), 400, "malformed_request");
    assertProblem(MattermostRequests.post(fixture.baseUrl() + "/mattermost/commands", "{}", "application/json"), 415,
        "unsupported_media_type");
    assertProblem(MattermostRequests.post(fixture.baseUrl() + "/mattermost/commands", "", null), 401,
        "missing_signature");
    assertProblem(MattermostRequests.post(fixture.baseUrl() + "/mattermost/actions", "", null), 401,
        "missing_signature");
    assertProblem(MattermostRequests.post(fixture.baseUrl() + "/mattermost/commands",
        "a=" + "x".repeat(70_000), "application/x-www-form-urlencoded"), 413, "payload_too_large");
    for (String body : List.of("{", "[]", "42", "null", "\"text\"", "{\"context\": 1}", "{\"context\": {}}",
        "{\"context\": {\"team\": 1, \"action\": \"job.cancel\", \"value\": \"1\"}}")) {
      HttpResponse<String> response = MattermostRequests.post(fixture.baseUrl() + "/mattermost/actions", body,
          "application/json");
      assertThat(response.statusCode()).as(body + " -> " + response.body()).isBetween(400, 499);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
    assertProblem(MattermostRequests.post(fixture.baseUrl() + "/mattermost/actions", "user_id=x",
        "application/x-www-form-urlencoded"), 415, "unsupported_media_type");
    long jobId = typed(ALICE, "echo hello");
    JsonObject cancel = contextOf(jobPost(), JobButtons.CANCEL);
    JsonObject noUser = MattermostRequests.click(ACME_TEAM, CHANNEL, ALICE, id("post"), cancel);
    noUser.remove("user_id");
    assertProblem(MattermostRequests.postClick(fixture.baseUrl(), noUser), 400, "malformed_request");
    JsonObject badChannel = MattermostRequests.click(ACME_TEAM, "../x", ALICE, id("post"), cancel);
    assertProblem(MattermostRequests.postClick(fixture.baseUrl(), badChannel), 400, "malformed_request");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued' AND id = " + jobId)).isEqualTo(1);
  }

  // --- helpers

  private HttpResponse<String> install(String apiToken, String team, String commandToken, String botToken) {
    return MattermostRequests.install(fixture.baseUrl(), apiToken,
        MattermostRequests.installation(team, mattermost.url(), commandToken, botToken));
  }

  private static Map<String, String> command(String user, String text) {
    return MattermostRequests.command(ACME_COMMAND_TOKEN, ACME_TEAM, CHANNEL, user, text);
  }

  /** The slash command's response, which must be a 200. */
  private JsonObject answer(String user, String text) {
    HttpResponse<String> response = MattermostRequests.postCommand(fixture.baseUrl(), command(user, text));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  /** Types a command that queues a job in acme's team; answers the job's id. */
  private long typed(String user, String text) {
    return typedIn(ACME_TEAM, ACME_COMMAND_TOKEN, user, text);
  }

  private long typedIn(String team, String token, String user, String text) {
    HttpResponse<String> response = MattermostRequests.postCommand(fixture.baseUrl(),
        MattermostRequests.command(token, team, CHANNEL, user, text));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(new JsonObject(response.body())).as("a queued job's response").isEqualTo(new JsonObject());
    return fixture.count("SELECT max(id) FROM jobs");
  }

  /** The first job post, once made. */
  private JsonObject jobPost() {
    Await.until("the job's post", () -> !mattermost.succeeded("create_post").isEmpty());
    return mattermost.succeeded("create_post").get(0).body();
  }

  private String postIdOf(int index) {
    return mattermost.createdPostIds().get(index);
  }

  /** Waits until the new policy applies (Alice may deploy), then asks for a production deploy: the approval card. */
  private JsonObject approvalCard() {
    Await.until("the policy applies", () -> answer(ALICE, "help").getString("text").contains("deploy"));
    JsonObject card = answer(ALICE, "deploy production api --version 1.4.2");
    assertThat(card.getString("response_type")).as(card.encode()).isEqualTo("in_channel");
    return card;
  }

  private JsonObject clicked(String team, String user, JsonObject context) {
    HttpResponse<String> response = MattermostRequests.postClick(fixture.baseUrl(),
        MattermostRequests.click(team, CHANNEL, user, id("post"), context));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private void assertClickRefused(String team, JsonObject context, int status, String code) {
    assertProblem(MattermostRequests.postClick(fixture.baseUrl(),
        MattermostRequests.click(team, CHANNEL, DAVE, id("post"), context)), status, code);
  }

  private static void assertProblem(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(new JsonObject(response.body()).getString("code")).isEqualTo(code);
  }

  static List<JsonObject> actions(JsonObject post) {
    return post.getJsonObject("props").getJsonArray("attachments").stream().map(JsonObject.class::cast)
        .flatMap(a -> a.getJsonArray("actions", new JsonArray()).stream().map(JsonObject.class::cast)).toList();
  }

  private static JsonObject contextOf(JsonObject post, String action) {
    return actions(post).stream().map(a -> a.getJsonObject("integration").getJsonObject("context"))
        .filter(c -> action.equals(c.getString("action"))).findFirst().orElseThrow();
  }

  private static String text(JsonObject post) {
    return post.getString("message", "") + post.getJsonObject("props").encode();
  }

  private void finish(long jobId) {
    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET status = 'succeeded', output = 'ok', started_at = now(), "
        + "finished_at = now() WHERE id = $1").execute(Tuple.of(jobId)));
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", jobId, JobStatus.SUCCEEDED).toJson());
  }

  private void progress(long jobId, String line) {
    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET progress = $2, progress_at = now() WHERE id = $1")
        .execute(Tuple.of(jobId, line)));
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_PROGRESS, new JobProgress("acme", jobId, 1, line).toJson());
  }

  /** The example policy with Mattermost subjects: Alice develops and deploys (from the channel), Dave approves. */
  static JsonObject policy() {
    JsonObject policy = GatewayFixture.examplePolicy().put("freezeWindows", new JsonArray());
    policy.getJsonArray("roles").forEach(role -> {
      JsonObject r = (JsonObject) role;
      if (r.getString("name").equals("deployer")) {
        r.getJsonArray("permissions").getJsonObject(0).put("channels", new JsonArray().add(CHANNEL));
      }
    });
    policy.put("bindings", new JsonArray()
        .add(new JsonObject().put("role", "developer").put("subjects", new JsonArray().add("mattermost:user:" + ALICE)))
        .add(new JsonObject().put("role", "deployer").put("subjects", new JsonArray().add("mattermost:user:" + ALICE)))
        .add(new JsonObject().put("role", "approver").put("subjects", new JsonArray().add("mattermost:user:" + DAVE))));
    return policy;
  }
}

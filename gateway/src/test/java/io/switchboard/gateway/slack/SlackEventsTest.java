package io.switchboard.gateway.slack;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobProgress;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("POST /slack/events (Events API) and replies through the Web API")
class SlackEventsTest {

  static final String SHARED_SECRET = "shared-app-signing-secret";
  static final String ACME_BOT_TOKEN = "xoxb-acme-bot";

  private SlackApiStandIn slack;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    slack = SlackApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SLACK_API_URL", slack.apiUrl(),
        "SWITCHBOARD_SLACK_SIGNING_SECRET", SHARED_SECRET));
    Await.result(new SlackBotTokens(fixture.secrets()).store("acme", "T0ACME", ACME_BOT_TOKEN));
    slack.acceptToken(ACME_BOT_TOKEN);
  }

  @AfterEach
  void stop() {
    fixture.close();
    slack.close();
  }

  @Test
  @DisplayName("url_verification is answered with its challenge when signed by the shared app, refused otherwise")
  void urlVerification() {
    JsonObject challenge = new JsonObject().put("token", "x").put("challenge", "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P").put("type", "url_verification");
    HttpResponse<String> ok = SlackEvent.signed(SHARED_SECRET, challenge).post(fixture.baseUrl());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ok.body()).getString("challenge")).isEqualTo(challenge.getString("challenge"));
    assertThat(SlackEvent.signed("forged", challenge).post(fixture.baseUrl()).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("an event_id that is not an id (too long, or with other characters) is a 400 and nothing is taken (found by SlackRequestsFuzzTest)")
  void malformedEventIdsAreRefused() {
    for (String eventId : new String[] {"Ev" + "x".repeat(3000), "Ev 1", "Ev\u00001", ""}) {
      JsonObject event = SlackEvent.callback("T0ACME", eventId,
          SlackEvent.mention("U0ALICE", "C0OPS", "1700000000.000100", "echo hi"));
      HttpResponse<String> refused = SlackEvent.signed(GatewayFixture.ACME_SECRET, event).post(fixture.baseUrl());
      assertThat(refused.statusCode()).as(eventId.length() + " characters").isEqualTo(400);
      assertThat(refused.body()).contains("malformed_request");
    }
    assertThat(fixture.count("SELECT count(*) FROM slack_events")).isZero();
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("an event holding a NUL character is a 400 before it is acknowledged, not a command that fails unheard (found by SlackRequestsFuzzTest)")
  void nulCharactersAreRefusedBeforeTheAck() {
    JsonObject event = SlackEvent.callback("T0ACME", "Ev0NUL", SlackEvent.mention("U0ALICE", "C0OPS",
        "1700000000.000100", "echo a\u0000b"));
    HttpResponse<String> refused = SlackEvent.signed(GatewayFixture.ACME_SECRET, event).post(fixture.baseUrl());
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("NUL");
    assertThat(fixture.count("SELECT count(*) FROM slack_events")).isZero();
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("an app_mention runs the command once, even when Slack retries the event; the ack goes into the thread")
  void mentionQueuedOnce() {
    JsonObject event = SlackEvent.callback("T0ACME", "Ev0001", SlackEvent.mention("U0USER", "C0OPS", "1700.0001", "echo hello"));
    HttpResponse<String> first = SlackEvent.signed(GatewayFixture.ACME_SECRET, event).post(fixture.baseUrl());
    HttpResponse<String> retry = SlackEvent.signed(GatewayFixture.ACME_SECRET, event).post(fixture.baseUrl());

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND status = 'queued' "
        + "AND command_text = '@switchboard echo hello' AND arguments->>'text' = 'hello' AND channel = 'C0OPS' "
        + "AND reply_to->>'kind' = 'slack_web_api' AND reply_to->>'thread_ts' = '1700.0001'")).isEqualTo(1);
    assertThat(fixture.jobCount()).isEqualTo(1);
    Await.until("the queued message", () -> slack.calls("chat.postMessage").size() == 1);
    SlackApiStandIn.Call post = slack.calls("chat.postMessage").get(0);
    assertThat(post.token()).isEqualTo(ACME_BOT_TOKEN);
    assertThat(post.args()).containsEntry("channel", "C0OPS").containsEntry("thread_ts", "1700.0001");
    assertThat(post.args().get("text")).startsWith("Queued as job ");
    assertThat(fixture.metric("switchboard.commands.refused", "reason", "duplicate_delivery")).isEqualTo(1);
    Await.until("the message remembered for the job",
        () -> fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'slack' AND tenant_id = 'acme'") == 1);
  }

  @Test
  @DisplayName("a mention runs under the tenant's policy: staging queues, production waits for approval with a card in the thread")
  void mentionFollowsPolicy() {
    fixture.putPolicy("acme", GatewayFixture.examplePolicy().put("freezeWindows", new JsonArray()));
    post(SlackEvent.callback("T0ACME", "Ev0011",
        SlackEvent.mention("U0ALICE", "C0DEPLOYS", "1700.0011", "deploy staging api --version 1.4.2")));
    post(SlackEvent.callback("T0ACME", "Ev0012",
        SlackEvent.mention("U0ALICE", "C0DEPLOYS", "1700.0012", "deploy production api --version 1.4.2")));

    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE command = 'deploy' "
        + "AND command_text = '@switchboard deploy staging api --version 1.4.2'")).isEqualTo(1);
    assertThat(fixture.jobCount()).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM approvals WHERE tenant_id = 'acme' AND status = 'pending' "
        + "AND reply_to->>'kind' = 'slack_web_api' AND reply_to->>'thread_ts' = '1700.0012'")).isEqualTo(1);
    Await.until("the approval card and the queued message", () -> slack.calls("chat.postMessage").size() == 2);
    assertThat(slack.calls("chat.postMessage")).anySatisfy(card -> {
      assertThat(card.args()).containsEntry("thread_ts", "1700.0012").containsEntry("channel", "C0DEPLOYS");
      assertThat(card.args().get("blocks")).contains("approval.approve");
    });
  }

  @Test
  @DisplayName("a direct message is a command; bot messages and edits are not")
  void directMessages() {
    post(SlackEvent.callback("T0ACME", "Ev0101", SlackEvent.directMessage("U0USER", "1700.0101", "echo from dm")));
    post(SlackEvent.callback("T0ACME", "Ev0102", SlackEvent.directMessage("U0USER", "1700.0102", "echo bot")
        .put("bot_id", "B0OTHER")));
    post(SlackEvent.callback("T0ACME", "Ev0103", SlackEvent.directMessage("U0USER", "1700.0103", "echo edit")
        .put("subtype", "message_changed")));
    post(SlackEvent.callback("T0ACME", "Ev0104", SlackEvent.directMessage("U0USER", "1700.0104", "echo chan")
        .put("channel_type", "channel")));

    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE command_text = '@switchboard echo from dm' "
        + "AND channel = 'D0DM'")).isEqualTo(1);
    assertThat(fixture.jobCount()).isEqualTo(1);
  }

  @Test
  @DisplayName("a refusal is told only to the user, with chat.postEphemeral, and makes no job")
  void refusalIsEphemeral() {
    post(SlackEvent.callback("T0ACME", "Ev0201", SlackEvent.mention("U0USER", "C0OPS", "1700.0201", "frobnicate")));
    Await.until("the ephemeral refusal", () -> slack.calls("chat.postEphemeral").size() == 1);
    assertThat(slack.calls("chat.postEphemeral").get(0).args()).containsEntry("user", "U0USER")
        .containsEntry("channel", "C0OPS");
    assertThat(slack.calls("chat.postMessage")).isEmpty();
    assertThat(fixture.jobCount()).isZero();
    assertThat(fixture.auditTypes("acme")).containsExactly("command.refused");
  }

  @Test
  @DisplayName("an answer Slack does not take is owed and sent again by the sweep, once")
  void answerOwedUntilTaken() {
    slack.rateLimit("chat.postEphemeral", 1 + SlackWebApi.MAX_RATE_LIMIT_RETRIES, 1);
    post(SlackEvent.callback("T0ACME", "Ev0202", SlackEvent.mention("U0USER", "C0OPS", "1700.0202", "frobnicate")));
    Await.until("the refusal, sent again by the sweep",
        () -> fixture.count("SELECT count(*) FROM answer_outbox WHERE delivered_at IS NOT NULL") == 1);
    assertThat(slack.calls("chat.postEphemeral").stream().filter(c -> !"refused".equals(c.args().get("_outcome"))))
        .hasSize(1);
    assertThat(fixture.count("SELECT attempts FROM answer_outbox WHERE tenant_id = 'acme' AND platform = 'slack' "
        + "AND kind = 'slack_web_api' AND ephemeral AND user_id = 'U0USER'")).isEqualTo(2);
    assertThat(fixture.metric("switchboard.answers", "platform", "slack", "outcome", "retry")).isEqualTo(1);
    assertThat(fixture.metric("switchboard.answers", "platform", "slack", "outcome", "sent")).isEqualTo(1);
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("a forged or replayed event is refused with 401 and nothing runs")
  void forgedAndReplayedRefused() {
    JsonObject event = SlackEvent.callback("T0ACME", "Ev0301", SlackEvent.mention("U0USER", "C0OPS", "1700.0301", "echo x"));
    assertThat(SlackEvent.signed(GatewayFixture.GLOBEX_SECRET, event).post(fixture.baseUrl()).statusCode())
        .isEqualTo(401);
    assertThat(SlackEvent.signed(GatewayFixture.ACME_SECRET, event).at(Instant.now().minusSeconds(600))
        .post(fixture.baseUrl()).statusCode()).isEqualTo(401);
    assertThat(SlackEvent.signed(GatewayFixture.ACME_SECRET, event).withoutSignature().post(fixture.baseUrl())
        .statusCode()).isEqualTo(401);
    assertThat(fixture.jobCount()).isZero();
    assertThat(fixture.count("SELECT count(*) FROM slack_events")).isZero();
    assertThat(slack.calls()).isEmpty();
  }

  @Test
  @DisplayName("bad bodies are 400 or 415, never 500")
  void badBodies() {
    assertThat(SlackEvent.signed(GatewayFixture.ACME_SECRET, new JsonObject()).rawBody("{\"team_id\":\"T0ACME\",")
        .post(fixture.baseUrl()).statusCode()).isEqualTo(401);
    JsonObject noEvent = SlackEvent.callback("T0ACME", "Ev0401", null);
    assertThat(SlackEvent.signed(GatewayFixture.ACME_SECRET, noEvent).post(fixture.baseUrl()).statusCode())
        .isEqualTo(400);
    JsonObject noUser = SlackEvent.callback("T0ACME", "Ev0402", SlackEvent.mention(null, "C0OPS", "1.2", "echo x"));
    assertThat(SlackEvent.signed(GatewayFixture.ACME_SECRET, noUser).post(fixture.baseUrl()).statusCode())
        .isEqualTo(400);
    JsonObject event = SlackEvent.callback("T0ACME", "Ev0403", SlackEvent.mention("U0USER", "C0OPS", "1.3", "echo x"));
    assertThat(SlackEvent.signed(GatewayFixture.ACME_SECRET, event).contentType("application/x-www-form-urlencoded")
        .post(fixture.baseUrl()).statusCode()).isEqualTo(415);
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("a 429 from chat.postMessage is waited out (Retry-After) and the message still arrives, once")
  void rateLimitedPostIsRetried() {
    slack.rateLimit("chat.postMessage", 1, 1);
    post(SlackEvent.callback("T0ACME", "Ev0501", SlackEvent.mention("U0USER", "C0OPS", "1700.0501", "echo later")));
    Await.until("the queued message after the 429", () -> slack.calls("chat.postMessage").size() == 1);
    assertThat(slack.calls()).extracting(SlackApiStandIn.Call::method)
        .containsExactly("chat.postMessage", "chat.postMessage");
    Await.until("the message remembered for the job",
        () -> fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'slack' AND tenant_id = 'acme'") == 1);
  }

  @Test
  @DisplayName("progress and the result edit the job's one message: one chat.postMessage, then chat.update")
  void progressEditsOneMessage() {
    post(SlackEvent.callback("T0ACME", "Ev0601", SlackEvent.mention("U0USER", "C0OPS", "1700.0601", "echo hi")));
    Await.until("the queued message", () -> fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'slack'") == 1);
    long jobId = fixture.count("SELECT id FROM jobs");
    String ts = slack.calls("chat.postMessage").get(0).args().get("thread_ts");
    assertThat(ts).isEqualTo("1700.0601");

    fixture.count("WITH u AS (UPDATE jobs SET status = 'running', started_at = now() WHERE id = " + jobId
        + " RETURNING 1) SELECT count(*) FROM u");
    progress(jobId, "step 1 of 2");
    Await.until("the first progress edit", () -> slack.calls("chat.update").size() == 1);
    progress(jobId, "step 2 of 2");
    Await.until("the second progress edit", () -> slack.calls("chat.update").size() == 2);
    fixture.count("WITH u AS (UPDATE jobs SET status = 'succeeded', output = 'hi', finished_at = now() WHERE id = "
        + jobId + " RETURNING 1) SELECT count(*) FROM u");
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", jobId, JobStatus.SUCCEEDED).toJson());
    Await.until("the result edit", () -> slack.calls("chat.update").size() == 3);
    Await.until("the reply marked sent", () -> fixture.count("SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL") == 1);

    String messageTs = fixture.slackJobMessageTs("acme", jobId);
    assertThat(slack.calls("chat.postMessage")).hasSize(1);
    assertThat(slack.calls("chat.update")).allSatisfy(update -> assertThat(update.args())
        .containsEntry("ts", messageTs).containsEntry("channel", "C0OPS"));
    assertThat(slack.calls("chat.update").get(0).args().get("text")).contains("step 1 of 2");
    assertThat(slack.calls("chat.update").get(1).args().get("text")).contains("step 2 of 2");
    assertThat(slack.calls("chat.update").get(2).args().get("text")).contains("succeeded");
    assertThat(new JsonArray(slack.calls("chat.update").get(2).args().get("blocks")).encode()).contains("hi");

    progress(jobId, "late line");
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", jobId, JobStatus.SUCCEEDED).toJson());
    post(SlackEvent.callback("T0ACME", "Ev0602", SlackEvent.mention("U0USER", "C0OPS", "1700.0602", "whoami")));
    Await.until("the later command's answer", () -> slack.calls("chat.postEphemeral").size() == 1);
    assertThat(slack.calls("chat.update")).as("a late progress line does not replace the result").hasSize(3);
  }

  @Test
  @DisplayName("with two gateways hearing every progress line, each current line is one edit")
  void twoGatewaysEditOnce() {
    fixture.startSecondGateway();
    post(SlackEvent.callback("T0ACME", "Ev0651", SlackEvent.mention("U0USER", "C0OPS", "1700.0651", "echo hi")));
    Await.until("the queued message", () -> fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'slack'") == 1);
    long jobId = fixture.count("SELECT id FROM jobs");
    fixture.count("WITH u AS (UPDATE jobs SET status = 'running', started_at = now() WHERE id = " + jobId
        + " RETURNING 1) SELECT count(*) FROM u");
    progress(jobId, "only once");
    Await.until("the edit", () -> slack.calls("chat.update").size() == 1);
    Await.until("the line recorded as shown",
        () -> fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'slack' AND progress = 'only once'") == 1);
    progress(jobId, "second");
    Await.until("the second edit", () -> slack.calls("chat.update").size() == 2);
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_PROGRESS,
        new JobProgress("acme", jobId, 1, "superseded").toJson());
    progress(jobId, "third");
    Await.until("the third edit", () -> slack.calls("chat.update").size() == 3);
    assertThat(slack.calls("chat.update")).extracting(c -> c.args().get("text")).as("a line no longer the job's latest is not shown")
        .containsExactly("Job " + jobId + " running: only once", "Job " + jobId + " running: second",
            "Job " + jobId + " running: third");
  }

  @Test
  @DisplayName("app_uninstalled disables the installation, deletes the bot token and audits it")
  void uninstall() {
    JsonObject event = SlackEvent.callback("T0ACME", "Ev0701", new JsonObject().put("type", "app_uninstalled"));
    assertThat(SlackEvent.signed(GatewayFixture.ACME_SECRET, event).post(fixture.baseUrl()).statusCode()).isEqualTo(200);

    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = 'T0ACME' AND NOT enabled"))
        .isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = 'T0GLOBEX' AND enabled"))
        .isEqualTo(1);
    assertThat(fixture.auditTypes("acme")).containsExactly("installation.disabled");
    assertThat(Await.result(new SlackBotTokens(fixture.secrets()).find("acme", "T0ACME"))).isEmpty();
    JsonObject later = SlackEvent.callback("T0ACME", "Ev0702", SlackEvent.mention("U0USER", "C0OPS", "1.1", "echo x"));
    assertThat(SlackEvent.signed(GatewayFixture.ACME_SECRET, later).post(fixture.baseUrl()).statusCode()).isEqualTo(401);
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("tokens_revoked disables the installation only when the bot token is among them")
  void tokensRevoked() {
    post(SlackEvent.callback("T0ACME", "Ev0801", new JsonObject().put("type", "tokens_revoked")
        .put("tokens", new JsonObject().put("oauth", new JsonArray().add("U0SOMEONE")))));
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = 'T0ACME' AND enabled"))
        .isEqualTo(1);
    post(SlackEvent.callback("T0ACME", "Ev0802", new JsonObject().put("type", "tokens_revoked")
        .put("tokens", new JsonObject().put("bot", new JsonArray().add("U0BOT")))));
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = 'T0ACME' AND enabled"))
        .isZero();
  }

  @Test
  @DisplayName("tenant isolation: event ids, job messages and bot tokens are each tenant's own")
  void tenantIsolation() {
    JsonObject acme = SlackEvent.callback("T0ACME", "EvSAME", SlackEvent.mention("U0USER", "C0OPS", "1700.0901", "echo a"));
    JsonObject globex = SlackEvent.callback("T0GLOBEX", "EvSAME", SlackEvent.mention("U0USER", "C0OPS", "1700.0901", "echo g"));
    assertThat(SlackEvent.signed(GatewayFixture.ACME_SECRET, acme).post(fixture.baseUrl()).statusCode()).isEqualTo(200);
    assertThat(SlackEvent.signed(GatewayFixture.GLOBEX_SECRET, globex).post(fixture.baseUrl()).statusCode())
        .isEqualTo(200);

    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'globex'"))
        .as("the same event id in another tenant is another event").isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM slack_events")).isEqualTo(2);
    Await.until("acme's message", () -> fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'slack'") == 1);
    assertThat(fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'slack' AND tenant_id = 'acme'")).isEqualTo(1);
    assertThat(slack.calls()).allSatisfy(call -> assertThat(call.token()).isEqualTo(ACME_BOT_TOKEN));
    assertThat(slack.calls()).as("globex has no bot token, and never gets acme's").hasSize(1);
    assertThat(Await.result(new SlackBotTokens(fixture.secrets()).find("globex", "T0ACME"))).isEmpty();

    JsonObject refusedForGlobex = SlackEvent.callback("T0GLOBEX", "EvREFUSED",
        SlackEvent.mention("U0USER", "C0OPS", "1700.0902", "frobnicate"));
    SlackEvent.signed(GatewayFixture.GLOBEX_SECRET, refusedForGlobex).post(fixture.baseUrl());
    Await.until("globex's owed answer", () -> fixture.count("SELECT count(*) FROM answer_outbox") == 1);
    assertThat(fixture.count("SELECT count(*) FROM answer_outbox WHERE tenant_id = 'globex' "
        + "AND reply_to->>'workspace' = 'T0GLOBEX' AND delivered_at IS NULL"))
        .as("owed to globex's own workspace, never sent with acme's token").isEqualTo(1);
    assertThat(slack.calls()).hasSize(1);
  }

  /** What an executor does with a progress line: stores it with the job, then announces it. */
  private void progress(long jobId, String line) {
    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET progress = $2, progress_at = now() WHERE id = $1")
        .execute(Tuple.of(jobId, line)));
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_PROGRESS, new JobProgress("acme", jobId, 1, line).toJson());
  }

  private void post(JsonObject payload) {
    HttpResponse<String> response = SlackEvent.signed(GatewayFixture.ACME_SECRET, payload).post(fixture.baseUrl());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }
}

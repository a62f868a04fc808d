package io.switchboard.gateway.slack;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobProgress;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.switchboard.testkit.slack.SlackResponseUrlServer;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancel and Rerun on a job's Slack message, end to end: commands and clicks through the real
 * endpoints, answers through the Slack Web API stand-in and the response_url stand-in.
 */
@DisplayName("Cancel and Rerun buttons on job messages (/slack/interactions)")
class SlackJobButtonsTest {

  private static final String ACME_BOT_TOKEN = "xoxb-acme-bot";

  private SlackApiStandIn slack;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    slack = SlackApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SLACK_API_URL", slack.apiUrl()));
    Await.result(new SlackBotTokens(fixture.secrets()).store("acme", "T0ACME", ACME_BOT_TOKEN));
    slack.acceptToken(ACME_BOT_TOKEN);
  }

  @AfterEach
  void stop() {
    fixture.close();
    slack.close();
  }

  @Test
  @DisplayName("the job's message offers Cancel while the job is queued and Rerun once it has ended")
  void cancelThenRerun() {
    long job = mention("Ev1", "U0USER", "1700.0001", "echo hi");
    String queued = slack.calls("chat.postMessage").get(0).args().get("blocks");
    assertThat(queued).contains(JobButtons.CANCEL).contains("\"value\":\"" + job + "\"").doesNotContain(JobButtons.RERUN)
        .contains("Queued as job " + job);

    finish(job, "succeeded", "hi");
    Await.until("the result edit", () -> slack.calls("chat.update").size() == 1);
    String result = slack.calls("chat.update").get(0).args().get("blocks");
    assertThat(result).contains(JobButtons.RERUN).contains("\"value\":\"" + job + "\"").doesNotContain(JobButtons.CANCEL);
  }

  @Test
  @DisplayName("Cancel by the requester cancels the queued job, audited with who clicked, and the message shows it")
  void cancelByRequester() {
    long job = mention("Ev2", "U0USER", "1700.0002", "echo later");

    JsonObject answer = click("U0USER", JobButtons.CANCEL, job);

    assertThat(answer.getString("text")).isEqualTo("Cancelled job " + job + " before it started.");
    assertThat(answer.getString("response_type")).isEqualTo("ephemeral");
    assertThat(answer.getBoolean("replace_original")).isFalse();
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'cancelled' AND cancel_requested_by = 'U0USER' "
        + "AND id = " + job)).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE event_type = 'job.cancelled' AND actor = 'U0USER' "
        + "AND job_id = " + job)).isEqualTo(1);
    Await.until("the message edited to the cancelled result", () -> slack.calls("chat.update").size() == 1);
    SlackApiStandIn.Call edit = slack.calls("chat.update").get(0);
    assertThat(edit.args()).containsEntry("ts", fixture.slackJobMessageTs("acme", job));
    assertThat(edit.args().get("text")).contains("cancelled");
    assertThat(edit.args().get("blocks")).contains(JobButtons.RERUN).doesNotContain(JobButtons.CANCEL);

    assertThat(click("U0USER", JobButtons.CANCEL, job).getString("text"))
        .isEqualTo("Job " + job + " has already ended (or is already being cancelled).");
  }

  @Test
  @DisplayName("a running job's progress edits keep Cancel, and Cancel asks the executor running it to stop")
  void cancelRunningJob() {
    long job = mention("Ev21", "U0USER", "1700.0021", "echo slow");
    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET status = 'running', started_at = now(), "
        + "lease_id = gen_random_uuid(), progress = 'step 1' WHERE id = $1").execute(Tuple.of(job)));
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_PROGRESS,
        new JobProgress("acme", job, 1, "step 1").toJson());
    Await.until("the progress edit", () -> slack.calls("chat.update").size() == 1);
    assertThat(slack.calls("chat.update").get(0).args().get("blocks")).contains("step 1").contains(JobButtons.CANCEL);

    JsonObject answer = click("U0USER", JobButtons.CANCEL, job);

    assertThat(answer.getString("text")).startsWith("Stopping job " + job);
    Await.until("the executors told", () -> fixture.cancels().stream()
        .anyMatch(cancel -> cancel.getLong("jobId") == job && "U0USER".equals(cancel.getString("by"))));
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE event_type = 'job.cancel_requested' "
        + "AND actor = 'U0USER' AND job_id = " + job)).isEqualTo(1);
  }

  @Test
  @DisplayName("Cancel by anyone but the requester is refused with an explanation and changes nothing")
  void cancelByOthersRefused() {
    long job = mention("Ev3", "U0USER", "1700.0003", "echo mine");

    JsonObject answer = click("U0OTHER", JobButtons.CANCEL, job);

    assertThat(answer.getString("response_type")).isEqualTo("ephemeral");
    assertThat(answer.getString("text"))
        .isEqualTo("Job " + job + " was started by someone else; you can cancel only your own jobs.");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued' AND cancel_requested_at IS NULL "
        + "AND id = " + job)).isEqualTo(1);
    assertThat(fixture.auditTypes("acme")).doesNotContain("job.cancelled", "job.cancel_requested");
    assertThat(slack.calls("chat.update")).isEmpty();
  }

  @Test
  @DisplayName("Rerun runs the command again as the clicker, once even when Slack delivers the click twice")
  void rerunOnce() {
    long job = mention("Ev4", "U0USER", "1700.0004", "echo again");
    finish(job, "succeeded", "again");
    SignedSlashCommand rerun = SignedClick.of(GatewayFixture.ACME_SECRET, "T0ACME", "U0OTHER", "C0OPS",
        JobButtons.RERUN, Long.toString(job), fixture.slack().responseUrl("rerun-1"));

    assertThat(rerun.post(fixture.baseUrl()).statusCode()).isEqualTo(200);
    assertThat(rerun.post(fixture.baseUrl()).statusCode()).isEqualTo(200);

    assertThat(fixture.jobCount()).isEqualTo(2);
    long again = fixture.count("SELECT id FROM jobs WHERE id <> " + job);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE id = " + again + " AND status = 'queued' "
        + "AND requester = 'U0OTHER' AND command_text = '@switchboard echo again' AND arguments->>'text' = 'again' "
        + "AND reply_to->>'kind' = 'slack_web_api' AND reply_to->>'thread_ts' = '1700.0004' "
        + "AND reply_to->>'channel' = 'C0OPS'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE event_type = 'job.queued' AND actor = 'U0OTHER' "
        + "AND job_id = " + again + " AND detail::jsonb #>> '{decision,rerunOf}' = '" + job + "'")).isEqualTo(1);
    assertThat(fixture.metric("switchboard.commands.refused", "reason", "duplicate_delivery")).isEqualTo(1);
    Await.until("the new job's own message in the thread", () -> slack.calls("chat.postMessage").size() == 2);
    SlackApiStandIn.Call message = slack.calls("chat.postMessage").get(1);
    assertThat(message.args()).containsEntry("thread_ts", "1700.0004").containsEntry("channel", "C0OPS");
    assertThat(message.args().get("blocks")).contains("Queued as job " + again).contains(JobButtons.CANCEL);
    Await.until("the new message remembered",
        () -> fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'slack' AND job_id = " + again) == 1);
  }

  @Test
  @DisplayName("Rerun by a user whom policy does not allow the command is refused with the reason, and nothing runs")
  void rerunFollowsPolicy() {
    fixture.putPolicy("acme", GatewayFixture.examplePolicy().put("freezeWindows", new JsonArray()));
    long job = awaitQueued("U0ALICE", "deploy staging api --version 1.4.2");
    finish(job, "succeeded", "deployed");

    HttpResponse<String> response = SignedClick.of(GatewayFixture.ACME_SECRET, "T0ACME", "U0EVE", "C0OPS",
        JobButtons.RERUN, Long.toString(job), fixture.slack().responseUrl("rerun-eve")).post(fixture.baseUrl());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(fixture.jobCount()).isEqualTo(1);
    Await.until("the refusal told to the clicker", () -> slack.calls("chat.postEphemeral").stream()
        .anyMatch(call -> "U0EVE".equals(call.args().get("user"))));
    SlackApiStandIn.Call refusal = slack.calls("chat.postEphemeral").stream()
        .filter(call -> "U0EVE".equals(call.args().get("user"))).findFirst().orElseThrow();
    assertThat(refusal.args()).containsEntry("channel", "C0OPS").containsEntry("thread_ts", "1700.5000");
    assertThat(refusal.args().get("text")).isEqualTo("`deploy` in staging on api needs role developer");
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE event_type = 'command.refused' "
        + "AND actor = 'U0EVE'")).isEqualTo(1);
  }

  @Test
  @DisplayName("a slash command's acknowledgement offers Cancel, its result Rerun, and a rerun answers the click")
  void slashCommandButtons() {
    JsonObject ack = fixture.acmeAnswer("U0USER", "C0OPS", "echo slash");
    assertThat(ack.getString("response_type")).isEqualTo("ephemeral");
    long job = fixture.count("SELECT id FROM jobs");
    assertThat(ack.getJsonArray("blocks").encode()).contains(JobButtons.CANCEL).contains("Queued as job " + job);

    finish(job, "succeeded", "slash");
    Await.until("the result posted to response_url", () -> fixture.slack().posts().stream()
        .anyMatch(post -> post.message().encode().contains(JobButtons.RERUN)));

    String url = fixture.slack().responseUrl("rerun-slash");
    assertThat(SignedClick.of(GatewayFixture.ACME_SECRET, "T0ACME", "U0USER", "C0OPS", JobButtons.RERUN,
        Long.toString(job), url).post(fixture.baseUrl()).statusCode()).isEqualTo(200);

    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE id <> " + job + " AND command_text = '/ops echo slash' "
        + "AND reply_to->>'kind' = 'slack_response_url' AND reply_to->>'url' = '" + url + "'")).isEqualTo(1);
    Await.until("the rerun acknowledged to the click", () -> posts(url).size() == 1);
    assertThat(posts(url).get(0).message().getString("text")).startsWith("Queued as job ");
    assertThat(posts(url).get(0).message().getBoolean("replace_original")).isFalse();
  }

  @Test
  @DisplayName("forged clicks are 401; unknown actions and malformed payloads are 400; nothing changes")
  void badClicks() {
    long job = mention("Ev6", "U0USER", "1700.0006", "echo safe");
    String url = fixture.slack().responseUrl("bad");

    HttpResponse<String> forged = SignedClick.of("not-the-secret", "T0ACME", "U0USER", "C0OPS", JobButtons.CANCEL,
        Long.toString(job), url).post(fixture.baseUrl());
    HttpResponse<String> unknown = SignedClick.of(GatewayFixture.ACME_SECRET, "T0ACME", "U0USER", "C0OPS",
        "job.delete", Long.toString(job), url).post(fixture.baseUrl());
    HttpResponse<String> notAnId = SignedClick.of(GatewayFixture.ACME_SECRET, "T0ACME", "U0USER", "C0OPS",
        JobButtons.RERUN, "latest", url).post(fixture.baseUrl());
    HttpResponse<String> noAction = SignedClick.payload(GatewayFixture.ACME_SECRET, "T0ACME", new JsonObject()
        .put("type", "block_actions").put("team", new JsonObject().put("id", "T0ACME"))
        .put("user", new JsonObject().put("id", "U0USER")).put("channel", new JsonObject().put("id", "C0OPS"))
        .put("response_url", url).put("actions", new JsonArray())).post(fixture.baseUrl());
    HttpResponse<String> noDeliveryId = SignedClick.payload(GatewayFixture.ACME_SECRET, "T0ACME", new JsonObject()
        .put("type", "block_actions").put("team", new JsonObject().put("id", "T0ACME"))
        .put("user", new JsonObject().put("id", "U0USER")).put("channel", new JsonObject().put("id", "C0OPS"))
        .put("response_url", url).put("actions", new JsonArray().add(new JsonObject()
            .put("action_id", JobButtons.RERUN).put("value", Long.toString(job))))).post(fixture.baseUrl());
    HttpResponse<String> wrongTypes = SignedClick.payload(GatewayFixture.ACME_SECRET, "T0ACME", new JsonObject()
        .put("type", "block_actions").put("team", new JsonObject().put("id", "T0ACME"))
        .put("user", "U0USER").put("channel", new JsonObject().put("id", "C0OPS"))
        .put("response_url", url).put("trigger_id", "t-1").put("actions", new JsonArray().add(new JsonObject()
            .put("action_id", JobButtons.RERUN).put("value", Long.toString(job))))).post(fixture.baseUrl());

    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(400);
    assertThat(unknown.body()).contains("unknown action 'job.delete'");
    assertThat(notAnId.statusCode()).as(notAnId.body()).isEqualTo(400);
    assertThat(noAction.statusCode()).as(noAction.body()).isEqualTo(400);
    assertThat(noDeliveryId.statusCode()).as(noDeliveryId.body()).isEqualTo(400);
    assertThat(wrongTypes.statusCode()).as(wrongTypes.body()).isEqualTo(400);
    assertThat(fixture.jobCount()).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued'")).isEqualTo(1);
    assertThat(posts(url)).isEmpty();
  }

  @Test
  @DisplayName("tenant isolation: a click from another tenant's workspace on this tenant's job finds nothing")
  void tenantIsolation() {
    long job = mention("Ev7", "U0USER", "1700.0007", "echo acme only");
    finish(job, "succeeded", "acme only");
    String url = fixture.slack().responseUrl("globex-click");

    for (String action : List.of(JobButtons.CANCEL, JobButtons.RERUN)) {
      HttpResponse<String> response = SignedClick.of(GatewayFixture.GLOBEX_SECRET, "T0GLOBEX", "U0USER", "C0OPS",
          action, Long.toString(job), url).post(fixture.baseUrl());
      assertThat(response.statusCode()).isEqualTo(200);
    }

    Await.until("both clicks answered", () -> posts(url).size() == 2);
    assertThat(posts(url)).extracting(post -> post.message().getString("text"))
        .containsOnly("There is no job " + job + " here.");
    assertThat(fixture.jobCount()).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'succeeded' AND cancel_requested_at IS NULL"))
        .isEqualTo(1);
    assertThat(fixture.auditTypes("globex")).isEmpty();
    SignedSlashCommand acmeSignedAsGlobex = SignedClick.of(GatewayFixture.ACME_SECRET, "T0GLOBEX", "U0USER", "C0OPS",
        JobButtons.RERUN, Long.toString(job), url);
    assertThat(acmeSignedAsGlobex.post(fixture.baseUrl()).statusCode()).isEqualTo(401);
  }

  /** Mentions Switchboard in #C0OPS; returns the queued job once its message is in the thread. */
  private long mention(String eventId, String user, String ts, String text) {
    int before = slack.calls("chat.postMessage").size();
    HttpResponse<String> response = SlackEvent.signed(GatewayFixture.ACME_SECRET,
        SlackEvent.callback("T0ACME", eventId, SlackEvent.mention(user, "C0OPS", ts, text))).post(fixture.baseUrl());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Await.until("the job's message", () -> slack.calls("chat.postMessage").size() == before + 1);
    long job = fixture.count("SELECT max(id) FROM jobs");
    Await.until("the message remembered",
        () -> fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'slack' AND job_id = " + job) == 1);
    return job;
  }

  /** Mentions until the gateway has the new policy and queues the command (policies reach gateways by event). */
  private long awaitQueued(String user, String text) {
    int[] attempt = new int[1];
    Await.until("the command queued under the policy", () -> {
      attempt[0]++;
      HttpResponse<String> response = SlackEvent.signed(GatewayFixture.ACME_SECRET, SlackEvent.callback("T0ACME",
          "EvQ" + attempt[0], SlackEvent.mention(user, "C0OPS", "1700.5000", text))).post(fixture.baseUrl());
      assertThat(response.statusCode()).isEqualTo(200);
      return fixture.jobCount() == 1;
    });
    long job = fixture.count("SELECT id FROM jobs");
    Await.until("the message remembered",
        () -> fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'slack' AND job_id = " + job) == 1);
    return job;
  }

  /** What an executor does when a job ends: stores the outcome, then announces it. */
  private void finish(long job, String status, String output) {
    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET status = $2, output = $3, started_at = now(), "
        + "finished_at = now() WHERE id = $1").execute(Tuple.of(job, status, output)));
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", job, JobStatus.fromWire(status)).toJson());
  }

  /** Clicks as {@code user} in #C0OPS and returns what Switchboard posted back to the click's response_url. */
  private JsonObject click(String user, String action, long job) {
    String url = fixture.slack().responseUrl("click-" + System.nanoTime());
    HttpResponse<String> response = SignedClick.of(GatewayFixture.ACME_SECRET, "T0ACME", user, "C0OPS", action,
        Long.toString(job), url).post(fixture.baseUrl());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Await.until("the click answered", () -> posts(url).size() == 1);
    return posts(url).get(0).message();
  }

  private List<SlackResponseUrlServer.Post> posts(String url) {
    String path = url.substring(url.indexOf("/commands/"));
    return fixture.slack().posts().stream().filter(post -> post.path().equals(path)).toList();
  }
}

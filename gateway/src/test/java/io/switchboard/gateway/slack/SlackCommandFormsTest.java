package io.switchboard.gateway.slack;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
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
 * Forms for slash commands that lack arguments, end to end: the command through
 * {@code /slack/commands} opens a modal through the Slack Web API stand-in ({@code views.open}), its
 * submission through {@code /slack/interactions} runs the command, answers go to the response_url
 * stand-in. Alice is a developer of the worked example policy (deploy to staging), Eve holds no role.
 */
@DisplayName("Command forms: a modal for missing arguments, its submission through the command pipeline")
class SlackCommandFormsTest {

  private static final String ACME_BOT_TOKEN = "xoxb-acme-bot";
  private static final Map<String, String> STAGING_API = Map.of("arg:environment", "staging", "arg:service", "api",
      "arg:version", "1.4.2");

  private SlackApiStandIn slack;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    slack = SlackApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SLACK_API_URL", slack.apiUrl()));
    Await.result(new SlackBotTokens(fixture.secrets()).store("acme", "T0ACME", ACME_BOT_TOKEN));
    slack.acceptToken(ACME_BOT_TOKEN);
    JsonObject policy = GatewayFixture.examplePolicy().put("freezeWindows", new JsonArray());
    policy.getJsonArray("commands").getJsonObject(1).getJsonArray("arguments").add(new JsonObject()
        .put("name", "reason").put("type", "string").put("flag", true).put("default", "routine"));
    fixture.putPolicy("acme", policy);
  }

  @AfterEach
  void stop() {
    fixture.close();
    slack.close();
  }

  @Test
  @DisplayName("a command missing its arguments opens one modal asking for them, with the catalog's choices")
  void missingArgumentsOpenAForm() {
    String url = fixture.slack().responseUrl("form-0");
    SignedSlashCommand command = command("U0ALICE", "deploy", url).field("trigger_id", "1337.42.trigger");

    HttpResponse<String> response = command.post(fixture.baseUrl());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject answer = new JsonObject(response.body());
    assertThat(answer.getString("response_type")).isEqualTo("ephemeral");
    assertThat(answer.getString("text")).isEqualTo("I opened a form for the rest of `/ops deploy`; "
        + "the answer will be posted here.");
    assertThat(slack.calls("views.open")).hasSize(1);
    SlackApiStandIn.Call call = slack.calls("views.open").get(0);
    assertThat(call.token()).isEqualTo(ACME_BOT_TOKEN);
    assertThat(call.args()).containsEntry("trigger_id", "1337.42.trigger");
    JsonObject view = new JsonObject(call.args().get("view"));
    assertThat(view.getString("type")).isEqualTo("modal");
    assertThat(view.getString("callback_id")).isEqualTo(CommandForms.CALLBACK_ID);
    assertThat(view.getJsonObject("title").getString("text")).isEqualTo("/ops deploy");
    assertThat(new JsonObject(view.getString("private_metadata"))).isEqualTo(new JsonObject()
        .put("command", "deploy").put("invoked_as", "/ops").put("channel", "C0OPS")
        .put("response_url", url));

    JsonObject environment = input(view, "arg:environment");
    assertThat(environment.getBoolean("optional")).isFalse();
    assertThat(environment.getJsonObject("element").getString("type")).isEqualTo("static_select");
    assertThat(environment.getJsonObject("element").getJsonArray("options").stream()
        .map(option -> ((JsonObject) option).getString("value")).toList()).containsExactly("staging", "production");
    assertThat(environment.getJsonObject("element").containsKey("initial_option")).isFalse();
    JsonObject service = input(view, "arg:service");
    assertThat(service.getJsonObject("element").getString("type")).isEqualTo("plain_text_input");
    assertThat(service.getJsonObject("hint").getString("text"))
        .isEqualTo("Must match [a-z][a-z0-9-]{1,39}. One or more, separated by commas");
    JsonObject version = input(view, "arg:version");
    assertThat(version.getBoolean("optional")).isFalse();
    assertThat(version.getJsonObject("hint").getString("text"))
        .isEqualTo("the release to deploy. Must match \\d+\\.\\d+\\.\\d+");
    assertThat(fixture.jobCount()).isZero();
    assertThat(fixture.auditTypes("acme")).doesNotContain("command.refused");
  }

  @Test
  @DisplayName("what was typed is filled in; ranges and optional arguments with their defaults are shown")
  void formShowsWhatWasTypedAndTheRules() {
    assertThat(command("U0ALICE", "scale staging").post(fixture.baseUrl()).statusCode()).isEqualTo(200);

    JsonObject view = new JsonObject(slack.calls("views.open").get(0).args().get("view"));
    assertThat(input(view, "arg:environment").getJsonObject("element").getJsonObject("initial_option")
        .getString("value")).isEqualTo("staging");
    assertThat(input(view, "arg:service").getJsonObject("element").containsKey("initial_value")).isFalse();
    assertThat(input(view, "arg:replicas").getJsonObject("hint").getString("text"))
        .isEqualTo("A whole number from 0 to 20");
    JsonObject reason = input(view, "arg:reason");
    assertThat(reason.getBoolean("optional")).isTrue();
    assertThat(reason.getJsonObject("hint").getString("text")).isEqualTo("Default: routine");
  }

  @Test
  @DisplayName("a submission queues exactly one job with the typed arguments, answered on the response_url")
  void submissionQueuesOneJob() {
    String url = fixture.slack().responseUrl("form-1");
    JsonObject view = openForm("U0ALICE", "deploy", url);

    HttpResponse<String> response = submit("U0ALICE", view, Map.of("arg:environment", "staging",
        "arg:service", " api, web ", "arg:version", "1.4.2"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(fixture.jobCount()).isEqualTo(1);
    long job = fixture.count("SELECT id FROM jobs");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued' AND requester = 'U0ALICE' "
        + "AND channel = 'C0OPS' AND command = 'deploy' AND command_text = '/ops deploy staging api,web --version 1.4.2' "
        + "AND arguments #>> '{inputs,environment}' = 'staging' AND arguments #> '{inputs,services}' = '[\"api\",\"web\"]'::jsonb "
        + "AND arguments #>> '{inputs,version}' = '1.4.2' "
        + "AND reply_to->>'kind' = 'slack_response_url' AND reply_to->>'url' = '" + url + "'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE event_type = 'job.queued' AND actor = 'U0ALICE' "
        + "AND job_id = " + job)).isEqualTo(1);
    Await.until("the acknowledgement on the response_url", () -> posts(url).size() == 1);
    JsonObject ack = posts(url).get(0).message();
    assertThat(ack.getString("text")).startsWith("Queued as job " + job + ": `deploy staging api,web --version 1.4.2`.");
    assertThat(ack.getJsonArray("blocks").encode()).contains(JobButtons.CANCEL);

    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET status = 'succeeded', output = 'deployed', "
        + "started_at = now(), finished_at = now() WHERE id = $1").execute(Tuple.of(job)));
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", job, JobStatus.SUCCEEDED).toJson());
    Await.until("the result on the response_url", () -> posts(url).size() == 2);
    assertThat(posts(url).get(1).message().encode()).contains("deployed").contains(JobButtons.RERUN);
  }

  @Test
  @DisplayName("the same submission delivered twice queues one job")
  void retriedSubmissionQueuesOneJob() {
    JsonObject view = openForm("U0ALICE", "deploy", fixture.slack().responseUrl("form-2"));
    SignedSlashCommand submission = SignedViewSubmission.of(GatewayFixture.ACME_SECRET, "T0ACME", "U0ALICE", view,
        STAGING_API);

    assertThat(submission.post(fixture.baseUrl()).statusCode()).isEqualTo(200);
    assertThat(submission.post(fixture.baseUrl()).statusCode()).isEqualTo(200);

    assertThat(fixture.jobCount()).isEqualTo(1);
    assertThat(fixture.metric("switchboard.commands.refused", "reason", "duplicate_delivery")).isEqualTo(1);
  }

  @Test
  @DisplayName("a value that would not parse goes back to the form, naming the field, and nothing is queued")
  void invalidValuesGoBackToTheForm() {
    String url = fixture.slack().responseUrl("form-3");
    JsonObject view = openForm("U0ALICE", "deploy", url);

    HttpResponse<String> response = submit("U0ALICE", view, Map.of("arg:environment", "staging",
        "arg:service", "api web", "arg:version", "1.4"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject answer = new JsonObject(response.body());
    assertThat(answer.getString("response_action")).isEqualTo("errors");
    assertThat(answer.getJsonObject("errors")).isEqualTo(new JsonObject()
        .put("arg:service", "service must not contain spaces")
        .put("arg:version", "version '1.4' does not have the expected form (\\d+\\.\\d+\\.\\d+)"));
    assertThat(fixture.jobCount()).isZero();

    HttpResponse<String> unknownChoice = submit("U0ALICE", view, Map.of("arg:environment", "prod",
        "arg:service", "api", "arg:version", "1.4.2"));
    assertThat(new JsonObject(unknownChoice.body()).getJsonObject("errors")).isEqualTo(new JsonObject()
        .put("arg:environment", "unknown environment 'prod'; one of: staging, production"));
    assertThat(fixture.jobCount()).isZero();
    assertThat(posts(url)).isEmpty();
  }

  @Test
  @DisplayName("a submitter whom policy denies the command is refused with the reason, audited, and nothing runs")
  void deniedSubmitterIsRefused() {
    String url = fixture.slack().responseUrl("form-4");
    JsonObject view = openForm("U0EVE", "deploy", url);

    HttpResponse<String> response = submit("U0EVE", view, STAGING_API);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(fixture.jobCount()).isZero();
    Await.until("the refusal on the response_url", () -> posts(url).size() == 1);
    assertThat(posts(url).get(0).message().getString("text")).isEqualTo("`deploy` in staging on api needs role developer");
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE event_type = 'command.refused' "
        + "AND actor = 'U0EVE'")).isEqualTo(1);
  }

  @Test
  @DisplayName("without a form (expired trigger, no trigger, a wrong value) the command gets its precise parse error; "
      + "a complete command runs as before")
  void withoutAFormTheParseErrorStays() {
    slack.expireTriggers(1);
    String expired = answer(command("U0ALICE", "deploy"));
    String noTrigger = answer(command("U0ALICE", "deploy").field("trigger_id", null));
    String wrong = answer(command("U0ALICE", "deploy prod"));

    String missing = "missing environment (one of: staging, production). Usage: "
        + "`deploy &lt;environment&gt; &lt;service,...&gt; --version &lt;version&gt;`; try `help deploy`.";
    assertThat(expired).isEqualTo(missing);
    assertThat(noTrigger).isEqualTo(missing);
    assertThat(wrong).startsWith("unknown environment 'prod'; one of: staging, production.");
    assertThat(slack.calls().stream().filter(call -> call.method().equals("views.open")).toList()).hasSize(1);
    assertThat(slack.calls("views.open")).isEmpty();
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE event_type = 'command.refused'")).isEqualTo(3);

    assertThat(answer(command("U0ALICE", "deploy staging api --version 1.4.2"))).startsWith("Queued as job ");
    assertThat(fixture.jobCount()).isEqualTo(1);
    assertThat(slack.calls("views.open")).isEmpty();
  }

  @Test
  @DisplayName("forged submissions are 401; malformed views and unknown callbacks are 400; nothing changes")
  void badSubmissions() {
    String url = fixture.slack().responseUrl("form-5");
    JsonObject view = openForm("U0ALICE", "deploy", url);
    JsonObject filled = SignedViewSubmission.filled(view, STAGING_API);

    HttpResponse<String> forged = SignedViewSubmission.payload("not-the-secret", "T0ACME", "U0ALICE", filled)
        .post(fixture.baseUrl());
    List<JsonObject> malformed = List.of(
        filled.copy().put("callback_id", "someone.else"),
        filled.copy().put("private_metadata", "deploy|C0OPS"),
        filled.copy().put("private_metadata", new JsonObject(filled.getString("private_metadata"))
            .put("response_url", "https://attacker.example/hook").encode()),
        filled.copy().put("private_metadata", new JsonObject(filled.getString("private_metadata"))
            .put("channel", "C0OPS extra").encode()),
        filled.copy().put("private_metadata", new JsonObject(filled.getString("private_metadata"))
            .put("also", "this").encode()),
        filled.copy().putNull("state"),
        withValue(filled, "arg:environment", new JsonObject().put("type", "static_select")
            .put("selected_option", new JsonObject().put("text", "staging"))),
        withValue(filled, "arg:version", new JsonObject().put("type", "datepicker").put("selected_date", "2026-12-02")),
        withoutId(filled));
    HttpResponse<String> notAView = SignedClick.payload(GatewayFixture.ACME_SECRET, "T0ACME", new JsonObject()
        .put("type", "view_submission").put("team", new JsonObject().put("id", "T0ACME"))
        .put("user", new JsonObject().put("id", "U0ALICE")).put("view", "deploy")).post(fixture.baseUrl());
    HttpResponse<String> otherType = SignedClick.payload(GatewayFixture.ACME_SECRET, "T0ACME", new JsonObject()
        .put("type", "shortcut").put("team", new JsonObject().put("id", "T0ACME"))
        .put("user", new JsonObject().put("id", "U0ALICE"))).post(fixture.baseUrl());

    assertThat(forged.statusCode()).isEqualTo(401);
    for (JsonObject bad : malformed) {
      HttpResponse<String> response = SignedViewSubmission.payload(GatewayFixture.ACME_SECRET, "T0ACME", "U0ALICE",
          bad).post(fixture.baseUrl());
      assertThat(response.statusCode()).as(bad.encode() + " -> " + response.body()).isEqualTo(400);
    }
    assertThat(notAView.statusCode()).as(notAView.body()).isEqualTo(400);
    assertThat(otherType.statusCode()).as(otherType.body()).isEqualTo(400);
    assertThat(fixture.jobCount()).isZero();
    assertThat(posts(url)).isEmpty();
    assertThat(submit("U0ALICE", view, STAGING_API).statusCode()).isEqualTo(200);
    assertThat(fixture.jobCount()).isEqualTo(1);
  }

  @Test
  @DisplayName("a form whose fields are no longer the command's runs nothing and says so")
  void staleFormRunsNothing() {
    String url = fixture.slack().responseUrl("form-7");
    JsonObject filled = SignedViewSubmission.filled(openForm("U0ALICE", "deploy", url), STAGING_API);
    filled.getJsonObject("state").getJsonObject("values").remove("arg:version");

    HttpResponse<String> response = SignedViewSubmission.payload(GatewayFixture.ACME_SECRET, "T0ACME", "U0ALICE",
        filled).post(fixture.baseUrl());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Await.until("the notice on the response_url", () -> posts(url).size() == 1);
    assertThat(posts(url).get(0).message().getString("text")).isEqualTo("`/ops deploy` has changed since this form "
        + "was opened; nothing ran. Type `/ops deploy` again for the new form.");
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("tenant isolation: a form submitted from another tenant's workspace finds nothing of this tenant")
  void tenantIsolation() {
    JsonObject view = openForm("U0ALICE", "deploy", fixture.slack().responseUrl("form-6"));
    String globexUrl = fixture.slack().responseUrl("globex-form");
    JsonObject asGlobex = view.copy().put("private_metadata", new JsonObject(view.getString("private_metadata"))
        .put("response_url", globexUrl).encode());

    HttpResponse<String> response = SignedViewSubmission.of(GatewayFixture.GLOBEX_SECRET, "T0GLOBEX", "U0ALICE",
        asGlobex, STAGING_API).post(fixture.baseUrl());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Await.until("the refusal on the response_url", () -> posts(globexUrl).size() == 1);
    assertThat(posts(globexUrl).get(0).message().getString("text")).startsWith("Unknown command 'deploy'.");
    assertThat(fixture.jobCount()).isZero();
    assertThat(fixture.auditTypes("acme")).doesNotContain("command.refused", "job.queued");
    assertThat(fixture.auditTypes("globex")).containsExactly("command.refused");
    assertThat(SignedViewSubmission.of(GatewayFixture.ACME_SECRET, "T0GLOBEX", "U0ALICE", view, STAGING_API)
        .post(fixture.baseUrl()).statusCode()).isEqualTo(401);
  }

  private static JsonObject withValue(JsonObject view, String blockId, JsonObject input) {
    JsonObject copy = view.copy();
    copy.getJsonObject("state").getJsonObject("values").put(blockId, new JsonObject().put("value", input));
    return copy;
  }

  private static JsonObject withoutId(JsonObject view) {
    JsonObject copy = view.copy();
    copy.remove("id");
    return copy;
  }

  /** {@code /ops <text>} typed by {@code user} in #C0OPS. */
  private SignedSlashCommand command(String user, String text) {
    return fixture.acmeCommand(text).field("user_id", user).field("channel_id", "C0OPS");
  }

  private SignedSlashCommand command(String user, String text, String responseUrl) {
    return command(user, text).field("response_url", responseUrl);
  }

  /** Types the command and returns the form views.open opened for it, as Slack answered it. */
  private JsonObject openForm(String user, String text, String responseUrl) {
    int before = slack.openedViews().size();
    HttpResponse<String> response = command(user, text, responseUrl).post(fixture.baseUrl());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(slack.openedViews()).hasSize(before + 1);
    return slack.openedViews().get(before);
  }

  private HttpResponse<String> submit(String user, JsonObject view, Map<String, String> values) {
    return SignedViewSubmission.of(GatewayFixture.ACME_SECRET, "T0ACME", user, view, values).post(fixture.baseUrl());
  }

  private String answer(SignedSlashCommand command) {
    HttpResponse<String> response = command.post(fixture.baseUrl());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body()).getString("text");
  }

  private static JsonObject input(JsonObject view, String blockId) {
    return view.getJsonArray("blocks").stream().map(JsonObject.class::cast)
        .filter(block -> blockId.equals(block.getString("block_id"))).findFirst()
        .orElseThrow(() -> new AssertionError("no block " + blockId + " in " + view.encode()));
  }

  private List<SlackResponseUrlServer.Post> posts(String url) {
    String path = url.substring(url.indexOf("/commands/"));
    return fixture.slack().posts().stream().filter(post -> post.path().equals(path)).toList();
  }
}

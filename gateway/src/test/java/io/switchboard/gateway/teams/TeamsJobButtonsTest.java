package io.switchboard.gateway.teams;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, item 7: Teams job cards have what Slack's job messages have, a Cancel button while the
 * job runs and a Rerun button once it ended, and clicks on them act for the signed sender only.
 */
@DisplayName("Teams job cards: Cancel while a job runs, Rerun once it ended")
class TeamsJobButtonsTest {

  private static final String ACME_TEAMS = TeamsBotTest.ACME_TEAMS;
  private static final String GLOBEX_TEAMS = TeamsBotTest.GLOBEX_TEAMS;
  private static final String CHANNEL = TeamsBotTest.CHANNEL;
  private static final String ALICE = TeamsBotTest.ALICE;
  private static final String BOB = TeamsBotTest.BOB;
  private static final String CARD = "1:bot-activity-1";

  private final AtomicInteger activityIds = new AtomicInteger(1_700_000_700);
  private BotFrameworkStandIn botFramework;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    botFramework = BotFrameworkStandIn.start();
    fixture = new GatewayFixture(botFramework.env());
    Await.result(fixture.pool().withTransaction(tx -> Installations.add(tx, "acme", "teams", ACME_TEAMS, null, null,
            InstallationProof.OPERATOR)
        .compose(v -> Installations.add(tx, "globex", "teams", GLOBEX_TEAMS, null, null, InstallationProof.OPERATOR))));
  }

  @AfterEach
  void stop() {
    fixture.close();
    botFramework.close();
  }

  @Test
  @DisplayName("the queued card has Cancel; another user's click cancels nothing, the requester's cancels the job")
  void cancel() {
    long jobId = typed(ACME_TEAMS, ALICE, "echo hello");
    Await.until("the job's card", () -> botFramework.calls("POST").size() == 1);
    assertThat(buttons(botFramework.calls("POST").get(0).body())).containsExactly(JobButtons.CANCEL + ":" + jobId);

    assertThat(clicked(ACME_TEAMS, BOB, JobButtons.CANCEL, jobId)).contains("started by someone else");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued'")).isEqualTo(1);
    assertThat(clicked(ACME_TEAMS, ALICE, JobButtons.CANCEL, jobId)).contains("Cancelled job " + jobId);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'cancelled' AND id = " + jobId)).isEqualTo(1);
  }

  @Test
  @DisplayName("the result card has Rerun; a click queues the same command again as the sender, audited as a rerun")
  void rerun() {
    long jobId = typed(ACME_TEAMS, ALICE, "echo again");
    Await.until("the job's card", () -> botFramework.calls("POST").size() == 1);
    fixture.count("WITH u AS (UPDATE jobs SET status = 'succeeded', output = 'again', started_at = now(), "
        + "finished_at = now() WHERE id = " + jobId + " RETURNING 1) SELECT count(*) FROM u");
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", jobId, JobStatus.SUCCEEDED).toJson());
    Await.until("the result", () -> botFramework.calls("PUT").size() == 1);
    assertThat(buttons(botFramework.calls("PUT").get(0).body())).containsExactly(JobButtons.RERUN + ":" + jobId);

    click(ACME_TEAMS, BOB, JobButtons.RERUN, jobId);

    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND platform = 'teams' AND requester = '"
        + BOB + "' AND arguments->>'text' = 'again' AND id > " + jobId)).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme' AND event_type = 'job.queued' "
        + "AND detail::jsonb #>> '{decision,rerunOf}' = '" + jobId + "'")).isEqualTo(1);
    Await.until("the new job's card", () -> botFramework.calls("POST").size() == 2);
    assertThat(botFramework.calls("POST").get(1).body().encode()).contains("queued");
  }

  @Test
  @DisplayName("another tenant's job cannot be cancelled or rerun from a Teams tenant, and a bad job id is a 400")
  void tenantIsolation() {
    long acmeJob = typed(ACME_TEAMS, ALICE, "echo acme only");
    Await.until("the job's card", () -> botFramework.calls("POST").size() == 1);
    assertThat(clicked(GLOBEX_TEAMS, ALICE, JobButtons.RERUN, acmeJob)).contains("There is no job " + acmeJob);
    assertThat(clicked(GLOBEX_TEAMS, ALICE, JobButtons.CANCEL, acmeJob)).contains("There is no job " + acmeJob);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued'")).isEqualTo(1);
    assertThat(fixture.jobCount()).isEqualTo(1);
    JsonObject bad = new JsonObject().put("switchboard", JobButtons.RERUN).put("value", "x");
    assertThat(TeamsActivities.post(fixture.baseUrl(), botFramework.token(), TeamsActivities.submit(
        botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, next(), ALICE, CARD, bad)).statusCode()).isEqualTo(400);
  }

  /** Mentions the bot with {@code text}; answers the job it queued. */
  private long typed(String teamsTenant, String user, String text) {
    assertThat(TeamsActivities.post(fixture.baseUrl(), botFramework.token(), TeamsActivities.mention(
        botFramework.serviceUrl(), teamsTenant, CHANNEL, next(), user, text)).statusCode()).isEqualTo(200);
    return fixture.count("SELECT max(id) FROM jobs");
  }

  private void click(String teamsTenant, String user, String action, long jobId) {
    JsonObject data = new JsonObject().put("switchboard", action).put("value", Long.toString(jobId));
    assertThat(TeamsActivities.post(fixture.baseUrl(), botFramework.token(), TeamsActivities.submit(
        botFramework.serviceUrl(), teamsTenant, CHANNEL, next(), user, CARD, data)).statusCode()).isEqualTo(200);
  }

  /** Clicks and answers the text of the reply in the card's thread. */
  private String clicked(String teamsTenant, String user, String action, long jobId) {
    int before = botFramework.calls("POST").size();
    click(teamsTenant, user, action, jobId);
    Await.until("the reply", () -> botFramework.calls("POST").size() > before);
    List<BotFrameworkStandIn.Call> posted = botFramework.calls("POST");
    return posted.get(posted.size() - 1).body().getString("text");
  }

  private String next() {
    return Integer.toString(activityIds.incrementAndGet());
  }

  /** The card's buttons as {@code <button id>:<value>}. */
  private static List<String> buttons(JsonObject activity) {
    JsonArray actions = activity.getJsonArray("attachments").getJsonObject(0).getJsonObject("content")
        .getJsonArray("actions", new JsonArray());
    return actions.stream().map(JsonObject.class::cast).map(action -> action.getJsonObject("data"))
        .map(data -> data.getString("switchboard") + ":" + data.getString("value")).toList();
  }
}

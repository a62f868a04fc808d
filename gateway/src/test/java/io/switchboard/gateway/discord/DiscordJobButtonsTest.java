package io.switchboard.gateway.discord;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.reply.JobButtons;
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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, item 7: Discord job messages have what Slack's have, a Cancel button while the job runs
 * and a Rerun button once it ended, and clicks on them act for the clicking user only.
 */
@DisplayName("Discord job messages: Cancel while a job runs, Rerun once it ended")
class DiscordJobButtonsTest {

  private static final String ACME_GUILD = DiscordInteractionsTest.ACME_GUILD;
  private static final String GLOBEX_GUILD = DiscordInteractionsTest.GLOBEX_GUILD;
  private static final String CHANNEL = DiscordInteractionsTest.CHANNEL;
  private static final String ALICE = DiscordInteractionsTest.ALICE;
  private static final String DAVE = DiscordInteractionsTest.DAVE;

  private final SignedInteraction.App shared = SignedInteraction.App.generate("810000000000000001");
  private DiscordApiStandIn discord;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    discord = DiscordApiStandIn.start();
    fixture = new GatewayFixture(discord.env(shared.applicationId(), shared.publicKeyHex()));
    Await.result(fixture.pool().withTransaction(tx -> Installations.add(tx, "acme", "discord", ACME_GUILD, null, null,
            InstallationProof.OPERATOR)
        .compose(v -> Installations.add(tx, "globex", "discord", GLOBEX_GUILD, null, null, InstallationProof.OPERATOR))));
  }

  @AfterEach
  void stop() {
    fixture.close();
    discord.close();
  }

  @Test
  @DisplayName("the acknowledgement has Cancel; another user's click cancels nothing, the requester's cancels the job")
  void cancel() {
    String token = typed(ALICE, "echo hello");
    long jobId = fixture.count("SELECT id FROM jobs");
    Await.until("the acknowledgement", () -> discord.succeeded("edit_original").size() == 1);
    assertThat(customIds(discord.original(token))).containsExactly(JobButtons.CANCEL + ":" + jobId);

    assertThat(clicked(DAVE, JobButtons.CANCEL + ":" + jobId)).contains("started by someone else");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued'")).isEqualTo(1);
    assertThat(clicked(ALICE, JobButtons.CANCEL + ":" + jobId)).contains("Cancelled job " + jobId);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'cancelled' AND id = " + jobId)).isEqualTo(1);
  }

  @Test
  @DisplayName("the result has Rerun; a click queues the same command again as the clicking user, audited as a rerun")
  void rerun() {
    String token = typed(ALICE, "echo again");
    long jobId = fixture.count("SELECT id FROM jobs");
    // The acknowledgement is shown only while the job has not ended (it must never cover the result),
    // so the job ends after it: otherwise a slow acknowledgement is rightly skipped and one edit is all.
    Await.until("the acknowledgement", () -> discord.succeeded("edit_original").size() == 1);
    finish(jobId);
    Await.until("the result", () -> discord.succeeded("edit_original").size() == 2);
    assertThat(customIds(discord.original(token))).containsExactly(JobButtons.RERUN + ":" + jobId);

    JsonObject click = SignedInteraction.click(shared, ACME_GUILD, CHANNEL, DAVE, JobButtons.RERUN + ":" + jobId);
    discord.issueToken(click.getString("token"));
    HttpResponse<String> response = SignedInteraction.post(fixture.baseUrl(), shared, click);

    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("type", 5));
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND requester = '" + DAVE
        + "' AND command_text = '/ops echo again' AND id > " + jobId)).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme' AND event_type = 'job.queued' "
        + "AND detail::jsonb #>> '{decision,rerunOf}' = '" + jobId + "'")).isEqualTo(1);
    Await.until("the new job's acknowledgement", () -> discord.original(click.getString("token")) != null);
    assertThat(discord.original(click.getString("token")).getString("content")).startsWith("Queued as job ");
  }

  @Test
  @DisplayName("another tenant's job, or one of another platform, cannot be cancelled or rerun from a guild")
  void tenantIsolation() {
    typed(ALICE, "echo acme only");
    long acmeJob = fixture.count("SELECT id FROM jobs");
    finish(acmeJob);
    String answer = clickedIn(GLOBEX_GUILD, ALICE, JobButtons.RERUN + ":" + acmeJob);
    assertThat(answer).contains("There is no job " + acmeJob);
    assertThat(clickedIn(GLOBEX_GUILD, ALICE, JobButtons.CANCEL + ":" + acmeJob)).contains("There is no job " + acmeJob);
    long slackJob = fixture.count("INSERT INTO jobs (tenant_id, idempotency_key, platform, requester, channel, command, "
        + "command_text, action, arguments, reply_to, status) VALUES ('acme', 'slack:x', 'slack', 'U1', 'C1', 'echo', "
        + "'/ops echo x', 'echo', '{}', '{}', 'succeeded') RETURNING id");
    assertThat(clicked(ALICE, JobButtons.RERUN + ":" + slackJob)).contains("There is no job " + slackJob);
    assertThat(fixture.jobCount()).isEqualTo(2);
  }

  /** Types a command as {@code user} in acme's guild; answers the interaction's token. */
  private String typed(String user, String text) {
    JsonObject command = SignedInteraction.command(shared, ACME_GUILD, CHANNEL, user, text);
    discord.issueToken(command.getString("token"));
    assertThat(SignedInteraction.post(fixture.baseUrl(), shared, command).statusCode()).isEqualTo(200);
    return command.getString("token");
  }

  private String clicked(String user, String customId) {
    return clickedIn(ACME_GUILD, user, customId);
  }

  /** Clicks a button; answers the ephemeral reply's content. */
  private String clickedIn(String guild, String user, String customId) {
    HttpResponse<String> response = SignedInteraction.post(fixture.baseUrl(), shared,
        SignedInteraction.click(shared, guild, CHANNEL, user, customId));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject data = new JsonObject(response.body()).getJsonObject("data");
    assertThat(data.getInteger("flags")).isEqualTo(64);
    return data.getString("content");
  }

  private void finish(long jobId) {
    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET status = 'succeeded', output = 'ok', started_at = now(), "
        + "finished_at = now() WHERE id = $1").execute(Tuple.of(jobId)));
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", jobId, JobStatus.SUCCEEDED).toJson());
  }

  private static List<String> customIds(JsonObject message) {
    JsonArray rows = message.getJsonArray("components", new JsonArray());
    return rows.stream().map(JsonObject.class::cast)
        .flatMap(row -> row.getJsonArray("components").stream().map(JsonObject.class::cast))
        .map(button -> button.getString("custom_id")).toList();
  }
}

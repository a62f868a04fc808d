package io.switchboard.gateway.reply;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobStatus;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.slack.SlackResponseUrlServer;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.jobs.ReplyOutbox;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The reply path posts each finished job's result to its response_url once")
class JobResultReplierTest {

  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    fixture = new GatewayFixture();
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  @DisplayName("a finished-job event is answered with the result")
  void postsOnTheEvent() {
    long job = finishedJob("succeeded", "hello from the job", "delivered");
    publishFinished(job);
    Await.until("the result reached Slack", () -> fixture.slack().posts().size() == 1);
    SlackResponseUrlServer.Post post = fixture.slack().posts().get(0);
    assertThat(post.path()).endsWith("/delivered");
    assertThat(post.message().getString("response_type")).isEqualTo("in_channel");
    assertThat(post.message().encode()).contains("hello from the job");
    Await.until("the reply is marked sent", () -> fixture.count(
        "SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL AND id = " + job) == 1);
  }

  @Test
  @DisplayName("a lost event is made up for by the sweep")
  void sweepsLostEvents() {
    finishedJob("failed", null, "swept");
    Await.until("the sweep posted the result", () -> fixture.slack().posts().size() == 1);
    assertThat(fixture.slack().posts().get(0).message().encode()).contains("failed");
  }

  @Test
  @DisplayName("a failed post is retried until Slack takes it")
  void retriesFailedPosts() {
    fixture.slack().failNext(1);
    long job = finishedJob("succeeded", "second time lucky", "retried");
    publishFinished(job);
    Await.until("the retry posted the result", () -> fixture.slack().posts().size() == 1);
    assertThat(fixture.count("SELECT reply_attempts FROM jobs WHERE id = " + job)).isEqualTo(2);
  }

  @Test
  @DisplayName("the same event delivered many times posts once")
  void postsOnce() {
    long job = finishedJob("succeeded", "only once", "once");
    for (int i = 0; i < 5; i++) {
      publishFinished(job);
    }
    Await.until("the reply is marked sent", () -> fixture.count(
        "SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL AND id = " + job) == 1);
    assertThat(fixture.slack().posts()).hasSize(1);
  }

  @Test
  @DisplayName("a result posted while the database went away is marked sent once it is back, not posted again")
  void aPostedResultIsMarkedSentWhenTheDatabaseReturns() throws SQLException {
    fixture.slack().holdAnswers();
    long job = finishedJob("succeeded", "posted once", "marked-late");
    publishFinished(job);
    Await.until("the result reached Slack", () -> fixture.slack().posts().size() == 1);
    DatabaseUrl url = fixture.url();
    try (Connection locker = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
      locker.setAutoCommit(false);
      locker.createStatement().execute("SELECT 1 FROM jobs WHERE id = " + job + " FOR UPDATE");
      fixture.slack().releaseAnswers();
      // The mark waits on the row; its session is ended as a restarting server ends it (57P01).
      Await.until("the mark waited on the row and its session was ended", () -> fixture.count(
          "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
              + "AND query LIKE 'UPDATE jobs SET replied_at%'") > 0);
      locker.commit();
    }
    Await.until("the reply is marked sent", () -> fixture.count(
        "SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL AND id = " + job) == 1);
    assertThat(fixture.slack().posts()).hasSize(1);
    assertThat(fixture.count("SELECT reply_attempts FROM jobs WHERE id = " + job)).isEqualTo(1);
  }

  @Test
  @DisplayName("a reply is claimed only under its own tenant")
  void claimsAreTenantScoped() {
    // Finished before the reply window, so the gateway's own sweep leaves it to this test's claims.
    long job = finishedJob("succeeded", "acme only", "scoped", "now() - interval '1 hour'");
    ReplyOutbox outbox = new ReplyOutbox(fixture.pool());
    assertThat(Await.result(outbox.claim("globex", job))).isEmpty();
    assertThat(Await.result(outbox.claim("acme", job))).hasValueSatisfying(
        claimed -> assertThat(claimed.job().tenantId()).isEqualTo("acme"));
  }

  @Test
  @DisplayName("a reply asked for twice at once is claimed once")
  void claimsOnceWhenAskedTwice() {
    // Finished before the reply window, so the gateway's own sweep leaves it to this test's claims.
    long job = finishedJob("succeeded", "claimed once", "twice", "now() - interval '1 hour'");
    ReplyOutbox outbox = new ReplyOutbox(fixture.pool());
    var first = outbox.claim("acme", job);
    var second = outbox.claim("acme", job);
    long claimed = Stream.of(Await.result(first), Await.result(second)).filter(Optional::isPresent).count();
    assertThat(claimed).isEqualTo(1);
    assertThat(fixture.count("SELECT reply_attempts FROM jobs WHERE id = " + job)).isEqualTo(1);
  }

  private long finishedJob(String status, String output, String responseId) {
    return finishedJob(status, output, responseId, "now()");
  }

  private long finishedJob(String status, String output, String responseId, String finishedAt) {
    JsonObject replyTo = new JsonObject().put("kind", "slack_response_url")
        .put("url", fixture.slack().responseUrl(responseId));
    TestDatabase.execute(fixture.url(), "INSERT INTO jobs (tenant_id, idempotency_key, platform, requester, channel, "
        + "command, command_text, action, arguments, reply_to, status, attempts, output, error, started_at, finished_at) "
        + "VALUES ('acme', '" + responseId + "', 'slack', 'U1', 'C1', 'echo', '/ops echo x', 'echo', '{}', '"
        + replyTo.encode() + "', '" + status + "', 1, " + (output == null ? "NULL" : "'" + output + "'") + ", "
        + ("failed".equals(status) ? "'it broke'" : "NULL") + ", now(), " + finishedAt + ")");
    return fixture.count("SELECT id FROM jobs WHERE idempotency_key = '" + responseId + "'");
  }

  private void publishFinished(long job) {
    publishFinished(new JobFinished("acme", job, JobStatus.SUCCEEDED));
  }

  private void publishFinished(JobFinished finished) {
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED, finished.toJson());
  }
}

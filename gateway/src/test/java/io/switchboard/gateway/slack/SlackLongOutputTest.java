package io.switchboard.gateway.slack;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Long output of a job started from a mention: the job's message keeps the first lines, the whole
 * output goes into the thread as a file through Slack's upload flow (files.getUploadURLExternal, a
 * POST of the bytes to the upload URL, files.completeUploadExternal), all against the stand-in.
 */
@DisplayName("long job output as a file in the thread")
class SlackLongOutputTest {

  private static final String ACME_BOT_TOKEN = "xoxb-acme-bot";
  private static final String LONG = IntStream.rangeClosed(1, 120).mapToObj(i -> "line " + i + " of the build log")
      .collect(Collectors.joining("\n"));

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
  @DisplayName("long output is uploaded once into the job's thread, whole; the message keeps only the first lines")
  void longOutputBecomesAFile() {
    long job = mention("Ev1", "1700.0001", "echo long");

    finish(job, LONG);

    Await.until("the reply marked sent", () -> fixture.count("SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL") == 1);
    assertThat(slack.sharedFiles()).singleElement().satisfies(file -> {
      assertThat(file.text()).isEqualTo(LONG);
      assertThat(file.channel()).isEqualTo("C0OPS");
      assertThat(file.threadTs()).isEqualTo("1700.0001");
      assertThat(file.filename()).isEqualTo("job-" + job + "-output.txt");
      assertThat(file.title()).contains("job " + job);
    });
    assertThat(slack.calls()).extracting(SlackApiStandIn.Call::method).containsSubsequence(
        "files.getUploadURLExternal", "upload", "files.completeUploadExternal", "chat.update");
    assertThat(slack.calls("files.getUploadURLExternal").get(0).args())
        .containsEntry("length", Integer.toString(LONG.length())).containsEntry("filename", "job-" + job + "-output.txt");
    assertThat(slack.calls("files.completeUploadExternal").get(0).token()).isEqualTo(ACME_BOT_TOKEN);
    String blocks = slack.calls("chat.update").get(0).args().get("blocks");
    assertThat(blocks).contains("line 1 of the build log").contains("line 20 of the build log")
        .doesNotContain("line 21 of the build log").doesNotContain("line 120 of")
        .contains("job-" + job + "-output.txt").contains("120 lines");
    assertThat(fixture.count("SELECT count(*) FROM slack_job_files WHERE tenant_id = 'acme' AND job_id = " + job))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("short output stays in the message and nothing is uploaded")
  void shortOutputStaysInline() {
    long job = mention("Ev2", "1700.0002", "echo short");

    finish(job, "just a few\nlines");

    Await.until("the result edit", () -> slack.calls("chat.update").size() == 1);
    assertThat(slack.calls("chat.update").get(0).args().get("blocks")).contains("just a few\\nlines");
    assertThat(slack.calls("files.getUploadURLExternal")).isEmpty();
    assertThat(slack.sharedFiles()).isEmpty();
  }

  @Test
  @DisplayName("when the upload fails the message still shows the first lines and says where the whole output is")
  void failedUploadFallsBack() {
    long job = mention("Ev3", "1700.0003", "echo long");
    slack.failUploads(1);

    finish(job, LONG);

    Await.until("the reply marked sent", () -> fixture.count("SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL") == 1);
    assertThat(slack.sharedFiles()).isEmpty();
    assertThat(slack.calls("files.completeUploadExternal")).isEmpty();
    assertThat(slack.calls("chat.update")).hasSize(1);
    String blocks = slack.calls("chat.update").get(0).args().get("blocks");
    assertThat(blocks).contains("line 1 of the build log").doesNotContain("line 120 of")
        .contains("`job " + job + "` shows it");
    assertThat(fixture.count("SELECT count(*) FROM slack_job_files")).isZero();
  }

  @Test
  @DisplayName("a 429 from the upload methods is waited out and the file still arrives once")
  void rateLimitedUploadIsRetried() {
    long job = mention("Ev4", "1700.0004", "echo long");
    slack.rateLimit("files.getUploadURLExternal", 1, 1);
    slack.rateLimit("files.completeUploadExternal", 1, 1);

    finish(job, LONG);

    Await.until("the reply marked sent", () -> fixture.count("SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL") == 1);
    assertThat(slack.sharedFiles()).singleElement().satisfies(file -> assertThat(file.text()).isEqualTo(LONG));
    assertThat(slack.calls()).filteredOn(call -> call.method().startsWith("files."))
        .extracting(SlackApiStandIn.Call::method).containsExactly("files.getUploadURLExternal",
            "files.getUploadURLExternal", "files.completeUploadExternal", "files.completeUploadExternal");
  }

  private long mention(String eventId, String ts, String text) {
    HttpResponse<String> response = SlackEvent.signed(GatewayFixture.ACME_SECRET,
        SlackEvent.callback("T0ACME", eventId, SlackEvent.mention("U0USER", "C0OPS", ts, text))).post(fixture.baseUrl());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    long job = fixture.count("SELECT max(id) FROM jobs");
    Await.until("the job's message", () -> fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'slack' AND job_id = "
        + job) == 1);
    return job;
  }

  private void finish(long job, String output) {
    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET status = 'succeeded', output = $2, started_at = now(), "
        + "finished_at = now() WHERE id = $1").execute(Tuple.of(job, output)));
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", job, JobStatus.SUCCEEDED).toJson());
  }
}

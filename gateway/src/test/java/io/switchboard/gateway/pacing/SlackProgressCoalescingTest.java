package io.switchboard.gateway.pacing;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.progress.JobMessageProgress;
import io.switchboard.gateway.progress.JobMessageSteps;
import io.switchboard.gateway.progress.JobMessageStore;
import io.switchboard.gateway.slack.SlackBotTokens;
import io.switchboard.gateway.slack.SlackJobMessages;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Progress of many running jobs in one paced channel, against real PostgreSQL and the Slack
 * stand-in: the edits of each job's message collapse into its latest line instead of one edit per
 * line, and the edits that are made keep the channel's pace.
 */
@DisplayName("Under pressure, progress edits in one channel coalesce into the latest line of each job")
class SlackProgressCoalescingTest {

  private static final String TOKEN = "xoxb-acme-progress";
  private static final long PACE_MILLIS = 100;
  private static final int JOBS = 5;
  private static final int LINES = 20;

  private SlackApiStandIn slack;
  private GatewayFixture fixture;
  private SlackWebApi api;

  @BeforeEach
  void start() {
    slack = SlackApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SLACK_API_URL", slack.apiUrl()));
    Await.result(new SlackBotTokens(fixture.secrets()).store("acme", "T0ACME", TOKEN));
    slack.acceptToken(TOKEN);
  }

  @AfterEach
  void stop() {
    Await.result(api.close());
    fixture.close();
    slack.close();
  }

  @Test
  @DisplayName("20 lines for each of 5 jobs make far fewer edits, each job ends on its last line, at the pace")
  void progressCoalesces() {
    Context context = fixture.vertx().getOrCreateContext();
    GatewayMetrics metrics = new GatewayMetrics(fixture.registry());
    api = new SlackWebApi(fixture.vertx(), slack.apiUrl(), metrics);
    ChannelPacer pacer = new ChannelPacer(PacerTimers.of(fixture.vertx()),
        Map.of("slack", Duration.ofMillis(PACE_MILLIS)), Map.of(), 10, metrics);
    JobMessageStore store = new JobMessageStore(fixture.pool());
    JobMessageSteps steps = new JobMessageSteps();
    SlackJobMessages messages = new SlackJobMessages(store, steps, api, new SlackBotTokens(fixture.secrets()), pacer);
    JobMessageProgress progress = new JobMessageProgress(store, steps, metrics, Map.of("slack", messages::progress));
    List<Long> jobs = runningJobsWithMessages(context, messages);
    int before = slack.calls("chat.update").size();

    List<Future<Void>> shown = new ArrayList<>();
    for (int line = 1; line <= LINES; line++) {
      String text = "step " + line + " of " + LINES;
      TestDatabase.execute(fixture.url(), "UPDATE jobs SET progress = '" + text + "' WHERE channel = 'C0PROG'");
      onContext(context, () -> {
        jobs.forEach(job -> shown.add(progress.show("acme", job, text)));
        return Future.succeededFuture();
      });
    }
    Await.until("every progress call ended", () -> shown.size() == JOBS * LINES
        && shown.stream().allMatch(Future::isComplete));

    List<SlackApiStandIn.Call> edits = slack.calls("chat.update").subList(before, slack.calls("chat.update").size());
    assertThat(edits.size()).as("edits made for %d lines", JOBS * LINES).isLessThan(JOBS * LINES / 2);
    for (long job : jobs) {
      String ts = fixture.slackJobMessageTs("acme", job);
      List<SlackApiStandIn.Call> ofJob = edits.stream().filter(c -> ts.equals(c.args().get("ts"))).toList();
      assertThat(ofJob).isNotEmpty();
      assertThat(ofJob.get(ofJob.size() - 1).args().get("text")).endsWith("step " + LINES + " of " + LINES);
    }
    Paced.assertPaced(edits.stream().map(SlackApiStandIn.Call::atMillis).toList(), PACE_MILLIS);
  }

  private List<Long> runningJobsWithMessages(Context context, SlackJobMessages messages) {
    JsonObject replyTo = new JsonObject().put("kind", "slack_web_api").put("workspace", "T0ACME")
        .put("channel", "C0PROG").put("thread_ts", "1700000000.000100");
    TestDatabase.execute(fixture.url(), "INSERT INTO jobs (tenant_id, idempotency_key, platform, requester, channel, "
        + "command, command_text, action, arguments, reply_to, status, attempts, started_at) "
        + "SELECT 'acme', 'prog-' || n, 'slack', 'U1', 'C0PROG', 'echo', 'echo ' || n, 'echo', '{}', '"
        + replyTo.encode() + "', 'running', 1, now() FROM generate_series(1, " + JOBS + ") n");
    List<Long> jobs = new ArrayList<>();
    Await.result(fixture.pool().query("SELECT id FROM jobs WHERE channel = 'C0PROG' ORDER BY id").execute())
        .forEach(row -> jobs.add(row.getLong(0)));
    for (long job : jobs) {
      onContext(context, () -> messages.show("acme", job, replyTo,
          new JsonObject().put("text", "job " + job + " queued")));
    }
    return jobs;
  }

  private static void onContext(Context context, java.util.function.Supplier<Future<Void>> work) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    Await.result(done.future());
  }
}

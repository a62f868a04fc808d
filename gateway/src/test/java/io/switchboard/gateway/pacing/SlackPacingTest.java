package io.switchboard.gateway.pacing;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.slack.SlackBotTokens;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reply path through the channel pacer, against real PostgreSQL and the Slack stand-in: a burst
 * of results to one channel stays within the pace (read from the stand-in's arrival times), every
 * result reaches the channel exactly once, and a 429 pauses the channel without losing anything.
 * The pace is shortened to 50 ms so the burst takes seconds, and the queue to 60 so that part of the
 * burst is deferred to a later sweep. The workspace rate is raised out of the way: this measures the
 * channel's pace (ChannelPacerTest covers the workspace budget).
 */
@DisplayName("Slack results to one busy channel are paced, and none is lost")
class SlackPacingTest {

  private static final String TOKEN = "xoxb-acme-pacing";
  private static final long PACE_MILLIS = 50;

  private SlackApiStandIn slack;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    slack = SlackApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SLACK_API_URL", slack.apiUrl(),
        "SWITCHBOARD_PACING_SLACK_MILLIS", Long.toString(PACE_MILLIS), "SWITCHBOARD_PACING_QUEUE", "60",
        "SWITCHBOARD_PACING_SLACK_WORKSPACE_POSTS_PER_MINUTE", "60000"));
    Await.result(new SlackBotTokens(fixture.secrets()).store("acme", "T0ACME", TOKEN));
    slack.acceptToken(TOKEN);
  }

  @AfterEach
  void stop() {
    fixture.close();
    slack.close();
  }

  @Test
  @DisplayName("a burst of 100 results to one channel stays within the pace and every result arrives once")
  void burstOfResults() {
    List<Long> jobs = finishedJobs(100, "C0BUSY");
    jobs.forEach(this::publishFinished);
    Await.until("every result reached the channel", () -> posts("C0BUSY").size() == 100);
    Await.until("every reply is marked sent", () -> fixture.count(
        "SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL AND channel = 'C0BUSY'") == 100);
    assertThat(texts(posts("C0BUSY"))).hasSize(100);
    assertWithinPace(posts("C0BUSY"));
    assertThat(fixture.count("SELECT max(reply_attempts) FROM jobs WHERE channel = 'C0BUSY'"))
        .as("a result deferred by a full queue does not use up an attempt").isEqualTo(1);
    assertThat(outbound("deferred")).as("part of the burst waited for a later sweep").isPositive();
    assertThat(outbound("sent")).isEqualTo(100);
  }

  @Test
  @DisplayName("while a channel's queue is full, its results stay owed instead of being claimed and refused one by one")
  void aFullChannelIsNotClaimedResultByResult() {
    List<Long> first = finishedJobs(100, "C0FLOOD");
    first.forEach(job -> publishFinished(job, "C0FLOOD"));
    Await.until("the full queue refused part of the first wave", () -> outbound("deferred") > 0);
    Await.until("every claim of the first wave settled", () -> fixture.count(
        "SELECT count(*) FROM jobs WHERE channel = 'C0FLOOD' AND reply_due_at IS NOT NULL") == 100);
    double refusedBefore = outbound("deferred");

    List<Long> second = fixture.finishedAcmeJobs("slack", "C0FLOOD", n -> slackWebApi("C0FLOOD"), 101, 100);
    second.forEach(job -> publishFinished(job, "C0FLOOD"));

    Await.until("every result reached the channel", () -> posts("C0FLOOD").size() == 200);
    assertThat(texts(posts("C0FLOOD"))).hasSize(200);
    assertWithinPace(posts("C0FLOOD"));
    assertThat(outbound("deferred") - refusedBefore)
        .as("results of the second wave the full queue refused (each one a claim and a put-back)").isLessThan(20);
    assertThat(fixture.count("SELECT max(reply_attempts) FROM jobs WHERE channel = 'C0FLOOD'")).isEqualTo(1);
  }

  @Test
  @DisplayName("a 429 pauses the channel for its Retry-After, and nothing is lost")
  void rateLimitHonoured() {
    slack.rateLimit("chat.postMessage", 1, 1);
    List<Long> jobs = finishedJobs(10, "C0LIMIT");
    jobs.forEach(this::publishFinished);
    Await.until("every result reached the channel", () -> posts("C0LIMIT").size() == 10);
    List<SlackApiStandIn.Call> all = slack.calls().stream().filter(c -> c.method().equals("chat.postMessage")).toList();
    SlackApiStandIn.Call refused = all.stream().filter(c -> "refused".equals(c.args().get("_outcome"))).findFirst()
        .orElseThrow();
    SlackApiStandIn.Call next = all.get(all.indexOf(refused) + 1);
    assertThat(next.atMillis() - refused.atMillis()).as("the channel waited for Retry-After").isGreaterThanOrEqualTo(950);
    assertThat(texts(posts("C0LIMIT"))).hasSize(10);
    assertWithinPace(posts("C0LIMIT"));
  }

  @Test
  @DisplayName("many slash-command results in one channel collapse into digests, and each job is in exactly one")
  void digestOfManyResults() {
    List<Long> jobs = finishedJobs(100, "C0DIGEST", new JsonObject().put("kind", "slack_response_url")
        .put("url", fixture.slack().responseUrl("digest")));
    jobs.forEach(this::publishFinished);
    Await.until("every reply is marked sent", () -> fixture.count(
        "SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL AND channel = 'C0DIGEST'") == 100);
    List<String> posted = fixture.slack().posts().stream().map(p -> p.message().encode()).toList();
    assertThat(posted.size()).as("messages for 100 results").isLessThan(100 / ChannelPacer.DIGEST_MIN + 10);
    assertThat(posted).anySatisfy(message -> assertThat(message).contains("jobs finished"));
    for (long job : jobs) {
      assertThat(posted.stream().filter(message -> message.contains("(job " + job + ")")).count())
          .as("messages showing job %d", job).isEqualTo(1);
    }
    assertThat(outbound("digested")).isGreaterThanOrEqualTo(ChannelPacer.DIGEST_MIN);
  }

  private void assertWithinPace(List<SlackApiStandIn.Call> calls) {
    Paced.assertPaced(calls.stream().map(SlackApiStandIn.Call::atMillis).toList(), PACE_MILLIS);
    for (SlackApiStandIn.Call first : calls) {
      long inOneSecond = calls.stream().filter(c -> c.atMillis() >= first.atMillis()
          && c.atMillis() < first.atMillis() + 1000).count();
      assertThat(inOneSecond).isLessThanOrEqualTo(1000 / PACE_MILLIS + 1);
    }
  }

  private List<SlackApiStandIn.Call> posts(String channel) {
    return slack.calls("chat.postMessage").stream().filter(c -> channel.equals(c.args().get("channel"))).toList();
  }

  private static Set<String> texts(List<SlackApiStandIn.Call> calls) {
    Set<String> texts = new HashSet<>();
    calls.forEach(c -> texts.add(c.args().get("text")));
    return texts;
  }

  private double outbound(String outcome) {
    return fixture.registry().find("switchboard.outbound.messages").tag("platform", "slack").tag("outcome", outcome)
        .counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private List<Long> finishedJobs(int count, String channel) {
    return finishedJobs(count, channel, slackWebApi(channel));
  }

  private static JsonObject slackWebApi(String channel) {
    return new JsonObject().put("kind", "slack_web_api").put("workspace", "T0ACME").put("channel", channel)
        .put("thread_ts", "1700000000.000100");
  }

  private List<Long> finishedJobs(int count, String channel, JsonObject replyTo) {
    return fixture.finishedAcmeJobs("slack", channel, n -> replyTo, count);
  }

  /** The event as an executor publishes it, saying where the job ran. */
  private void publishFinished(long job, String channel) {
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", job, JobStatus.SUCCEEDED, "slack", channel).toJson());
  }

  private void publishFinished(long job) {
    fixture.publishAcmeSucceeded(job);
  }
}

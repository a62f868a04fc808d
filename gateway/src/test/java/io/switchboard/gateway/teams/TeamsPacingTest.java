package io.switchboard.gateway.teams;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.pacing.Paced;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Teams results to one busy conversation through the gateway's reply path, against real PostgreSQL
 * and the loopback Bot Framework: they keep the conversation's pace (read from the stand-in's arrival
 * times), each reaches the conversation exactly once, and a connector 429 pauses the conversation
 * for its Retry-After without losing anything. The pace is shortened to 50 ms so the burst takes seconds.
 */
@DisplayName("Teams results to one busy conversation are paced, and none is lost")
class TeamsPacingTest {

  private static final long PACE_MILLIS = 50;
  private static final String CONVERSATION = "19:busy@thread.tacv2";

  private BotFrameworkStandIn botFramework;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    botFramework = BotFrameworkStandIn.start();
    Map<String, String> env = new HashMap<>(botFramework.env());
    env.put("SWITCHBOARD_PACING_TEAMS_MILLIS", Long.toString(PACE_MILLIS));
    env.put("SWITCHBOARD_PACING_QUEUE", "100");
    fixture = new GatewayFixture(env);
  }

  @AfterEach
  void stop() {
    fixture.close();
    botFramework.close();
  }

  @Test
  @DisplayName("a burst of 100 results to one conversation stays within the pace and every result arrives once")
  void burstOfResults() {
    List<Long> jobs = finishedJobs(100);
    jobs.forEach(fixture::publishAcmeSucceeded);
    Await.until("every result reached the conversation", () -> botFramework.calls("POST").size() >= 100);
    Await.until("every reply is marked sent", () -> fixture.count(
        "SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL AND channel = '" + CONVERSATION + "'") == 100);
    List<BotFrameworkStandIn.Call> posts = botFramework.calls("POST");
    assertThat(posts).hasSize(100).allSatisfy(post -> assertThat(post.conversation()).isEqualTo(CONVERSATION));
    for (int n = 1; n <= 100; n++) {
      String output = "output of result " + n + "\"";
      assertThat(posts.stream().filter(post -> post.body().encode().contains(output)).count())
          .as("cards showing result %d", n).isEqualTo(1);
    }
    assertThat(fixture.count("SELECT count(*) FROM chat_job_messages WHERE platform = 'teams'")).isEqualTo(100);
    assertWithinPace(posts);
  }

  @Test
  @DisplayName("a connector 429 pauses the conversation for its Retry-After, and nothing is lost")
  void rateLimitHonoured() {
    botFramework.rateLimit("POST", 1);
    finishedJobs(10).forEach(fixture::publishAcmeSucceeded);
    Await.until("every reply is marked sent", () -> fixture.count(
        "SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL AND channel = '" + CONVERSATION + "'") == 10);
    List<BotFrameworkStandIn.Call> posts = botFramework.calls("POST");
    assertThat(posts).hasSize(10);
    assertThat(botFramework.rateLimitedCalls()).hasSize(1);
    long refusedAt = botFramework.rateLimitedCalls().get(0).atMillis();
    assertThat(posts).allSatisfy(post -> assertThat(post.atMillis() - refusedAt)
        .as("no call in the conversation before Retry-After ran out").isGreaterThanOrEqualTo(950));
    assertWithinPace(posts);
  }

  private List<Long> finishedJobs(int count) {
    TeamsReplyTo replyTo = new TeamsReplyTo(TeamsBotTest.ACME_TEAMS, botFramework.serviceUrl(), CONVERSATION,
        "1700000000900");
    return fixture.finishedAcmeJobs("teams", CONVERSATION, n -> replyTo.toJson(), count);
  }

  private static void assertWithinPace(List<BotFrameworkStandIn.Call> calls) {
    Paced.assertPaced(calls.stream().map(BotFrameworkStandIn.Call::atMillis).toList(), PACE_MILLIS);
  }
}

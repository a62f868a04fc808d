package io.switchboard.gateway.discord;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.pacing.Paced;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.discord.DiscordApiStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Discord results to one busy channel through the gateway's reply path, against real PostgreSQL and
 * the loopback Discord API: each job's result edits its own interaction's original response, the
 * edits keep the channel's pace (read from the stand-in's arrival times), each reaches Discord exactly
 * once, and a 429 pauses the channel for its {@code retry_after} without losing anything. The pace is
 * shortened to 50 ms so the burst takes seconds.
 */
@DisplayName("Discord results to one busy channel are paced, and none is lost")
class DiscordPacingTest {

  private static final long PACE_MILLIS = 50;
  private static final String APPLICATION = "810000000000000001";

  private DiscordApiStandIn discord;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    discord = DiscordApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_DISCORD_API_URL", discord.apiUrl(),
        "SWITCHBOARD_PACING_DISCORD_MILLIS", Long.toString(PACE_MILLIS), "SWITCHBOARD_PACING_QUEUE", "100"));
    Await.result(fixture.pool().withTransaction(tx ->
        Installations.add(tx, "acme", "discord", DiscordInteractionsTest.ACME_GUILD,
        null, null, InstallationProof.OPERATOR)));
  }

  @AfterEach
  void stop() {
    fixture.close();
    discord.close();
  }

  @Test
  @DisplayName("a burst of 100 results to one channel stays within the pace and every result arrives once")
  void burstOfResults() {
    finishedJobs(100).forEach(fixture::publishAcmeSucceeded);
    Await.until("every reply is marked sent", () -> fixture.count("SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL "
        + "AND channel = '" + DiscordInteractionsTest.CHANNEL + "'") == 100);
    List<DiscordApiStandIn.Call> edits = discord.succeeded("edit_original");
    assertThat(edits).hasSize(100);
    for (int n = 1; n <= 100; n++) {
      assertThat(discord.original(token(n)).encode()).as("the original response of job %d", n)
          .contains("output of result " + n + "\\n");
    }
    assertWithinPace(edits);
  }

  @Test
  @DisplayName("a 429 pauses the channel for its retry_after, and nothing is lost")
  void rateLimitHonoured() {
    discord.rateLimit("edit_original", 1, 1.0);
    finishedJobs(10).forEach(fixture::publishAcmeSucceeded);
    Await.until("every reply is marked sent", () -> fixture.count("SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL "
        + "AND channel = '" + DiscordInteractionsTest.CHANNEL + "'") == 10);
    long refusedAt = discord.calls().stream().filter(call -> call.status() == 429).findFirst().orElseThrow().atMillis();
    List<DiscordApiStandIn.Call> edits = discord.succeeded("edit_original");
    assertThat(edits).hasSize(10).allSatisfy(edit -> assertThat(edit.atMillis() - refusedAt)
        .as("no call in the channel before retry_after ran out").isGreaterThanOrEqualTo(950));
    assertWithinPace(edits);
  }

  private List<Long> finishedJobs(int count) {
    Instant receivedAt = Instant.now();
    for (int n = 1; n <= count; n++) {
      discord.issueToken(token(n));
    }
    return fixture.finishedAcmeJobs("discord", DiscordInteractionsTest.CHANNEL, n -> InteractionWebhook.of(APPLICATION,
        token(n), DiscordInteractionsTest.ACME_GUILD, DiscordInteractionsTest.CHANNEL, receivedAt).toReplyTo(), count);
  }

  private static String token(int n) {
    return "interaction-token-" + n;
  }

  private static void assertWithinPace(List<DiscordApiStandIn.Call> calls) {
    Paced.assertPaced(calls.stream().map(DiscordApiStandIn.Call::atMillis).toList(), PACE_MILLIS);
  }
}

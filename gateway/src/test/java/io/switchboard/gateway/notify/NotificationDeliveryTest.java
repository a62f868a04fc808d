package io.switchboard.gateway.notify;

import io.switchboard.testkit.ManualClock;
import io.switchboard.testkit.Await;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.switchboard.gateway.slack.SlackBotTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static io.switchboard.gateway.notify.NotificationClient.notification;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notifications end to end: through the real HTTP endpoint, real PostgreSQL and the gateway's sweep
 * to the Slack stand-in. The notification clock is moved by hand (default window 600 s, group wait
 * 10 s), so waits pass when the test says and no test depends on how fast anything runs.
 */
@DisplayName("Notifications are de-duplicated, grouped and delivered to Slack once")
class NotificationDeliveryTest {

  private static final String BOT_TOKEN = "xoxb-acme-notify";
  private static final Duration GROUP_WAIT = Duration.ofSeconds(11);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-02T10:00:00Z"));
  private SlackApiStandIn slack;
  private GatewayFixture fixture;
  private NotificationClient client;

  @BeforeEach
  void start() {
    slack = SlackApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SLACK_API_URL", slack.apiUrl(),
        "SWITCHBOARD_PACING_SLACK_MILLIS", "50"), clock);
    Await.result(new SlackBotTokens(fixture.secrets()).store("acme", "T0ACME", BOT_TOKEN));
    slack.acceptToken(BOT_TOKEN);
    client = new NotificationClient(fixture.baseUrl());
  }

  @AfterEach
  void stop() {
    fixture.close();
    slack.close();
  }

  @Test
  @DisplayName("five notifications to one channel within the group wait become one message listing them")
  void grouping() {
    List<String> outcomes = List.of(1, 2, 3, 4, 5).stream()
        .map(i -> client.accepted(ACME_TOKEN, notification("disk-" + i, "C0OPS", "Disk full on db-" + i))
            .getString("outcome")).toList();
    assertThat(outcomes).containsExactly("posted", "grouped", "grouped", "grouped", "grouped");
    assertThat(posts("C0OPS")).as("nothing is posted before the group wait has passed").isEmpty();

    clock.advance(GROUP_WAIT);
    awaitAllShown();

    assertThat(posts("C0OPS")).hasSize(1);
    String text = posts("C0OPS").get(0).args().get("text");
    assertThat(text).startsWith("5 notifications");
    for (int i = 1; i <= 5; i++) {
      assertThat(text).contains("Disk full on db-" + i);
    }
    assertThat(posts("C0OPS").get(0).args().get("blocks")).contains(":red_circle:");
    assertThat(notifications("grouped")).isEqualTo(5);
    assertThat(notifications("posted")).isEqualTo(5);
    assertThat(outbound("sent")).as("the post went through the channel pacer").isEqualTo(1);
    assertThat(fixture.auditTypes("acme")).filteredOn("notification.posted"::equals).hasSize(5);
  }

  @Test
  @DisplayName("with two gateways sweeping one database, a group is posted once")
  void severalGateways() {
    NotificationClient second = new NotificationClient(fixture.startSecondGateway());
    for (int i = 1; i <= 6; i++) {
      (i % 2 == 0 ? second : client).accepted(ACME_TOKEN, notification("node-" + i, "C0NODES", "Node " + i + " down"));
    }
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    assertThat(posts("C0NODES")).hasSize(1);
    assertThat(posts("C0NODES").get(0).args().get("text")).startsWith("6 notifications");
    assertThat(fixture.count("SELECT count(*) FROM notification_messages")).isEqualTo(1);
  }

  @Test
  @DisplayName("a lone notification is posted alone, with its text")
  void single() {
    client.accepted(ACME_TOKEN, notification("cert", "C0ONE", "Certificate expires in 3 days")
        .put("text", "api.example.com, renew <soon>").put("severity", "warning").put("source", "blackbox"));
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    SlackApiStandIn.Call post = posts("C0ONE").get(0);
    assertThat(post.args().get("text")).isEqualTo("[FIRING] Certificate expires in 3 days");
    assertThat(post.args().get("blocks")).contains(":warning:", "renew &lt;soon&gt;", "warning · firing · blackbox");
  }

  @Test
  @DisplayName("a repeat within the window is counted, not posted; resolving edits the original message")
  void dedupAndResolve() {
    long id = client.accepted(ACME_TOKEN, notification("cpu", "C0DEDUP", "CPU high")).getLong("id");
    JsonObject repeat = client.accepted(ACME_TOKEN, notification("cpu", "C0DEDUP", "CPU high"));
    assertThat(repeat.getString("outcome")).isEqualTo("deduplicated");
    assertThat(repeat.getLong("id")).isEqualTo(id);
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    assertThat(client.accepted(ACME_TOKEN, notification("cpu", "C0DEDUP", "CPU high")).getString("outcome"))
        .as("a repeat after posting, still within the window").isEqualTo("deduplicated");
    assertThat(posts("C0DEDUP")).hasSize(1);
    String postedTs = new JsonObject(client.get("/api/v1/notifications/" + id, ACME_TOKEN).body()).getString("messageTs");
    assertThat(postedTs).isNotNull();

    JsonObject resolved = client.accepted(ACME_TOKEN, notification("cpu", "C0DEDUP", "CPU high")
        .put("status", "resolved"));
    assertThat(resolved.getString("outcome")).isEqualTo("updated");
    clock.advance(GROUP_WAIT);
    awaitAllShown();

    assertThat(posts("C0DEDUP")).as("the status change is an edit, not a new message").hasSize(1);
    List<SlackApiStandIn.Call> updates = slack.calls("chat.update");
    assertThat(updates).hasSize(1);
    assertThat(updates.get(0).args().get("ts")).isEqualTo(postedTs);
    assertThat(updates.get(0).args().get("text")).isEqualTo("[RESOLVED] CPU high");
    assertThat(updates.get(0).args().get("blocks")).contains(":white_check_mark:", "repeated 2×");
    assertThat(notifications("deduplicated")).isEqualTo(2);
    assertThat(notifications("edited")).isEqualTo(1);
    assertThat(fixture.auditTypes("acme")).containsSubsequence("notification.received",
        "notification.deduplicated", "notification.posted", "notification.deduplicated", "notification.received",
        "notification.posted");
  }

  @Test
  @DisplayName("the same key and status after the window is posted again, as a new message")
  void afterTheWindow() {
    client.accepted(ACME_TOKEN, notification("queue", "C0WINDOW", "Queue backlog"));
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    clock.advance(Duration.ofSeconds(600));
    assertThat(client.accepted(ACME_TOKEN, notification("queue", "C0WINDOW", "Queue backlog")).getString("outcome"))
        .isEqualTo("posted");
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    assertThat(posts("C0WINDOW")).hasSize(2);
    assertThat(slack.calls("chat.update")).isEmpty();
  }

  @Test
  @DisplayName("a 429 is waited out through the pacer and nothing is lost or sent twice")
  void rateLimited() {
    slack.rateLimit("chat.postMessage", 1, 1);
    for (int i = 1; i <= 3; i++) {
      client.accepted(ACME_TOKEN, notification("svc-" + i, "C0LIMIT", "Service " + i + " down"));
    }
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    long refused = slack.calls().stream().filter(c -> c.method().equals("chat.postMessage")
        && "refused".equals(c.args().get("_outcome"))).count();
    assertThat(refused).isEqualTo(1);
    assertThat(posts("C0LIMIT")).hasSize(1);
    assertThat(posts("C0LIMIT").get(0).args().get("text")).contains("Service 1 down", "Service 2 down",
        "Service 3 down");
    assertThat(fixture.registry().find("switchboard.slack.api.calls").tag("outcome", "rate_limited").counter().count())
        .isEqualTo(1);
  }

  @Test
  @DisplayName("a failed post is retried after its back-off and then marked shown")
  void retriedAfterFailure() {
    slack.revokeToken(BOT_TOKEN);
    long id = client.accepted(ACME_TOKEN, notification("mem", "C0RETRY", "Memory pressure")).getLong("id");
    clock.advance(GROUP_WAIT);
    Await.until("the failed attempt is counted", () -> fixture.count(
        "SELECT attempts FROM notifications WHERE id = " + id) == 1);
    assertThat(fixture.count("SELECT count(*) FROM notifications WHERE owed AND claim IS NULL")).isEqualTo(1);
    slack.acceptToken(BOT_TOKEN);
    clock.advance(Duration.ofSeconds(6));
    awaitAllShown();
    assertThat(posts("C0RETRY")).hasSize(1);
    assertThat(new JsonObject(client.get("/api/v1/notifications/" + id, ACME_TOKEN).body()).getString("delivery"))
        .isEqualTo("shown");
  }

  private void awaitAllShown() {
    Await.until("every notification is shown", () -> fixture.count(
        "SELECT count(*) FROM notifications WHERE owed OR claim IS NOT NULL") == 0);
  }

  private List<SlackApiStandIn.Call> posts(String channel) {
    return slack.calls("chat.postMessage").stream().filter(c -> channel.equals(c.args().get("channel"))).toList();
  }

  private double notifications(String outcome) {
    return fixture.metric("switchboard.notifications", "platform", "slack", "outcome", outcome);
  }

  private double outbound(String outcome) {
    return fixture.metric("switchboard.outbound.messages", "platform", "slack", "outcome", outcome);
  }
}

package io.switchboard.gateway.notify;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.discord.DiscordBotTokens;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.ManualClock;
import io.switchboard.testkit.discord.DiscordApiStandIn;
import io.vertx.core.json.JsonArray;
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
import static io.switchboard.gateway.GatewayFixture.GLOBEX_TOKEN;
import static io.switchboard.gateway.notify.NotificationApiTest.assertProblem;
import static io.switchboard.gateway.notify.NotificationClient.alertmanager;
import static io.switchboard.gateway.notify.NotificationClient.notification;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notifications to Discord channels end to end: through the real HTTP endpoints, real PostgreSQL and
 * the gateway's sweep to the Discord API stand-in, posted and edited as the guild's bot. The
 * notification clock is moved by hand, so no test depends on how fast anything runs.
 */
@DisplayName("Notifications reach Discord channels: grouped, edited in place, as the guild's bot")
class DiscordNotificationsTest {

  private static final String ACME_GUILD = "100000000000000001";
  private static final String GLOBEX_GUILD = "200000000000000002";
  private static final String TOKENLESS_GUILD = "100000000000000009";
  private static final String BOT_TOKEN = "acme-discord-bot-token";
  private static final Duration GROUP_WAIT = Duration.ofSeconds(11);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-02T10:00:00Z"));
  private DiscordApiStandIn discord;
  private GatewayFixture fixture;
  private NotificationClient client;

  @BeforeEach
  void start() {
    discord = DiscordApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_DISCORD_API_URL", discord.apiUrl(),
        "SWITCHBOARD_PACING_DISCORD_MILLIS", "50"), clock);
    Await.result(fixture.pool().withTransaction(tx -> Installations.add(tx, "acme", "discord", ACME_GUILD, null, null,
            InstallationProof.OPERATOR)
        .compose(v -> Installations.add(tx, "acme", "discord", TOKENLESS_GUILD, null, null, InstallationProof.OPERATOR))
        .compose(v -> Installations.add(tx, "globex", "discord", GLOBEX_GUILD, null, null, InstallationProof.OPERATOR))));
    Await.result(fixture.secrets().put("acme", DiscordBotTokens.secretName(ACME_GUILD), BOT_TOKEN));
    Await.result(fixture.secrets().put("globex", DiscordBotTokens.secretName(GLOBEX_GUILD), "globex-bot-token"));
    discord.acceptBotToken(BOT_TOKEN);
    client = new NotificationClient(fixture.baseUrl());
  }

  @AfterEach
  void stop() {
    fixture.close();
    discord.close();
  }

  @Test
  @DisplayName("notifications to one channel within the group wait are posted once, together, as the bot")
  void grouped() {
    List<String> outcomes = List.of(1, 2, 3).stream().map(i -> client.accepted(ACME_TOKEN,
        notification("discord", ACME_GUILD, "disk-" + i, "500000000000000005", "Disk full on db-" + i))
        .getString("outcome")).toList();
    assertThat(outcomes).containsExactly("posted", "grouped", "grouped");
    assertThat(discord.calls()).as("nothing is posted before the group wait has passed").isEmpty();

    clock.advance(GROUP_WAIT);
    awaitAllShown();

    List<DiscordApiStandIn.Call> posts = discord.succeeded("create_message");
    assertThat(posts).hasSize(1);
    DiscordApiStandIn.Call post = posts.get(0);
    assertThat(post.path()).isEqualTo("/api/v10/channels/500000000000000005/messages");
    assertThat(post.authorization()).isEqualTo("Bot " + BOT_TOKEN);
    String content = post.body().getString("content");
    assertThat(content).startsWith("**3 notifications**");
    for (int i = 1; i <= 3; i++) {
      assertThat(content).contains("Disk full on db-" + i);
    }
    assertThat(content).as("symbols as Unicode, not short codes").contains("\uD83D\uDD34").doesNotContain(":red_circle:");
    assertThat(post.body().getJsonObject("allowed_mentions").getJsonArray("parse")).isEmpty();
    assertThat(metric("posted")).isEqualTo(3);
    assertThat(metric("grouped")).isEqualTo(3);
    assertThat(fixture.auditTypes("acme")).filteredOn("notification.posted"::equals).hasSize(3);
  }

  @Test
  @DisplayName("resolving edits the message that shows the notification (PATCH of that message id)")
  void resolvedEdits() {
    long id = client.accepted(ACME_TOKEN, notification("discord", ACME_GUILD, "cpu", "500000000000000006", "CPU high"))
        .getLong("id");
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    String messageId = shownIn(id);
    assertThat(messageId).isNotNull();

    assertThat(client.accepted(ACME_TOKEN, notification("discord", ACME_GUILD, "cpu", "500000000000000006",
        "CPU high").put("status", "resolved")).getString("outcome")).isEqualTo("updated");
    clock.advance(GROUP_WAIT);
    awaitAllShown();

    assertThat(discord.succeeded("create_message")).as("an edit, not a new message").hasSize(1);
    List<DiscordApiStandIn.Call> edits = discord.succeeded("edit_message");
    assertThat(edits).hasSize(1);
    assertThat(edits.get(0).method()).isEqualTo("PATCH");
    assertThat(edits.get(0).path()).isEqualTo("/api/v10/channels/500000000000000006/messages/" + messageId);
    assertThat(edits.get(0).authorization()).isEqualTo("Bot " + BOT_TOKEN);
    assertThat(discord.channelMessage("500000000000000006", messageId).getString("content"))
        .contains("✅", "CPU high", "resolved");
    assertThat(shownIn(id)).isEqualTo(messageId);
    assertThat(metric("edited")).isEqualTo(1);
  }

  @Test
  @DisplayName("a status change of a message someone deleted (404 Unknown Message) is posted anew")
  void deletedMessagePostedAnew() {
    long id = client.accepted(ACME_TOKEN, notification("discord", ACME_GUILD, "mem", "500000000000000007",
        "Memory pressure")).getLong("id");
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    String first = shownIn(id);
    discord.deleteMessage("500000000000000007", first);

    client.accepted(ACME_TOKEN, notification("discord", ACME_GUILD, "mem", "500000000000000007", "Memory pressure")
        .put("status", "resolved"));
    clock.advance(GROUP_WAIT);
    awaitAllShown();

    assertThat(discord.calls()).filteredOn(call -> call.route().equals("edit_message"))
        .extracting(DiscordApiStandIn.Call::status).containsExactly(404);
    List<DiscordApiStandIn.Call> posts = discord.succeeded("create_message");
    assertThat(posts).hasSize(2);
    assertThat(posts.get(1).body().getString("content")).contains("✅", "Memory pressure");
    assertThat(shownIn(id)).isNotEqualTo(first);
    assertThat(discord.channelMessage("500000000000000007", shownIn(id))).isNotNull();
    assertThat(new JsonObject(client.get("/api/v1/notifications/" + id, ACME_TOKEN).body()).getString("delivery"))
        .isEqualTo("shown");
  }

  @Test
  @DisplayName("a 429 is waited out (retry_after) and the message is posted once")
  void rateLimited() {
    discord.rateLimit("create_message", 1, 0.05);
    client.accepted(ACME_TOKEN, notification("discord", ACME_GUILD, "svc", "500000000000000008", "Service down"));
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    assertThat(discord.calls()).extracting(DiscordApiStandIn.Call::status).containsExactly(429, 200);
    assertThat(discord.succeeded("create_message")).hasSize(1);
    assertThat(fixture.metric("switchboard.discord.api.calls", "route", "create_message", "outcome", "rate_limited"))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("through the Alertmanager route (platform=discord): alerts grouped in one message, resolving edits it")
  void alertmanagerRoute() {
    String query = "platform=discord&workspace=" + ACME_GUILD + "&channel=500000000000000010";
    JsonArray receipts = client.alertmanagerAccepted(ACME_TOKEN, query, alertmanager("firing", "fp-1", "fp-2"));
    assertThat(receipts).hasSize(2);
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    assertThat(discord.succeeded("create_message")).hasSize(1);
    assertThat(discord.succeeded("create_message").get(0).body().getString("content"))
        .contains("2 notifications", "DiskFull: Disk almost full on fp-1", "DiskFull: Disk almost full on fp-2");

    client.alertmanagerAccepted(ACME_TOKEN, query, alertmanager("resolved", "fp-1", "fp-2"));
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    assertThat(discord.succeeded("create_message")).hasSize(1);
    assertThat(discord.succeeded("edit_message")).hasSize(1);
    assertThat(discord.succeeded("edit_message").get(0).body().getString("content"))
        .contains("2 notifications (0 firing, 2 resolved)");
    assertThat(fixture.count("SELECT count(*) FROM notifications WHERE tenant_id = 'acme' AND platform = 'discord'"))
        .isEqualTo(2);
  }

  @Test
  @DisplayName("another tenant's guild is a 404 (both routes) and nothing is stored or posted")
  void anotherTenantsGuild() {
    assertProblem(client.post("/api/v1/notifications", GLOBEX_TOKEN,
        notification("discord", ACME_GUILD, "x", "500000000000000005", "Globex into Acme").encode()), 404, "not_found");
    assertProblem(client.post("/api/v1/notifications/alertmanager?platform=discord&workspace=" + ACME_GUILD
        + "&channel=500000000000000005", GLOBEX_TOKEN, alertmanager("firing", "fp-1").encode()), 404, "not_found");
    assertProblem(client.post("/api/v1/notifications", ACME_TOKEN,
        notification("discord", GLOBEX_GUILD, "x", "500000000000000005", "Acme into Globex").encode()), 404, "not_found");
    clock.advance(GROUP_WAIT);
    assertThat(fixture.count("SELECT count(*) FROM notifications")).isZero();
    assertThat(discord.calls()).isEmpty();
  }

  @Test
  @DisplayName("a guild whose tenant stored no bot token is a 409 saying so")
  void noBotToken() {
    var response = client.post("/api/v1/notifications", ACME_TOKEN,
        notification("discord", TOKENLESS_GUILD, "x", "500000000000000005", "t").encode());
    assertProblem(response, 409, "conflict");
    assertThat(new JsonObject(response.body()).getString("detail")).contains("bot token");
    assertProblem(client.post("/api/v1/notifications/alertmanager?platform=discord&workspace=" + TOKENLESS_GUILD
        + "&channel=500000000000000005", ACME_TOKEN, alertmanager("firing", "fp-1").encode()), 409, "conflict");
    assertThat(fixture.count("SELECT count(*) FROM notifications")).isZero();
  }

  private String shownIn(long id) {
    return client.messageOf(id, ACME_TOKEN);
  }

  private void awaitAllShown() {
    NotificationClient.awaitAllShown(fixture);
  }

  private double metric(String outcome) {
    return fixture.metric("switchboard.notifications", "platform", "discord", "outcome", outcome);
  }
}

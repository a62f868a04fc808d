package io.switchboard.gateway.notify;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.teams.TeamsActivities;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.ManualClock;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static io.switchboard.gateway.GatewayFixture.GLOBEX_TOKEN;
import static io.switchboard.gateway.notify.NotificationApiTest.assertProblem;
import static io.switchboard.gateway.notify.NotificationClient.alertmanager;
import static io.switchboard.gateway.notify.NotificationClient.notification;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notifications to Teams channels end to end: through the real HTTP endpoints, real PostgreSQL and the
 * gateway's sweep to the Bot Framework stand-in, as proactive messages to the channel's conversation at
 * the serviceUrl a signed activity of the Teams tenant named. The notification clock is moved by hand,
 * so no test depends on how fast anything runs.
 */
@DisplayName("Notifications reach Teams channels: proactive cards at the signed serviceUrl, updated in place")
class TeamsNotificationsTest {

  private static final String ACME_TEAMS = "72f988bf-0000-4000-8000-00000000acme";
  private static final String GLOBEX_TEAMS = "72f988bf-0000-4000-8000-0000000g1bex";
  private static final String UNHEARD_TEAMS = "72f988bf-0000-4000-8000-00000000quie";
  private static final String CHANNEL = "19:ops@thread.tacv2";
  private static final String ALICE = "aad-alice-0001";
  private static final Duration GROUP_WAIT = Duration.ofSeconds(11);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-02T10:00:00Z"));
  private BotFrameworkStandIn botFramework;
  private GatewayFixture fixture;
  private NotificationClient client;

  @BeforeEach
  void start() {
    botFramework = BotFrameworkStandIn.start();
    Map<String, String> env = new HashMap<>(botFramework.env());
    env.put("SWITCHBOARD_PACING_TEAMS_MILLIS", "50");
    fixture = new GatewayFixture(env, clock);
    Await.result(fixture.pool().withTransaction(tx -> Installations.add(tx, "acme", "teams", ACME_TEAMS, null, null,
            InstallationProof.OPERATOR)
        .compose(v -> Installations.add(tx, "acme", "teams", UNHEARD_TEAMS, null, null, InstallationProof.OPERATOR))
        .compose(v -> Installations.add(tx, "globex", "teams", GLOBEX_TEAMS, null, null, InstallationProof.OPERATOR))));
    heardFrom(ACME_TEAMS);
    heardFrom(GLOBEX_TEAMS);
    client = new NotificationClient(fixture.baseUrl());
  }

  @AfterEach
  void stop() {
    fixture.close();
    botFramework.close();
  }

  @Test
  @DisplayName("notifications to one channel within the group wait are one proactive card, posted once")
  void grouped() {
    List<String> outcomes = List.of(1, 2, 3).stream().map(i -> client.accepted(ACME_TOKEN,
        notification("teams", ACME_TEAMS, "disk-" + i, CHANNEL, "Disk full on db-" + i)).getString("outcome")).toList();
    assertThat(outcomes).containsExactly("posted", "grouped", "grouped");
    assertThat(proactive()).as("nothing is posted before the group wait has passed").isEmpty();

    clock.advance(GROUP_WAIT);
    awaitAllShown();

    assertThat(proactive()).hasSize(1);
    BotFrameworkStandIn.Call post = proactive().get(0);
    assertThat(post.conversation()).isEqualTo(CHANNEL);
    assertThat(post.token()).as("the bot's connector token").isNotNull();
    assertThat(post.body().getString("type")).isEqualTo("message");
    assertThat(post.body().getString("summary")).startsWith("3 notifications");
    String card = post.body().getJsonArray("attachments").getJsonObject(0).getJsonObject("content").encode();
    for (int i = 1; i <= 3; i++) {
      assertThat(card).contains("Disk full on db-" + i);
    }
    assertThat(metric("posted")).isEqualTo(3);
    assertThat(metric("grouped")).isEqualTo(3);
    assertThat(fixture.auditTypes("acme")).filteredOn("notification.posted"::equals).hasSize(3);
  }

  @Test
  @DisplayName("resolving updates the card that shows the notification (PUT of that activity)")
  void resolvedUpdates() {
    long id = client.accepted(ACME_TOKEN, notification("teams", ACME_TEAMS, "cpu", CHANNEL, "CPU high")).getLong("id");
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    String activityId = shownIn(id);
    assertThat(activityId).as("the id the connector answered").startsWith("1:bot-activity-");

    assertThat(client.accepted(ACME_TOKEN, notification("teams", ACME_TEAMS, "cpu", CHANNEL, "CPU high")
        .put("status", "resolved")).getString("outcome")).isEqualTo("updated");
    clock.advance(GROUP_WAIT);
    awaitAllShown();

    assertThat(proactive()).as("an update, not a new post").hasSize(1);
    List<BotFrameworkStandIn.Call> updates = botFramework.calls("PUT");
    assertThat(updates).hasSize(1);
    assertThat(updates.get(0).conversation()).isEqualTo(CHANNEL);
    assertThat(updates.get(0).activityId()).isEqualTo(activityId);
    assertThat(updates.get(0).body().encode()).contains("CPU high", "resolved");
    assertThat(shownIn(id)).isEqualTo(activityId);
    assertThat(metric("edited")).isEqualTo(1);
  }

  @Test
  @DisplayName("a status change of a card someone deleted (404) is posted anew")
  void deletedActivityPostedAnew() {
    long id = client.accepted(ACME_TOKEN, notification("teams", ACME_TEAMS, "mem", CHANNEL, "Memory pressure"))
        .getLong("id");
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    String first = shownIn(id);
    botFramework.deleteActivity(first);

    client.accepted(ACME_TOKEN, notification("teams", ACME_TEAMS, "mem", CHANNEL, "Memory pressure")
        .put("status", "resolved"));
    clock.advance(GROUP_WAIT);
    awaitAllShown();

    assertThat(botFramework.calls("PUT")).as("the update was refused").isEmpty();
    assertThat(proactive()).hasSize(2);
    assertThat(proactive().get(1).body().encode()).contains("Memory pressure", "resolved");
    assertThat(shownIn(id)).isNotEqualTo(first);
    assertThat(new JsonObject(client.get("/api/v1/notifications/" + id, ACME_TOKEN).body()).getString("delivery"))
        .isEqualTo("shown");
  }

  @Test
  @DisplayName("a 429 is waited out (Retry-After) and the card is posted once")
  void rateLimited() {
    botFramework.rateLimit("POST", 1);
    client.accepted(ACME_TOKEN, notification("teams", ACME_TEAMS, "svc", CHANNEL, "Service down"));
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    assertThat(botFramework.rateLimitedCalls()).hasSize(1);
    assertThat(proactive()).hasSize(1);
    assertThat(proactive().get(0).body().encode()).contains("Service down");
  }

  @Test
  @DisplayName("through the Alertmanager route (platform=teams): alerts grouped in one card, resolving updates it")
  void alertmanagerRoute() {
    String query = "platform=teams&workspace=" + ACME_TEAMS + "&channel="
        + URLEncoder.encode(CHANNEL, StandardCharsets.UTF_8);
    JsonArray receipts = client.alertmanagerAccepted(ACME_TOKEN, query, alertmanager("firing", "fp-1", "fp-2"));
    assertThat(receipts).hasSize(2);
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    assertThat(proactive()).hasSize(1);
    assertThat(proactive().get(0).body().encode()).contains("2 notifications", "DiskFull: Disk almost full on fp-1",
        "DiskFull: Disk almost full on fp-2");

    client.alertmanagerAccepted(ACME_TOKEN, query, alertmanager("resolved", "fp-1", "fp-2"));
    clock.advance(GROUP_WAIT);
    awaitAllShown();
    assertThat(proactive()).hasSize(1);
    assertThat(botFramework.calls("PUT")).hasSize(1);
    assertThat(botFramework.calls("PUT").get(0).body().encode()).contains("2 notifications (0 firing, 2 resolved)");
  }

  @Test
  @DisplayName("another tenant's Teams tenant is a 404 (both routes) and nothing is stored or posted")
  void anotherTenantsTeams() {
    assertProblem(client.post("/api/v1/notifications", GLOBEX_TOKEN,
        notification("teams", ACME_TEAMS, "x", CHANNEL, "Globex into Acme").encode()), 404, "not_found");
    assertProblem(client.post("/api/v1/notifications/alertmanager?platform=teams&workspace=" + ACME_TEAMS
        + "&channel=" + URLEncoder.encode(CHANNEL, StandardCharsets.UTF_8), GLOBEX_TOKEN,
        alertmanager("firing", "fp-1").encode()), 404, "not_found");
    assertProblem(client.post("/api/v1/notifications", ACME_TOKEN,
        notification("teams", GLOBEX_TEAMS, "x", CHANNEL, "Acme into Globex").encode()), 404, "not_found");
    clock.advance(GROUP_WAIT);
    assertThat(fixture.count("SELECT count(*) FROM notifications")).isZero();
    assertThat(botFramework.calls()).isEmpty();
  }

  @Test
  @DisplayName("a Teams tenant no signed activity came from yet has no serviceUrl: a 409 saying so")
  void noServiceUrlYet() {
    HttpResponse<String> response = client.post("/api/v1/notifications", ACME_TOKEN,
        notification("teams", UNHEARD_TEAMS, "x", CHANNEL, "t").encode());
    assertProblem(response, 409, "conflict");
    assertThat(new JsonObject(response.body()).getString("detail")).contains("serviceUrl");
    assertProblem(client.post("/api/v1/notifications/alertmanager?platform=teams&workspace=" + UNHEARD_TEAMS
        + "&channel=" + URLEncoder.encode(CHANNEL, StandardCharsets.UTF_8), ACME_TOKEN,
        alertmanager("firing", "fp-1").encode()), 409, "conflict");
    assertThat(fixture.count("SELECT count(*) FROM notifications")).isZero();

    heardFrom(UNHEARD_TEAMS);
    assertThat(client.accepted(ACME_TOKEN, notification("teams", UNHEARD_TEAMS, "x", CHANNEL, "t"))
        .getString("outcome")).as("once Teams has spoken for it").isEqualTo("posted");
  }

  @Test
  @DisplayName("the serviceUrl is only taken from activities the Bot Framework signed, per tenant")
  void serviceUrlFromSignedActivitiesOnly() {
    JsonObject forged = TeamsActivities.botMembership("https://smba.evil.example/", UNHEARD_TEAMS, CHANNEL, ALICE,
        true);
    HttpResponse<String> refused = TeamsActivities.post(fixture.baseUrl(), botFramework.token(BotFrameworkStandIn.APP_ID,
        botFramework.serviceUrl(), Instant.now().plusSeconds(600), false), forged);
    assertThat(refused.statusCode()).as("the serviceUrl is not the token's claim").isEqualTo(401);
    assertThat(fixture.count("SELECT count(*) FROM teams_service_urls WHERE workspace = '" + UNHEARD_TEAMS + "'"))
        .isZero();
    assertThat(fixture.count("SELECT count(*) FROM teams_service_urls WHERE tenant_id = 'acme' AND workspace = '"
        + ACME_TEAMS + "'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM teams_service_urls WHERE tenant_id = 'globex' AND workspace = '"
        + ACME_TEAMS + "'")).isZero();
  }

  /** A signed activity of the Teams tenant (the bot added to a team), which names its serviceUrl. */
  private void heardFrom(String teamsTenant) {
    HttpResponse<String> response = TeamsActivities.post(fixture.baseUrl(), botFramework.token(),
        TeamsActivities.botMembership(botFramework.serviceUrl(), teamsTenant, CHANNEL, ALICE, true));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** Proactive posts (no activity to reply to). */
  private List<BotFrameworkStandIn.Call> proactive() {
    return botFramework.calls("POST").stream().filter(call -> call.activityId() == null).toList();
  }

  private String shownIn(long id) {
    return client.messageOf(id, ACME_TOKEN);
  }

  private void awaitAllShown() {
    NotificationClient.awaitAllShown(fixture);
  }

  private double metric(String outcome) {
    return fixture.metric("switchboard.notifications", "platform", "teams", "outcome", outcome);
  }
}

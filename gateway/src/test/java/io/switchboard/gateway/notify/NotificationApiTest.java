package io.switchboard.gateway.notify;

import io.switchboard.testkit.ManualClock;
import io.switchboard.testkit.Await;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.slack.SlackBotTokens;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static io.switchboard.gateway.GatewayFixture.GLOBEX_TOKEN;
import static io.switchboard.gateway.notify.NotificationClient.notification;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notification endpoints' refusals and tenant scoping, over real HTTP and PostgreSQL: bad input
 * is a 4xx problem naming what is wrong and stores nothing; a tenant can neither post into another's
 * workspace nor see or change another's notifications, and dedup keys are per tenant. The clock
 * never moves, so nothing is delivered.
 */
@DisplayName("Notification input is checked and scoped by tenant")
class NotificationApiTest {

  private static GatewayFixture fixture;
  private static NotificationClient client;

  @BeforeAll
  static void start() {
    fixture = new GatewayFixture(Map.of(), new ManualClock(Instant.parse("2026-12-02T10:00:00Z")));
    Await.result(new SlackBotTokens(fixture.secrets()).store("acme", "T0ACME", "xoxb-acme"));
    Await.result(fixture.pool().withTransaction(tx -> Installations.add(tx, "acme", "slack", "T0NOTOKEN",
        null, null, InstallationProof.OPERATOR)));
    client = new NotificationClient(fixture.baseUrl());
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @BeforeEach
  void empty() {
    Await.result(fixture.pool().query("DELETE FROM notifications").execute());
  }

  @ParameterizedTest(name = "body [{0}]")
  @ValueSource(strings = {
      "not json",
      "",
      "[]",
      "{\"channel\": {\"platform\": \"slack\", \"workspace\": \"T0ACME\", \"channel\": \"C1\"}, \"title\": \"t\"}",
      "{\"key\": \"\", \"channel\": {\"platform\": \"slack\", \"workspace\": \"T0ACME\", \"channel\": \"C1\"}, \"title\": \"t\"}",
      "{\"key\": \"k\", \"title\": \"t\"}",
      "{\"key\": \"k\", \"channel\": {\"platform\": \"irc\", \"workspace\": \"T0ACME\", \"channel\": \"C1\"}, \"title\": \"t\"}",
      "{\"key\": \"k\", \"channel\": {\"platform\": \"slack\", \"workspace\": \"T0ACME\", \"channel\": \"#ops\"}, \"title\": \"t\"}",
      "{\"key\": \"k\", \"channel\": {\"platform\": \"slack\", \"workspace\": \"T0ACME\", \"channel\": \"C1\"}}",
      "{\"key\": \"k\", \"channel\": {\"platform\": \"slack\", \"workspace\": \"T0ACME\", \"channel\": \"C1\"}, \"title\": \"t\", \"severity\": \"dire\"}",
      "{\"key\": \"k\", \"channel\": {\"platform\": \"slack\", \"workspace\": \"T0ACME\", \"channel\": \"C1\"}, \"title\": \"t\", \"status\": \"gone\"}",
      "{\"key\": \"k\", \"channel\": {\"platform\": \"slack\", \"workspace\": \"T0ACME\", \"channel\": \"C1\"}, \"title\": \"t\", \"colour\": \"red\"}",
  })
  @DisplayName("a malformed notification is a 400 and stores nothing")
  void malformed(String body) {
    assertProblem(client.post("/api/v1/notifications", ACME_TOKEN, body), 400, "malformed_request");
    assertNothingStored();
  }

  @Test
  @DisplayName("an over-long field is a 400 naming it, an oversized body a 413")
  void oversized() {
    HttpResponse<String> longText = client.post("/api/v1/notifications", ACME_TOKEN,
        notification("k", "C1", "t").put("text", "x".repeat(2501)).encode());
    assertProblem(longText, 400, "malformed_request");
    assertThat(new JsonObject(longText.body()).getString("detail")).contains("text");
    assertProblem(client.post("/api/v1/notifications", ACME_TOKEN,
        notification("k", "C1", "t").put("text", "x".repeat(300 * 1024)).encode()), 413, "payload_too_large");
    assertProblem(client.post("/api/v1/notifications", ACME_TOKEN,
        notification("k".repeat(201), "C1", "t").encode()), 400, "malformed_request");
    assertNothingStored();
  }

  @Test
  @DisplayName("no token or a wrong one is a 401")
  void unauthenticated() {
    assertProblem(client.post("/api/v1/notifications", null, notification("k", "C1", "t").encode()), 401,
        "unauthenticated");
    assertProblem(client.post("/api/v1/notifications", "sbt_wrong", notification("k", "C1", "t").encode()), 401,
        "unauthenticated");
    assertProblem(client.post("/api/v1/notifications/alertmanager?workspace=T0ACME&channel=C1", "sbt_wrong",
        alertmanagerPayload().encode()), 401, "unauthenticated");
    assertNothingStored();
  }

  @Test
  @DisplayName("an unknown workspace is a 404, one without a bot token a 409")
  void unknownInstallation() {
    JsonObject unknown = notification("k", "C1", "t");
    unknown.getJsonObject("channel").put("workspace", "T0NOBODY");
    assertProblem(client.post("/api/v1/notifications", ACME_TOKEN, unknown.encode()), 404, "not_found");
    JsonObject tokenless = notification("k", "C1", "t");
    tokenless.getJsonObject("channel").put("workspace", "T0NOTOKEN");
    assertProblem(client.post("/api/v1/notifications", ACME_TOKEN, tokenless.encode()), 409, "conflict");
    assertNothingStored();
  }

  @Test
  @DisplayName("a platform this gateway posts no notifications on (Teams without a bot) is a 409; an unknown one a 400")
  void platformWithoutNotifications() {
    HttpResponse<String> teams = client.post("/api/v1/notifications", ACME_TOKEN,
        notification("teams", "72f988bf-0000-4000-8000-00000000acme", "k", "19:ops@thread.tacv2", "t").encode());
    assertProblem(teams, 409, "conflict");
    assertThat(new JsonObject(teams.body()).getString("detail")).contains("teams");
    assertProblem(client.post("/api/v1/notifications/alertmanager?platform=teams&workspace=T0ACME&channel=C1",
        ACME_TOKEN, alertmanagerPayload().encode()), 409, "conflict");
    assertProblem(client.post("/api/v1/notifications/alertmanager?platform=irc&workspace=T0ACME&channel=C1",
        ACME_TOKEN, alertmanagerPayload().encode()), 400, "malformed_request");
    assertProblem(client.post("/api/v1/notifications/alertmanager?platform=discord&workspace=T0ACME&channel=..",
        ACME_TOKEN, alertmanagerPayload().encode()), 400, "malformed_request");
    assertNothingStored();
  }

  @Test
  @DisplayName("bad Alertmanager input is a 400 and stores nothing")
  void malformedAlertmanager() {
    assertProblem(client.post("/api/v1/notifications/alertmanager?workspace=T0ACME", ACME_TOKEN,
        alertmanagerPayload().encode()), 400, "malformed_request");
    assertProblem(client.post("/api/v1/notifications/alertmanager?workspace=T0ACME&channel=C1", ACME_TOKEN,
        new JsonObject().put("version", "4").put("alerts", new JsonArray()).encode()), 400, "malformed_request");
    assertProblem(client.post("/api/v1/notifications/alertmanager?workspace=T0ACME&channel=C1", ACME_TOKEN,
        "{\"alerts\": [{\"annotations\": {}}]}"), 400, "malformed_request");
    assertProblem(client.post("/api/v1/notifications/alertmanager?workspace=T0ACME&channel=C1", ACME_TOKEN,
        "{\"alerts\": "), 400, "malformed_request");
    assertNothingStored();
  }

  @Test
  @DisplayName("tenant B cannot post into tenant A's workspace, see A's notification, or dedup against A's key")
  void tenantIsolation() {
    JsonObject acme = client.accepted(ACME_TOKEN, notification("shared-key", "C0ACME", "Acme's alert"));

    assertProblem(client.post("/api/v1/notifications", GLOBEX_TOKEN,
        notification("other", "C0ACME", "Globex into Acme").encode()), 404, "not_found");
    assertProblem(client.post("/api/v1/notifications/alertmanager?workspace=T0ACME&channel=C0ACME", GLOBEX_TOKEN,
        alertmanagerPayload().encode()), 404, "not_found");
    assertProblem(client.get("/api/v1/notifications/" + acme.getLong("id"), GLOBEX_TOKEN), 404, "not_found");

    Await.result(new SlackBotTokens(fixture.secrets()).store("globex", "T0GLOBEX", "xoxb-globex"));
    JsonObject globex = notification("shared-key", "C0GLOBEX", "Globex's alert");
    globex.getJsonObject("channel").put("workspace", "T0GLOBEX");
    JsonObject receipt = client.accepted(GLOBEX_TOKEN, globex.put("status", "resolved"));
    assertThat(receipt.getString("outcome")).as("the same key of another tenant is a new notification")
        .isEqualTo("posted");
    assertThat(receipt.getLong("id")).isNotEqualTo(acme.getLong("id"));

    JsonObject acmeNow = new JsonObject(client.get("/api/v1/notifications/" + acme.getLong("id"), ACME_TOKEN).body());
    assertThat(acmeNow.getString("status")).isEqualTo("firing");
    assertThat(acmeNow.getString("title")).isEqualTo("Acme's alert");
    assertThat(acmeNow.getInteger("repeats")).isZero();
    assertThat(fixture.count("SELECT count(*) FROM notifications WHERE tenant_id = 'globex'")).isEqualTo(1);
    assertThat(fixture.auditTypes("globex")).doesNotContain("notification.deduplicated");
  }

  @Test
  @DisplayName("an Alertmanager payload becomes one notification per alert, keyed by fingerprint")
  void alertmanagerReceipts() {
    HttpResponse<String> response = client.post("/api/v1/notifications/alertmanager?workspace=T0ACME&channel=C0AM",
        ACME_TOKEN, alertmanagerPayload().encode());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonArray receipts = new JsonObject(response.body()).getJsonArray("notifications");
    assertThat(receipts).hasSize(2);
    assertThat(receipts.getJsonObject(0).getString("key")).isEqualTo("fp-1");
    assertThat(receipts.getJsonObject(0).getString("outcome")).isEqualTo("posted");
    assertThat(receipts.getJsonObject(1).getString("outcome")).isEqualTo("grouped");
    JsonObject stored = new JsonObject(client.get("/api/v1/notifications/"
        + receipts.getJsonObject(0).getLong("id"), ACME_TOKEN).body());
    assertThat(stored.getString("title")).isEqualTo("DiskFull: Disk almost full on db-1");
    assertThat(stored.getString("severity")).isEqualTo("critical");
    assertThat(stored.getString("delivery")).isEqualTo("pending");
  }

  private static JsonObject alertmanagerPayload() {
    return new JsonObject().put("version", "4").put("receiver", "switchboard").put("status", "firing")
        .put("groupKey", "{}:{alertname=\"DiskFull\"}")
        .put("commonLabels", new JsonObject().put("alertname", "DiskFull"))
        .put("alerts", new JsonArray()
            .add(alert("fp-1", "db-1"))
            .add(alert("fp-2", "db-2")));
  }

  private static JsonObject alert(String fingerprint, String instance) {
    return new JsonObject().put("status", "firing").put("fingerprint", fingerprint)
        .put("labels", new JsonObject().put("alertname", "DiskFull").put("severity", "critical")
            .put("instance", instance))
        .put("annotations", new JsonObject().put("summary", "Disk almost full on " + instance))
        .put("startsAt", "2026-12-02T09:59:00Z").put("endsAt", "0001-01-01T00:00:00Z")
        .put("generatorURL", "http://prometheus/graph");
  }

  private static void assertNothingStored() {
    assertThat(fixture.count("SELECT count(*) FROM notifications")).isZero();
  }

  static void assertProblem(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(new JsonObject(response.body()).getString("code")).isEqualTo(code);
  }
}

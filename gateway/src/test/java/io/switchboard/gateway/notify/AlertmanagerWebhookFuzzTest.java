package io.switchboard.gateway.notify;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.fuzz.FuzzCase;
import io.switchboard.gateway.fuzz.RawHttp;
import io.switchboard.gateway.slack.SlackBotTokens;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.ManualClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of {@code POST /api/v1/notifications/alertmanager}: Alertmanager's version 4 payloads with
 * one to three fields anywhere in them (version, status, groupKey, truncatedAlerts, alerts with their
 * labels, annotations, startsAt, endsAt, fingerprint) changed to hostile values of any type or removed,
 * arrays of thousands of alerts, bodies with duplicated fields, deep nesting, invalid UTF-8 or cut
 * short; hostile workspace and channel parameters; missing, wrong, other tenants' and the operator's
 * credentials. Each answer is a 4xx problem that stored nothing (no notification, no audit record),
 * or a 202; never a 5xx. The clock stands still, so nothing is delivered.
 */
@DisplayName("Fuzzing the Alertmanager webhook with hostile payloads and credentials")
class AlertmanagerWebhookFuzzTest {

  private static final Map<Integer, Integer> STATUSES = new TreeMap<>();

  private static GatewayFixture fixture;

  @BeforeAll
  static void start() {
    fixture = new GatewayFixture(Map.of(), new ManualClock(Instant.parse("2026-12-02T10:00:00Z")));
    Await.result(new SlackBotTokens(fixture.secrets()).store("acme", "T0ACME", "xoxb-acme"));
  }

  @AfterAll
  static void stop() {
    System.out.println("Answers to hostile Alertmanager webhooks by HTTP status: " + STATUSES + "; notifications: "
        + fixture.count("SELECT count(*) FROM notifications"));
    try {
      RawHttp.assertReady(fixture.baseUrl());
      assertThat(fixture.auditChainsIntact()).as("what hostile input put in every tenant's audit chain verifies").isTrue();
    } finally {
      fixture.close();
    }
  }

  static Stream<FuzzCase> cases() {
    return FuzzCase.cases("alertmanager");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @DisplayName("a hostile webhook")
  void hostileWebhook(FuzzCase fuzz) {
    JsonObject payload = fuzz.chance(80) ? fuzz.mutate(valid(fuzz)) : valid(fuzz);
    byte[] body = fuzz.body(payload);
    String path = "/api/v1/notifications/alertmanager" + query(fuzz);
    Map<String, String> headers = new HashMap<>();
    headers.put("Content-Type", fuzz.chance(95) ? "application/json" : fuzz.pick("text/plain", "", fuzz.text()));
    headers.put("Authorization", fuzz.chance(80) ? "Bearer " + GatewayFixture.ACME_TOKEN : fuzz.pick(null, "",
        "Bearer", "Bearer " + GatewayFixture.GLOBEX_TOKEN, "Bearer " + GatewayFixture.OPERATOR_TOKEN,
        "Bearer sbt_wrong", "Bearer " + GatewayFixture.ACME_TOKEN + "x", "Basic " + GatewayFixture.ACME_TOKEN,
        GatewayFixture.ACME_TOKEN, "Bearer " + fuzz.text(), fuzz.text()));
    long notifications = fixture.count("SELECT count(*) FROM notifications");
    long audited = fixture.count("SELECT count(*) FROM audit_events");

    RawHttp.Answer answer = RawHttp.post(fixture.baseUrl(), path, headers, body);

    String input = fuzz + ": POST " + path + "\n" + headers + "\n" + new String(body, StandardCharsets.UTF_8);
    STATUSES.merge(answer.status(), 1, Integer::sum);
    answer.assertAnsweredCleanly(input);
    if (answer.refused()) {
      assertThat(fixture.count("SELECT count(*) FROM notifications")).as(input + "\na refusal stored no notification")
          .isEqualTo(notifications);
      assertThat(fixture.count("SELECT count(*) FROM audit_events")).as(input + "\na refusal audited nothing")
          .isEqualTo(audited);
    }
  }

  /**
   * Alertmanager's payload (version 4) for one to three alerts, now and then for 600 (about as many
   * as fit in the API's 256 KiB) or more than the 1,000 the API takes.
   */
  private static JsonObject valid(FuzzCase fuzz) {
    int count = fuzz.chance(3) ? fuzz.pick(600, 1_001, 5_000) : 1 + fuzz.below(3);
    JsonArray alerts = new JsonArray();
    for (int i = 0; i < count; i++) {
      String instance = "db-" + fuzz.number() + "-" + i;
      alerts.add(new JsonObject().put("status", fuzz.pick("firing", "resolved"))
          .put("labels", new JsonObject().put("alertname", "DiskFull").put("severity", fuzz.pick("critical", "warning"))
              .put("instance", instance))
          .put("annotations", new JsonObject().put("summary", "Disk almost full on " + instance)
              .put("description", "95% used"))
          .put("startsAt", "2026-12-02T09:59:00Z").put("endsAt", "0001-01-01T00:00:00Z")
          .put("generatorURL", "http://prometheus/graph").put("fingerprint", "fp-" + fuzz.number() + "-" + i));
    }
    return new JsonObject().put("version", "4").put("receiver", "switchboard").put("status", "firing")
        .put("groupKey", "{}:{alertname=\"DiskFull\"}").put("truncatedAlerts", 0)
        .put("groupLabels", new JsonObject().put("alertname", "DiskFull"))
        .put("commonLabels", new JsonObject().put("alertname", "DiskFull"))
        .put("commonAnnotations", new JsonObject()).put("externalURL", "http://alertmanager:9093")
        .put("alerts", alerts);
  }

  /** acme's workspace and a channel; now and then a parameter missing, repeated or hostile. */
  private static String query(FuzzCase fuzz) {
    if (fuzz.chance(80)) {
      return "?workspace=T0ACME&channel=C0AM";
    }
    String hostile = URLEncoder.encode(fuzz.text(), StandardCharsets.UTF_8);
    return fuzz.pick("", "?workspace=T0ACME", "?channel=C0AM", "?workspace=" + hostile + "&channel=C0AM",
        "?workspace=T0ACME&channel=" + hostile, "?workspace=T0GLOBEX&channel=C0AM",
        "?workspace=T0ACME&workspace=T0GLOBEX&channel=C0AM", "?workspace=%00&channel=%ZZ", "/?workspace=T0ACME&channel=C0AM");
  }
}

package io.switchboard.gateway.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Alertmanager's webhook payload is read as one notification per alert")
class NotificationAlertmanagerPayloadTest {

  private static final NotificationTarget TARGET = new NotificationTarget("slack", "T0ACME", "C0AM");

  @Test
  @DisplayName("fingerprint, title, text, severity and status come from the alert")
  void fields() {
    JsonObject alert = new JsonObject().put("status", "resolved").put("fingerprint", "c0ffee")
        .put("labels", new JsonObject().put("alertname", "HighLatency").put("severity", "page"))
        .put("annotations", new JsonObject().put("summary", "p99 over 2 s").put("description", "api-gateway"));
    Notification n = AlertmanagerWebhook.notifications(payload(alert), TARGET).get(0);
    assertThat(n.key()).isEqualTo("c0ffee");
    assertThat(n.title()).isEqualTo("HighLatency: p99 over 2 s");
    assertThat(n.text()).isEqualTo("api-gateway");
    assertThat(n.severity()).isEqualTo("critical");
    assertThat(n.status()).isEqualTo("resolved");
    assertThat(n.target()).isEqualTo(TARGET);
  }

  @Test
  @DisplayName("without a fingerprint the key is a hash of the labels, whatever their order")
  void labelsHash() {
    JsonObject a = new JsonObject().put("labels", new JsonObject().put("alertname", "X").put("instance", "a"));
    JsonObject b = new JsonObject().put("labels", new JsonObject().put("instance", "a").put("alertname", "X"));
    JsonObject c = new JsonObject().put("labels", new JsonObject().put("alertname", "X").put("instance", "b"));
    List<Notification> all = AlertmanagerWebhook.notifications(payload(a, b, c), TARGET);
    assertThat(all.get(0).key()).startsWith("labels:").isEqualTo(all.get(1).key()).isNotEqualTo(all.get(2).key());
    assertThat(all.get(0).title()).isEqualTo("X");
    assertThat(all.get(0).severity()).isEqualTo("info");
    assertThat(all.get(0).status()).as("the group's status when the alert has none").isEqualTo("firing");
  }

  @Test
  @DisplayName("severity labels map onto info, warning and critical")
  void severities() {
    assertThat(AlertmanagerWebhook.severity("CRITICAL")).isEqualTo("critical");
    assertThat(AlertmanagerWebhook.severity("error")).isEqualTo("critical");
    assertThat(AlertmanagerWebhook.severity("warn")).isEqualTo("warning");
    assertThat(AlertmanagerWebhook.severity("none")).isEqualTo("info");
    assertThat(AlertmanagerWebhook.severity(null)).isEqualTo("info");
  }

  @Test
  @DisplayName("a long summary or description is cut to the API's bounds")
  void bounded() {
    JsonObject alert = new JsonObject().put("labels", new JsonObject().put("alertname", "Long"))
        .put("annotations", new JsonObject().put("summary", "s".repeat(500)).put("description", "d".repeat(5000)));
    Notification n = AlertmanagerWebhook.notifications(payload(alert), TARGET).get(0);
    assertThat(n.title()).hasSize(AlertmanagerWebhook.MAX_TITLE).endsWith("…");
    assertThat(n.text()).hasSize(AlertmanagerWebhook.MAX_TEXT);
  }

  private static JsonObject payload(JsonObject... alerts) {
    JsonArray array = new JsonArray();
    for (JsonObject alert : alerts) {
      array.add(alert);
    }
    return new JsonObject().put("version", "4").put("status", "firing").put("receiver", "switchboard")
        .put("alerts", array);
  }
}

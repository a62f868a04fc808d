package io.switchboard.gateway.audit;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditKey;
import io.switchboard.audit.AuditLog;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.slack.SlackBotTokens;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.ManualClock;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway as deployed: its own anchoring (every second here) hands anchors to its channel
 * poster, and its own notification sweep posts them to the tenant's channel on the Slack stand-in.
 */
@DisplayName("A gateway posts a tenant's anchors to the channel its policy names")
class AnchorChannelGatewayTest {

  private static final String BOT = "xoxb-acme-gateway-anchors";

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T10:00:00Z"));
  private SlackApiStandIn slack;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    AuditKey.install(AuditKey.of("anchor-gateway-test-audit-key-32-bytes!!".getBytes(StandardCharsets.UTF_8)));
    slack = SlackApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SLACK_API_URL", slack.apiUrl(),
        "SWITCHBOARD_PACING_SLACK_MILLIS", "50", "SWITCHBOARD_AUDIT_ANCHOR_SECONDS", "1"), clock);
    Await.result(new SlackBotTokens(fixture.secrets()).store("acme", "T0ACME", BOT));
    slack.acceptToken(BOT);
  }

  @AfterEach
  void stop() {
    fixture.close();
    slack.close();
    AuditKey.install(null);
  }

  @Test
  @DisplayName("a policy naming a channel, a record that moves the head: the channel gets the signed head")
  void anchoredAndPosted() {
    fixture.putPolicy("acme", new JsonObject().put("audit", new JsonObject().put("anchorChannel", new JsonObject()
        .put("platform", "slack").put("workspace", "T0ACME").put("channel", "C0AUDIT").put("everyMinutes", 0))));
    Await.result(fixture.pool().withTransaction(tx -> AuditLog.append(tx, AuditEvent.of("acme",
        AuditEventType.COMMAND_RECEIVED, "U1", null, new JsonObject()))));
    long head = fixture.count("SELECT seq FROM audit_chain_heads WHERE tenant_id = 'acme'");
    Await.until("the gateway queued the anchor of record " + head, () -> fixture.count(
        "SELECT count(*) FROM notifications WHERE tenant_id = 'acme' AND dedup_key = 'switchboard:audit-anchor:"
            + head + "'") == 1);
    clock.advance(Duration.ofSeconds(11));
    Await.until("the anchor is posted", () -> slack.calls("chat.postMessage").stream()
        .anyMatch(c -> "C0AUDIT".equals(c.args().get("channel"))
            && c.args().get("text").contains("anchored at record " + head)));
    assertThat(fixture.count("SELECT seq FROM audit_chain_heads WHERE tenant_id = 'acme'"))
        .as("the post moved no chain").isEqualTo(head);
  }
}

package io.switchboard.gateway.slack;

import io.switchboard.gateway.GatewayFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("An Enterprise Grid org-wide installation is found by its organisation")
class EnterpriseGridTest {

  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    fixture = new GatewayFixture();
    fixture.bindOwnSlackApp("acme", "E0ORG", "org-secret");
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  @DisplayName("a slash command from any workspace of the organisation runs for the organisation's tenant")
  void slashCommand() {
    var response = fixture.acmeCommand("echo from grid").signedWith("org-secret").field("team_id", "T0WORKSPACE")
        .field("enterprise_id", "E0ORG").field("is_enterprise_install", "true").post(fixture.baseUrl());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND arguments->>'text' = 'from grid'"))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("a mention from a workspace of the organisation runs for the organisation's tenant")
  void mention() {
    JsonObject event = SlackEvent.callback("T0WORKSPACE", "EvGrid1",
        SlackEvent.mention("U0USER", "C0OPS", "1700.1", "echo grid mention")).put("enterprise_id", "E0ORG")
        .put("authorizations", new JsonArray().add(new JsonObject().put("enterprise_id", "E0ORG")
            .put("team_id", null).put("is_enterprise_install", true)));
    assertThat(SlackEvent.signed("org-secret", event).post(fixture.baseUrl()).statusCode()).isEqualTo(200);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' "
        + "AND arguments->>'text' = 'grid mention' AND reply_to->>'workspace' = 'E0ORG'")).isEqualTo(1);
    assertThat(SlackEvent.signed(GatewayFixture.ACME_SECRET, event.put("event_id", "EvGrid2")).post(fixture.baseUrl())
        .statusCode()).as("signed with the workspace's secret, not the organisation's").isEqualTo(401);
  }
}

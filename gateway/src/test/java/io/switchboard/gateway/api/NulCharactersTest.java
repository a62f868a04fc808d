package io.switchboard.gateway.api;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL cannot store a NUL character in text. A request that carries one anywhere it would
 * reach the database is a 400 problem, never a 500, and nothing is written for it.
 */
@DisplayName("A NUL character in a request is a 400, never a 500, and nothing is written")
class NulCharactersTest extends AdminApiTestBase {

  @Test
  @DisplayName("in an unverified Slack team id")
  void inAnUnverifiedTeamId() {
    HttpResponse<String> response = SignedSlashCommand.of(GatewayFixture.ACME_SECRET, "\u0000", "echo hi", "unused")
        .post(fixture.baseUrl());
    assertThat(response.statusCode()).as("refused as naming no team: " + response.body()).isEqualTo(401);
  }

  @Test
  @DisplayName("in a signed command's text")
  void inASignedCommandsText() {
    long jobs = fixture.jobCount();
    HttpResponse<String> response = SignedSlashCommand.of(GatewayFixture.ACME_SECRET, "T0ACME", "echo a\u0000b",
        fixture.slack().responseUrl("nul")).post(fixture.baseUrl());
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 499);
    assertThat(fixture.jobCount()).isEqualTo(jobs);
  }

  @Test
  @DisplayName("in a Slack event's team id, and a click without an action id is malformed too")
  void inSlackEventsAndClicks() {
    JsonObject event = new JsonObject().put("type", "event_callback").put("team_id", "\u0000").put("api_app_id", "A0APP")
        .put("event_id", "Ev1").put("event", new JsonObject().put("type", "app_mention").put("text", "hi")
            .put("user", "U1").put("channel", "C1").put("ts", "1.2"));
    HttpResponse<String> nul = SignedSlashCommand.of(GatewayFixture.ACME_SECRET, "T0ACME", "", "unused")
        .rawBody(event.encode()).contentType("application/json").to("/slack/events").post(fixture.baseUrl());
    assertThat(nul.statusCode()).as("refused as no valid team id, before any lookup: " + nul.body()).isEqualTo(401);

    SignedSlashCommand click = fixture.acmeClick("U1", "C1", null, 1);
    HttpResponse<String> noActionId = click.post(fixture.baseUrl());
    assertThat(noActionId.statusCode()).as(noActionId.body()).isEqualTo(400);
    assertThat(noActionId.body()).contains("action_id");
  }

  @Test
  @DisplayName("in admin API bodies")
  void inAdminApiBodies() {
    HttpResponse<String> token = api.send("POST", "/api/v1/tokens", GatewayFixture.ACME_TOKEN,
        "{\"label\": \"a\\u0000b\"}");
    assertThat(token.statusCode()).as(token.body()).isEqualTo(400);
    assertThat(fixture.count("SELECT count(*) FROM api_tokens WHERE label LIKE 'a%b'")).isZero();
  }
}

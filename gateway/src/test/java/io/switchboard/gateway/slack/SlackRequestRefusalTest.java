package io.switchboard.gateway.slack;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way a slash command can be refused before it acts: the right status and problem code, no
 * job, no audit record, and the refusal counted. One gateway serves the whole class.
 */
@DisplayName("POST /slack/commands refuses bad requests")
class SlackRequestRefusalTest {

  private static GatewayFixture fixture;

  @BeforeAll
  static void start() {
    fixture = new GatewayFixture();
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @AfterEach
  void nothingWasWritten() {
    assertThat(fixture.jobCount()).as("jobs").isZero();
    assertThat(fixture.count("SELECT count(*) FROM audit_events")).as("audit records").isZero();
  }

  @Test
  void aBadSignatureIs401() {
    assertRefused(fixture.acmeCommand("echo hi").signature("v0=" + "ab".repeat(32)), 401, "bad_signature");
  }

  @Test
  void aSignatureOfAnotherVersionIs401() {
    var command = fixture.acmeCommand("echo hi");
    assertRefused(command.signature(command.signatureHeader().replace("v0=", "v1=")), 401, "bad_signature");
  }

  @Test
  void aBodyChangedAfterSigningIs401() {
    var command = fixture.acmeCommand("echo hi");
    String signature = command.signatureHeader();
    assertRefused(command.field("text", "echo tampered").signature(signature), 401, "bad_signature");
  }

  @Test
  void anotherTenantsSecretIs401() {
    assertRefused(fixture.acmeCommand("echo hi").signedWith(GatewayFixture.GLOBEX_SECRET), 401, "bad_signature");
  }

  @Test
  void aMissingSignatureIs401() {
    assertRefused(fixture.acmeCommand("echo hi").withoutSignature(), 401, "missing_signature");
  }

  @Test
  void aMissingTimestampIs401() {
    assertRefused(fixture.acmeCommand("echo hi").withoutTimestamp(), 401, "missing_signature");
  }

  @Test
  void aStaleTimestampIs401() {
    assertRefused(fixture.acmeCommand("echo hi").at(Instant.now().minus(Duration.ofMinutes(6))), 401, "stale_request");
  }

  @Test
  void aTimestampFromTheFutureIs401() {
    assertRefused(fixture.acmeCommand("echo hi").at(Instant.now().plus(Duration.ofMinutes(6))), 401, "stale_request");
  }

  @Test
  void anUnknownTeamIs401() {
    var command = SignedSlashCommand.of("any-secret", "T0NOBODY", "echo hi", fixture.slack().responseUrl("x"));
    assertRefused(command, 401, "unknown_workspace");
  }

  @Test
  void aBodyWithoutTeamIs401() {
    assertRefused(fixture.acmeCommand("echo hi").field("team_id", null), 401, "unknown_workspace");
  }

  @Test
  void anOversizedBodyIs413() {
    String big = "echo " + "x".repeat(SlashCommandHandler.MAX_BODY_BYTES);
    assertRefused(fixture.acmeCommand(big), 413, "payload_too_large");
  }

  @Test
  void anOversizedChunkedBodyIs413() {
    String big = "echo " + "x".repeat(SlashCommandHandler.MAX_BODY_BYTES);
    HttpResponse<String> response = fixture.acmeCommand(big).postChunked(fixture.baseUrl());
    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void aSignedBodyWithABadEscapeIs400() {
    assertRefused(fixture.acmeCommand("echo hi").rawBody("team_id=T0ACME&user_id=U1&text=%zz"), 400, "malformed_request");
  }

  @Test
  void aSignedBodyWithRepeatedFieldsIs400() {
    var command = fixture.acmeCommand("echo hi");
    assertRefused(command.rawBody(command.body() + "&text=echo+again"), 400, "malformed_request");
  }

  @Test
  void aSignedBodyWithoutUserIs400() {
    assertRefused(fixture.acmeCommand("echo hi").field("user_id", null), 400, "malformed_request");
  }

  @Test
  void aSignedBodyOfAnotherTypeIs415() {
    assertRefused(fixture.acmeCommand("echo hi").contentType("application/json"), 415, "unsupported_media_type");
  }

  @Test
  void aResponseUrlOutsideSlackIs400() {
    assertRefused(fixture.acmeCommand("echo hi").field("response_url", "http://169.254.169.254/latest"),
        400, "invalid_response_url");
  }

  private static void assertRefused(SignedSlashCommand command, int status, String code) {
    double before = fixture.metric("switchboard.commands.refused", "reason", code);
    HttpResponse<String> response = command.post(fixture.baseUrl());
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(new JsonObject(response.body()).getString("code")).isEqualTo(code);
    assertThat(fixture.metric("switchboard.commands.refused", "reason", code)).isEqualTo(before + 1);
  }
}

package io.switchboard.gateway.slack;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class SlackSignatureTest {

  /** The worked example from Slack's "Verifying requests from Slack" documentation. */
  private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final String TIMESTAMP = "1531420618";
  private static final byte[] BODY = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
      + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
      + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J"
      + "%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
      .getBytes(StandardCharsets.UTF_8);
  private static final String SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

  @Test
  void matchesSlacksDocumentedExample() {
    assertThat(SlackSignature.sign(SECRET, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
    assertThat(SlackSignature.matches(SECRET, TIMESTAMP, BODY, SIGNATURE)).isTrue();
  }

  @Test
  void refusesAnyChange() {
    assertThat(SlackSignature.matches("other-secret", TIMESTAMP, BODY, SIGNATURE)).isFalse();
    assertThat(SlackSignature.matches(SECRET, "1531420619", BODY, SIGNATURE)).isFalse();
    assertThat(SlackSignature.matches(SECRET, TIMESTAMP, "x".getBytes(StandardCharsets.UTF_8), SIGNATURE)).isFalse();
    assertThat(SlackSignature.matches(SECRET, TIMESTAMP, BODY, SIGNATURE.toUpperCase())).isFalse();
    assertThat(SlackSignature.matches(SECRET, TIMESTAMP, BODY, "")).isFalse();
  }

  @Test
  void freshMeansWithinFiveMinutesEitherWay() {
    Instant now = Instant.ofEpochSecond(1_700_000_000L);
    assertThat(SlackSignature.isFresh("1700000000", now)).isTrue();
    assertThat(SlackSignature.isFresh("1699999700", now)).isTrue();
    assertThat(SlackSignature.isFresh("1699999699", now)).isFalse();
    assertThat(SlackSignature.isFresh("1700000301", now)).isFalse();
    assertThat(SlackSignature.isFresh("soon", now)).isFalse();
    assertThat(SlackSignature.isFresh("", now)).isFalse();
  }
}

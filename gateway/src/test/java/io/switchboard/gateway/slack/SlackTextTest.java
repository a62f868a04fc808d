package io.switchboard.gateway.slack;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class SlackTextTest {

  @Test
  void timesAreReadableToTheSecondInUtc() {
    assertThat(SlackText.time(Instant.parse("2024-12-03T14:03:22.123456Z"))).isEqualTo("3 Dec 2024, 14:03:22 UTC");
  }
}

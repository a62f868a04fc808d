package io.switchboard.gateway.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ETagsTest {

  @Test
  void versionsRoundTrip() {
    assertThat(ETags.of(7)).isEqualTo("\"7\"");
    assertThat(ETags.version(ETags.of(7))).isEqualTo(7);
    assertThat(ETags.version(" \"0\" ")).isZero();
  }

  @Test
  void anythingButAStrongVersionTagMatchesNoVersion() {
    for (String tag : new String[] {"7", "W/\"7\"", "\"\"", "\"", "*", "\"-1\"", "\"x\"", "\"7\", \"8\"",
        "\"99999999999999999999\""}) {
      assertThat(ETags.version(tag)).as(tag).isEqualTo(-1);
    }
  }
}

package io.switchboard.core.log;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Each token shape is caught wherever it sits on a line and whatever the case of its keyword. */
class LogRedactionTest {

  @ParameterizedTest
  @ValueSource(strings = {"xoxb-1234567890-abcdef", "xoxp-9999999999-zzzzzz", "xapp-1-A0123-456789",
      "sbt_acme_secret_token", "hvs.CAESIabcdefghijk", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig-part"})
  void tokenShapes(String token) {
    for (String line : new String[] {token, "at the start: " + token, token + " at the end", "in (" + token + ")"}) {
      assertThat(LogRedaction.redact(line)).as(line).doesNotContain(token).contains(LogRedaction.MARKER);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer", "bearer", "BEARER", "bEaReR", "Basic", "BASIC", "basic"})
  void credentialsWhateverTheCase(String scheme) {
    String line = "Authorization: " + scheme + " abc.def-ghi_jkl123456";
    String redacted = LogRedaction.redact(line);
    assertThat(redacted).doesNotContain("abc.def-ghi_jkl123456").contains(LogRedaction.MARKER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Command queued as job 12 (action echo)", "xox is not a token", "sbt_ short",
      "a bearer of news", "eyJ alone", ""})
  void ordinaryTextIsLeftAlone(String line) {
    assertThat(LogRedaction.redact(line)).isEqualTo(line);
  }
}

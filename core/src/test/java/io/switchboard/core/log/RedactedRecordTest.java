package io.switchboard.core.log;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedactedRecordTest {

  private record Login(String user, String password, Optional<String> otp, Optional<String> recovery, int attempts) {
  }

  @Test
  void printsEveryComponentWithTheSecretOnesRedacted() {
    Login login = new Login("ada", "hunter2-password", Optional.of("123456"), Optional.empty(), 3);

    assertThat(RedactedRecord.toString(login, "password", "otp", "recovery"))
        .isEqualTo("Login[user=ada, password=[redacted], otp=Optional[[redacted]], recovery=Optional.empty, attempts=3]");
  }

  @Test
  void withNoSecretsNamedItPrintsAsTheGeneratedToString() {
    Login login = new Login("ada", "pw", Optional.empty(), Optional.empty(), 0);

    assertThat(RedactedRecord.toString(login)).isEqualTo(login.toString());
  }

  @Test
  void aSecretTheRecordDoesNotHaveIsAnError() {
    Login login = new Login("ada", "pw", Optional.empty(), Optional.empty(), 0);

    assertThatThrownBy(() -> RedactedRecord.toString(login, "passwd"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Login has no component passwd");
  }
}

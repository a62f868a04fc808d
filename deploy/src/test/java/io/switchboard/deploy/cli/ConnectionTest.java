package io.switchboard.deploy.cli;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's resolved connection prints where its token came from, never the token. */
class ConnectionTest {

  @Test
  void printsTheTokensSourceNotTheToken() {
    ConnectionOptions.Connection connection = new ConnectionOptions.Connection(URI.create("https://sb.example"),
        "--url", "sbt_cli-token-value", "SWITCHBOARD_TOKEN");

    assertThat(connection.toString()).doesNotContain("sbt_cli-token-value")
        .contains("token=[redacted]", "tokenSource=SWITCHBOARD_TOKEN", "https://sb.example");
  }
}

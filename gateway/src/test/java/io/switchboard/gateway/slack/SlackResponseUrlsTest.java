package io.switchboard.gateway.slack;

import io.switchboard.core.error.SwitchboardException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("response_url: only Slack's, compared as a server reads it")
class SlackResponseUrlsTest {

  private final SlackResponseUrls urls = new SlackResponseUrls(List.of("https://hooks.slack.com/"));

  @Test
  @DisplayName("Slack's response URLs pass")
  void slacksPass() {
    assertThatCode(() -> urls.check("https://hooks.slack.com/commands/T0ACME/1234/abcdEFGH")).doesNotThrowAnyException();
    assertThatCode(() -> urls.check("https://hooks.slack.com/actions/T0ACME/1234/abcd?x=1")).doesNotThrowAnyException();
  }

  @Test
  @DisplayName("a URL that starts like Slack's but reaches elsewhere is refused")
  void disguisedUrlsAreRefused() {
    for (String url : List.of(
        "https://hooks.slack.com/commands/%2e%2e/%2E%2E/services/evil",
        "https://hooks.slack.com/commands/../../services/evil",
        "https://hooks.slack.com/./commands/x",
        "https://hooks.slack.com/commands%2fx",
        "https://hooks.slack.com/commands/%5c..%5cx",
        "https://hooks.slack.com/commands/x#fragment",
        "https://hooks.slack.com.evil.example/commands/x",
        "https://evil.example/https://hooks.slack.com/",
        "ftp://hooks.slack.com/commands/x",
        "https://hooks.slack.com/commands/x y")) {
      assertThatThrownBy(() -> urls.check(url)).as(url).isInstanceOf(SwitchboardException.class)
          .hasMessageContaining("response_url");
    }
  }

  @Test
  @DisplayName("user info before the host is refused even when the text starts with the prefix")
  void userInfoIsRefused() {
    SlackResponseUrls lenient = new SlackResponseUrls(List.of("https://hooks.slack.com"));
    assertThatThrownBy(() -> lenient.check("https://hooks.slack.com@evil.example/x"))
        .isInstanceOf(SwitchboardException.class);
  }
}

package io.switchboard.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublicUrlTest {

  @Test
  void unsetOrBlankIsEmpty() {
    assertThat(PublicUrl.fromEnv(new Environment(Map.of()))).isEmpty();
    assertThat(PublicUrl.fromEnv(new Environment(Map.of(PublicUrl.VARIABLE, "  ")))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
      "https://chatops.example.com,            https://chatops.example.com",
      "https://chatops.example.com/,           https://chatops.example.com",
      "HTTPS://ChatOps.Example.com:8443//,     https://chatops.example.com:8443",
      "https://example.com/switchboard/,       https://example.com/switchboard",
      "http://localhost:8080,                  http://localhost:8080",
      "http://127.0.0.1:8080/,                 http://127.0.0.1:8080",
      "http://[::1]:8080,                      http://[::1]:8080"})
  void keepsSchemeHostPortAndPathWithoutTheTrailingSlash(String given, String base) {
    PublicUrl url = PublicUrl.fromEnv(new Environment(Map.of(PublicUrl.VARIABLE, given))).orElseThrow();
    assertThat(url.base()).isEqualTo(base);
    assertThat(url.resolve("/slack/events")).isEqualTo(base + "/slack/events");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "chatops.example.com                   | absolute",
      "/switchboard                          | absolute",
      "https:chatops.example.com             | absolute",
      "ftp://chatops.example.com             | scheme must be https",
      "http://chatops.example.com            | http only for localhost",
      "http://10.0.0.5:8080                  | http only for localhost",
      "https://bot:pw@chatops.example.com    | user name or password",
      "https://chatops.example.com/?x=1      | query",
      "https://chatops.example.com/#top      | fragment",
      "https://chatops.example.com:70000     | port",
      "https://chat ops.example.com          | not a URL"})
  void refusesWhatIsNotAnAbsoluteHttpsUrlNamingTheVariable(String given, String why) {
    assertThatThrownBy(() -> PublicUrl.parse(given))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("SWITCHBOARD_PUBLIC_URL must be")
        .hasMessageContaining(why)
        .hasMessageContaining("(got '" + given + "')");
  }

  @Test
  void aRoutePathStartsWithASlash() {
    assertThatThrownBy(() -> PublicUrl.parse("https://chatops.example.com").resolve("slack/events"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package io.switchboard.gateway.slack;

import io.switchboard.core.config.PublicUrl;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("GET /slack/manifest: a Slack app manifest for this deployment")
class SlackManifestTest {

  static final String PUBLIC_URL = "https://chatops.example.com";
  static final String SCOPES = "commands,chat:write,app_mentions:read,im:history,usergroups:read";
  static final String OTHER_REDIRECT = "https://auth.chatops.example.com/slack/oauth/callback";

  private static GatewayFixture configured;
  private static GatewayFixture unconfigured;

  @BeforeAll
  static void start() {
    configured = new GatewayFixture(Map.of("SWITCHBOARD_PUBLIC_URL", PUBLIC_URL + "/",
        "SWITCHBOARD_SLACK_SCOPES", SCOPES, "SWITCHBOARD_SLACK_SIGNING_SECRET", "shared-signing-secret",
        "SWITCHBOARD_SLACK_REDIRECT_URI", OTHER_REDIRECT));
    unconfigured = new GatewayFixture();
  }

  @AfterAll
  static void stop() {
    configured.close();
    unconfigured.close();
  }

  @Test
  @DisplayName("every request URL is the public URL plus a route this gateway serves, with the right method")
  void urlsArePublicUrlPlusMountedRoutes() {
    JsonObject manifest = manifest(configured);
    JsonObject command = manifest.getJsonObject("features").getJsonArray("slash_commands").getJsonObject(0);
    JsonObject settings = manifest.getJsonObject("settings");
    List<Map.Entry<String, String>> urls = List.of(
        Map.entry("POST", command.getString("url")),
        Map.entry("POST", settings.getJsonObject("event_subscriptions").getString("request_url")),
        Map.entry("POST", settings.getJsonObject("interactivity").getString("request_url")),
        Map.entry("GET", manifest.getJsonObject("oauth_config").getJsonArray("redirect_urls").getString(0)));

    assertThat(command.getString("command")).isEqualTo("/ops");
    assertThat(urls.stream().map(Map.Entry::getValue)).containsExactly(PUBLIC_URL + "/slack/commands",
        PUBLIC_URL + "/slack/events", PUBLIC_URL + "/slack/interactions", PUBLIC_URL + "/slack/oauth/callback");
    assertThat(status("GET", configured.baseUrl() + "/slack/not-a-route"))
        .as("a path the gateway does not serve is a 404 here").isEqualTo(404);
    assertThat(status("POST", configured.baseUrl() + "/slack/oauth/callback"))
        .as("a served path with another method is a 405 here").isEqualTo(405);
    for (Map.Entry<String, String> url : urls) {
      assertThat(status(url.getKey(), configured.baseUrl() + url.getValue().substring(PUBLIC_URL.length())))
          .as(url.getKey() + " " + url.getValue()).isNotIn(404, 405);
    }
    assertThat(manifest.getJsonObject("oauth_config").getJsonArray("redirect_urls").getList())
        .as("the configured redirect URI, which the gateway sends to Slack, is registered too")
        .containsExactly(PUBLIC_URL + "/slack/oauth/callback", OTHER_REDIRECT);
    assertThat(settings.getJsonObject("interactivity").getBoolean("is_enabled")).isTrue();
    assertThat(settings.getBoolean("socket_mode_enabled")).isFalse();
    assertThat(settings.getBoolean("token_rotation_enabled")).isFalse();
  }

  @Test
  @DisplayName("the bot scopes are the configured ones, and the events are those the gateway handles")
  void scopesAndEvents() {
    JsonObject manifest = manifest(configured);
    assertThat(manifest.getJsonObject("oauth_config").getJsonObject("scopes").getJsonArray("bot").getList())
        .containsExactly((Object[]) SCOPES.split(","));
    assertThat(manifest.getJsonObject("settings").getJsonObject("event_subscriptions").getJsonArray("bot_events")
        .getList()).containsExactly("app_mention", "message.im", "app_uninstalled", "tokens_revoked");
    assertThat(manifest.getJsonObject("features").getJsonObject("app_home").getBoolean("messages_tab_enabled"))
        .isTrue();
    assertThat(manifest.getJsonObject("features").getJsonObject("bot_user").getString("display_name"))
        .isEqualTo("Switchboard");
  }

  @Test
  @DisplayName("the request's Host header changes nothing, and no secret is in the manifest")
  void hostHeaderIsIgnoredAndNoSecretIsShown() {
    RawResponse response = getWithHost(configured, "evil.example");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.head()).containsIgnoringCase("content-type: application/json\r\n");
    assertThat(new JsonObject(response.body())).isEqualTo(manifest(configured));
    assertThat(response.body()).doesNotContain("evil.example").doesNotContain("127.0.0.1")
        .doesNotContain("shared-signing-secret").doesNotContain("fixture-client-secret")
        .doesNotContain("fixture.client");
  }

  @Test
  @DisplayName("without SWITCHBOARD_PUBLIC_URL it is a 503 problem that says to set it, whatever the Host")
  void withoutPublicUrl() {
    RawResponse response = getWithHost(unconfigured, "chatops.example.com");
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.head()).containsIgnoringCase("content-type: application/problem+json\r\n");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getString("code")).isEqualTo("not_configured");
    assertThat(problem.getString("detail")).contains("set SWITCHBOARD_PUBLIC_URL");
    assertThat(response.body()).doesNotContain("chatops.example.com/slack");
  }

  @Test
  @DisplayName("events and the slash command that need a scope are left out without it")
  void eventsFollowTheScopes() {
    SlackApp app = new SlackApp(SlackSettings.DEFAULT_API_URL, SlackSettings.DEFAULT_AUTHORIZE_URL, Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), List.of("chat:write"));
    JsonObject manifest = SlackManifest.of(PublicUrl.parse("https://example.com/switchboard/"), app);
    assertThat(manifest.getJsonObject("settings").getJsonObject("event_subscriptions").getJsonArray("bot_events")
        .getList()).containsExactly("app_uninstalled", "tokens_revoked");
    assertThat(manifest.getJsonObject("features").containsKey("slash_commands")).isFalse();
    assertThat(manifest.getJsonObject("features").getJsonObject("app_home").getBoolean("messages_tab_enabled"))
        .isFalse();
    assertThat(manifest.getJsonObject("settings").getJsonObject("event_subscriptions").getString("request_url"))
        .as("a path of the public URL is kept").isEqualTo("https://example.com/switchboard/slack/events");
    assertThat(manifest.getJsonObject("oauth_config").getJsonArray("redirect_urls"))
        .isEqualTo(new JsonArray().add("https://example.com/switchboard/slack/oauth/callback"));
  }

  private static JsonObject manifest(GatewayFixture fixture) {
    HttpResponse<String> response = Http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + "/slack/manifest"))
        .GET().build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return new JsonObject(response.body());
  }

  /** A response read off the socket: the status, the head (status line and headers) and the body. */
  record RawResponse(int status, String head, String body) {
  }

  /**
   * {@code GET /slack/manifest} with the given {@code Host} (and {@code X-Forwarded-Host}), which the JDK's
   * client does not let a caller choose, so written on a socket.
   */
  private static RawResponse getWithHost(GatewayFixture fixture, String host) {
    URI base = URI.create(fixture.baseUrl());
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /slack/manifest HTTP/1.1\r\nHost: " + host + "\r\nX-Forwarded-Host: "
          + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      return new RawResponse(Integer.parseInt(text.substring(9, 12)), text.substring(0, end + 2),
          text.substring(end + 4));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int status(String method, String url) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    request = method.equals("GET") ? request.GET() : request.POST(HttpRequest.BodyPublishers.ofString(""));
    return Http.send(request.build()).statusCode();
  }
}

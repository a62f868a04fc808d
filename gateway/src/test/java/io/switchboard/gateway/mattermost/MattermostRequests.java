package io.switchboard.gateway.mattermost;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** What a Mattermost server sends Switchboard (slash commands, button clicks), and the admin API's installation call. */
public final class MattermostRequests {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private MattermostRequests() {
  }

  /** A slash command's form fields as Mattermost sends them, with a fresh {@code trigger_id}. */
  public static Map<String, String> command(String token, String teamId, String channelId, String userId, String text) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("channel_id", channelId);
    form.put("channel_name", "town-square");
    form.put("command", "/ops");
    form.put("response_url", "http://127.0.0.1:9/hooks/commands/x");
    form.put("team_domain", "team");
    form.put("team_id", teamId);
    form.put("text", text);
    form.put("token", token);
    form.put("trigger_id", UUID.randomUUID().toString().replace("-", ""));
    form.put("user_id", userId);
    form.put("user_name", "user-" + userId);
    return form;
  }

  public static String encode(Map<String, String> form) {
    return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
  }

  public static HttpResponse<String> postCommand(String baseUrl, Map<String, String> form) {
    return post(baseUrl + "/mattermost/commands", encode(form), "application/x-www-form-urlencoded");
  }

  /** A button click as the server sends it: who clicked where, and the button's context. */
  public static JsonObject click(String teamId, String channelId, String userId, String postId, JsonObject context) {
    return new JsonObject().put("user_id", userId).put("user_name", "user-" + userId).put("channel_id", channelId)
        .put("channel_name", "town-square").put("team_id", teamId).put("team_domain", "team").put("post_id", postId)
        .put("trigger_id", UUID.randomUUID().toString().replace("-", "")).put("type", "").put("data_source", "")
        .put("context", context);
  }

  public static HttpResponse<String> postClick(String baseUrl, JsonObject click) {
    return post(baseUrl + "/mattermost/actions", click.encode(), "application/json");
  }

  public static HttpResponse<String> post(String url, String body, String contentType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request);
  }

  /** {@code POST /api/v1/installations} as a tenant admin. */
  public static HttpResponse<String> install(String baseUrl, String apiToken, JsonObject body) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/installations"))
        .header("Authorization", "Bearer " + apiToken).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  public static HttpResponse<String> send(String method, String url, String apiToken) {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + apiToken)
        .method(method, HttpRequest.BodyPublishers.noBody()));
  }

  public static HttpResponse<String> get(String url, String apiToken) {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + apiToken).GET());
  }

  public static JsonObject installation(String teamId, String serverUrl, String commandToken, String botToken) {
    return new JsonObject().put("platform", "mattermost").put("workspaceId", teamId).put("serverUrl", serverUrl)
        .put("commandToken", commandToken).put("botToken", botToken);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.switchboard.gateway.notify;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Sends notifications to a gateway over real HTTP, as a monitoring system would. */
final class NotificationClient {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String baseUrl;

  NotificationClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** A notification for acme's Slack workspace T0ACME. */
  static JsonObject notification(String key, String channel, String title) {
    return new JsonObject().put("key", key)
        .put("channel", new JsonObject().put("platform", "slack").put("workspace", "T0ACME").put("channel", channel))
        .put("title", title).put("severity", "critical");
  }

  HttpResponse<String> post(String path, String token, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request);
  }

  HttpResponse<String> get(String path, String token) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + token));
  }

  /** Posts {@code notification} with {@code token}; answers the 202's receipt or fails the test. */
  JsonObject accepted(String token, JsonObject notification) {
    HttpResponse<String> response = post("/api/v1/notifications", token, notification.encode());
    if (response.statusCode() != 202) {
      throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}

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

  /** A notification for {@code workspace} of {@code platform}. */
  static JsonObject notification(String platform, String workspace, String key, String channel, String title) {
    JsonObject notification = notification(key, channel, title);
    notification.getJsonObject("channel").put("platform", platform).put("workspace", workspace);
    return notification;
  }

  /** Alertmanager's webhook payload (version 4) with one alert per fingerprint, all with {@code status}. */
  static JsonObject alertmanager(String status, String... fingerprints) {
    io.vertx.core.json.JsonArray alerts = new io.vertx.core.json.JsonArray();
    for (String fingerprint : fingerprints) {
      alerts.add(new JsonObject().put("status", status).put("fingerprint", fingerprint)
          .put("labels", new JsonObject().put("alertname", "DiskFull").put("severity", "critical")
              .put("instance", fingerprint))
          .put("annotations", new JsonObject().put("summary", "Disk almost full on " + fingerprint))
          .put("startsAt", "2026-12-02T09:59:00Z").put("endsAt", "0001-01-01T00:00:00Z"));
    }
    return new JsonObject().put("version", "4").put("receiver", "switchboard").put("status", status)
        .put("groupKey", "{}:{alertname=\"DiskFull\"}").put("commonLabels", new JsonObject().put("alertname", "DiskFull"))
        .put("alerts", alerts);
  }

  /** Posts an Alertmanager payload to the route with {@code query}; answers its receipts or fails the test. */
  io.vertx.core.json.JsonArray alertmanagerAccepted(String token, String query, JsonObject payload) {
    HttpResponse<String> response = post("/api/v1/notifications/alertmanager?" + query, token, payload.encode());
    if (response.statusCode() != 202) {
      throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body()).getJsonArray("notifications");
  }

  /** The platform's id of the message that shows notification {@code id} ({@code messageTs}), or null. */
  String messageOf(long id, String token) {
    return new JsonObject(get("/api/v1/notifications/" + id, token).body()).getString("messageTs");
  }

  /** Waits until the gateway's sweep has shown every stored notification. */
  static void awaitAllShown(io.switchboard.gateway.GatewayFixture fixture) {
    io.switchboard.testkit.Await.until("every notification is shown", () -> fixture.count(
        "SELECT count(*) FROM notifications WHERE owed OR claim IS NOT NULL") == 0);
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

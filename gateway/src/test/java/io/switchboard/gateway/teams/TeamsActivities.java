package io.switchboard.gateway.teams;

import io.switchboard.testkit.Http;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Activities as Teams sends them to {@code POST /api/messages}, and a way to post them with a token. */
public final class TeamsActivities {

  static final String BOT_ID = "28:" + BotFrameworkStandIn.APP_ID;

  private TeamsActivities() {
  }

  /** A channel message mentioning the bot: {@code <at>Switchboard</at> text}. */
  public static JsonObject mention(String serviceUrl, String teamsTenant, String conversation, String activityId,
                            String userAad, String text) {
    String mention = "<at>Switchboard</at>";
    return base("message", serviceUrl, teamsTenant, conversation, userAad).put("id", activityId)
        .put("text", mention + " " + text)
        .put("entities", new JsonArray().add(new JsonObject().put("type", "mention").put("text", mention)
            .put("mentioned", new JsonObject().put("id", BOT_ID).put("name", "Switchboard"))));
  }

  /** A click on an Adaptive Card button: a message with the button's data as {@code value}. */
  static JsonObject submit(String serviceUrl, String teamsTenant, String conversation, String activityId,
                           String userAad, String cardActivityId, JsonObject data) {
    return base("message", serviceUrl, teamsTenant, conversation, userAad).put("id", activityId)
        .put("replyToId", cardActivityId).put("value", data);
  }

  /** The bot added to (or removed from) a team. */
  public static JsonObject botMembership(String serviceUrl, String teamsTenant, String conversation, String userAad,
                                  boolean added) {
    return base("conversationUpdate", serviceUrl, teamsTenant, conversation, userAad).put("id", "f:" + System.nanoTime())
        .put(added ? "membersAdded" : "membersRemoved", new JsonArray().add(new JsonObject().put("id", BOT_ID)));
  }

  private static JsonObject base(String type, String serviceUrl, String teamsTenant, String conversation,
                                 String userAad) {
    return new JsonObject().put("type", type).put("channelId", "msteams").put("serviceUrl", serviceUrl)
        .put("timestamp", "2026-12-02T10:00:00.000Z")
        .put("from", new JsonObject().put("id", "29:" + userAad).put("aadObjectId", userAad).put("name", userAad))
        .put("recipient", new JsonObject().put("id", BOT_ID).put("name", "Switchboard"))
        .put("conversation", new JsonObject().put("id", conversation).put("conversationType", "channel")
            .put("tenantId", teamsTenant))
        .put("channelData", new JsonObject().put("tenant", new JsonObject().put("id", teamsTenant)));
  }

  /** Posts {@code body} to {@code /api/messages} with {@code Authorization: Bearer token} (none when null). */
  public static HttpResponse<String> post(String baseUrl, String token, String body, String contentType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/messages"))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return Http.send(request.build());
  }

  public static HttpResponse<String> post(String baseUrl, String token, JsonObject activity) {
    return post(baseUrl, token, activity.encode(), "application/json; charset=utf-8");
  }
}

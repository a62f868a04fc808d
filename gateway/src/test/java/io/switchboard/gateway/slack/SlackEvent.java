package io.switchboard.gateway.slack;

import io.switchboard.testkit.slack.SignedSlashCommand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Events API payloads as Slack documents them ({@code event_callback} envelopes and
 * {@code url_verification}), signed like any Slack request, for the {@code /slack/events} tests.
 */
public final class SlackEvent {

  private SlackEvent() {
  }

  public static JsonObject callback(String teamId, String eventId, JsonObject event) {
    return new JsonObject().put("token", "deprecated").put("team_id", teamId).put("api_app_id", "A0SWITCH")
        .put("type", "event_callback").put("event_id", eventId).put("event_time", 1_700_000_000)
        .put("authorizations", new JsonArray().add(new JsonObject().put("team_id", teamId)
            .put("user_id", "U0BOT").put("is_bot", true).put("is_enterprise_install", false)))
        .put("event", event);
  }

  public static JsonObject mention(String user, String channel, String ts, String text) {
    return new JsonObject().put("type", "app_mention").put("user", user).put("channel", channel).put("ts", ts)
        .put("event_ts", ts).put("text", "<@U0BOT> " + text);
  }

  static JsonObject directMessage(String user, String ts, String text) {
    return new JsonObject().put("type", "message").put("channel_type", "im").put("user", user).put("channel", "D0DM")
        .put("ts", ts).put("event_ts", ts).put("text", text);
  }

  /** The signed POST of {@code payload} to /slack/events with the given signing secret. */
  public static SignedSlashCommand signed(String secret, JsonObject payload) {
    return SignedSlashCommand.of(secret, "unused", "", "unused").rawBody(payload.encode())
        .contentType("application/json").to("/slack/events");
  }
}

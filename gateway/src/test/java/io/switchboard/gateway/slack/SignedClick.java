package io.switchboard.gateway.slack;

import io.switchboard.testkit.slack.SignedSlashCommand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A click on a button of a Switchboard message as Slack posts it to {@code /slack/interactions}: a
 * signed form with one field, {@code payload}, holding the {@code block_actions} JSON. One instance
 * is one click: posting it twice is Slack retrying the same delivery (same body, trigger_id and
 * action_ts).
 */
final class SignedClick {

  private SignedClick() {
  }

  /** A click by {@code user} of team {@code teamId} in {@code channel} on button {@code actionId} with {@code value}. */
  static SignedSlashCommand of(String secret, String teamId, String user, String channel, String actionId,
                               String value, String responseUrl) {
    JsonObject payload = new JsonObject()
        .put("type", "block_actions")
        .put("team", new JsonObject().put("id", teamId).put("domain", "example"))
        .put("user", new JsonObject().put("id", user).put("team_id", teamId))
        .put("channel", new JsonObject().put("id", channel))
        .put("api_app_id", "A0APP")
        .put("trigger_id", UUID.randomUUID().toString())
        .put("response_url", responseUrl)
        .put("container", new JsonObject().put("type", "message").put("channel_id", channel))
        .put("actions", new JsonArray().add(new JsonObject()
            .put("type", "button").put("action_id", actionId).put("block_id", "b1").put("value", value)
            .put("action_ts", System.currentTimeMillis() / 1000 + "." + System.nanoTime() % 1_000_000)));
    return payload(secret, teamId, payload);
  }

  /** Exactly this payload, signed. */
  static SignedSlashCommand payload(String secret, String teamId, JsonObject payload) {
    return SignedSlashCommand.of(secret, teamId, "", "unused")
        .rawBody("payload=" + URLEncoder.encode(payload.encode(), StandardCharsets.UTF_8))
        .to("/slack/interactions");
  }
}

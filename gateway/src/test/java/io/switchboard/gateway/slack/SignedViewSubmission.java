package io.switchboard.gateway.slack;

import io.switchboard.testkit.slack.SignedSlashCommand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/**
 * A submission of a modal as Slack posts it to {@code /slack/interactions}: a signed form whose
 * {@code payload} is the {@code view_submission} JSON, with the opened view and its
 * {@code state.values} filled in the way Slack fills them (every input block, {@code null} for an
 * empty text input or an unchosen select). Posting one instance twice is Slack retrying it.
 */
final class SignedViewSubmission {

  private SignedViewSubmission() {
  }

  /**
   * {@code user} of {@code teamId} submits {@code view} (as {@code views.open} answered it) with
   * {@code values} by block id (text for a text input or a select, comma-separated for a multi-select).
   */
  static SignedSlashCommand of(String secret, String teamId, String user, JsonObject view, Map<String, String> values) {
    return payload(secret, teamId, user, filled(view, values));
  }

  /** {@code view} with {@code state.values} as Slack fills them for {@code values} by block id. */
  static JsonObject filled(JsonObject view, Map<String, String> values) {
    JsonObject state = new JsonObject();
    for (Object entry : view.getJsonArray("blocks")) {
      JsonObject block = (JsonObject) entry;
      if (!"input".equals(block.getString("type"))) {
        continue;
      }
      JsonObject element = block.getJsonObject("element");
      String value = values.get(block.getString("block_id"));
      JsonObject input = new JsonObject().put("type", element.getString("type"));
      switch (element.getString("type")) {
        case "static_select" -> input.put("selected_option", value == null ? null : option(value));
        case "multi_static_select" -> input.put("selected_options", value == null ? new JsonArray()
            : new JsonArray(Arrays.stream(value.split(",")).map(SignedViewSubmission::option).toList()));
        default -> input.put("value", value);
      }
      state.put(block.getString("block_id"), new JsonObject().put(element.getString("action_id"), input));
    }
    return view.copy().put("state", new JsonObject().put("values", state));
  }

  /** A submission of exactly {@code view} (state included) by {@code user}. */
  static SignedSlashCommand payload(String secret, String teamId, String user, JsonObject view) {
    JsonObject payload = new JsonObject()
        .put("type", "view_submission")
        .put("team", new JsonObject().put("id", teamId).put("domain", "example"))
        .put("user", new JsonObject().put("id", user).put("username", user.toLowerCase()).put("team_id", teamId))
        .put("api_app_id", "A0APP")
        .put("trigger_id", UUID.randomUUID().toString())
        .put("view", view)
        .put("response_urls", new JsonArray())
        .put("is_enterprise_install", false);
    return SignedClick.payload(secret, teamId, payload);
  }

  private static JsonObject option(String value) {
    return new JsonObject().put("text", new JsonObject().put("type", "plain_text").put("text", value))
        .put("value", value);
  }
}

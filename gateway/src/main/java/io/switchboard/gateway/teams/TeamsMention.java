package io.switchboard.gateway.teams;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/**
 * The command text of a Teams message: the message text without the bot's mention. Teams writes a
 * mention as {@code <at>Name</at>} in the text and describes it in {@code entities} (type
 * {@code mention}, with the mentioned id and the exact text); the bot's mentions are removed by
 * their entity text, then any {@code <at>…</at>} left at the start, and the usual HTML entities of
 * Teams text are decoded.
 */
public final class TeamsMention {

  private static final Pattern LEADING_AT = Pattern.compile("^\\s*(<at>[^<]*</at>[\\s:,]*)+");

  private TeamsMention() {
  }

  /** {@code text} without the mentions of {@code botId}, trimmed. */
  public static String strip(String text, JsonArray entities, String botId) {
    String stripped = text;
    for (Object entity : entities) {
      if (entity instanceof JsonObject e && "mention".equals(e.getValue("type"))
          && e.getValue("mentioned") instanceof JsonObject mentioned && botId.equals(mentioned.getValue("id"))
          && e.getValue("text") instanceof String mentionText && !mentionText.isEmpty()) {
        stripped = stripped.replace(mentionText, " ");
      }
    }
    stripped = LEADING_AT.matcher(stripped).replaceFirst("");
    return stripped.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
        .replace("&amp;", "&").strip();
  }
}

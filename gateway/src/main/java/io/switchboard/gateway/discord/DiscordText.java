package io.switchboard.gateway.discord;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns the command pipeline's answers (Slack-shaped: mrkdwn {@code text}, or {@code blocks} with
 * section and context texts) into Discord message content: Slack's escapes undone, its emoji
 * short codes (which Discord does not expand in bot messages) made Unicode, its links made Markdown
 * links, cut to Discord's 2,000 characters, and no mention pings anyone.
 */
public final class DiscordText {

  /** Discord's limit for a message's content. */
  static final int MAX_CONTENT_CHARS = 2_000;

  /** {@code allowed_mentions} that lets no mention in a message notify anyone. */
  static final JsonObject NO_MENTIONS = new JsonObject().put("parse", new JsonArray());

  private static final Pattern LINK = Pattern.compile("<(https?://[^|>]+)\\|([^>]+)>");
  private static final Map<String, String> EMOJI = Map.of(
      ":white_check_mark:", "\u2705", ":x:", "\u274C", ":no_entry_sign:", "\uD83D\uDEAB",
      ":raised_hand:", "\u270B", ":hourglass:", "\u231B", ":hourglass_flowing_sand:", "\u23F3",
      ":warning:", "\u26A0\uFE0F", ":lock:", "\uD83D\uDD12");

  private DiscordText() {
  }

  /**
   * The Discord message for a pipeline answer; the buttons of its {@code actions} blocks become one
   * row of Discord buttons with custom id {@code <action_id>:<value>}.
   */
  public static JsonObject fromSlack(JsonObject slackMessage) {
    JsonObject message = message(plain(slackMessage));
    JsonArray buttons = buttons(slackMessage);
    if (!buttons.isEmpty()) {
      message.put("components", new JsonArray().add(new JsonObject().put("type", 1).put("components", buttons)));
    }
    return message;
  }

  /** A Discord message with {@code content} (cut to fit) that pings no one. */
  public static JsonObject message(String content) {
    String shown = content.length() <= MAX_CONTENT_CHARS ? content : content.substring(0, MAX_CONTENT_CHARS - 1) + "…";
    return new JsonObject().put("content", shown).put("embeds", new JsonArray()).put("components", new JsonArray())
        .put("allowed_mentions", NO_MENTIONS.copy());
  }

  /** Escapes Discord Markdown so that plain text shows as typed. */
  public static String escape(String text) {
    return text.replaceAll("([\\\\*_~`|>])", "\\\\$1");
  }

  private static JsonArray buttons(JsonObject slackMessage) {
    JsonArray buttons = new JsonArray();
    if (!(slackMessage.getValue("blocks") instanceof JsonArray blocks)) {
      return buttons;
    }
    for (Object block : blocks) {
      if (block instanceof JsonObject b && "actions".equals(b.getValue("type"))
          && b.getValue("elements") instanceof JsonArray elements) {
        for (Object element : elements) {
          if (element instanceof JsonObject button && "button".equals(button.getValue("type"))) {
            String label = button.getValue("text") instanceof JsonObject t ? String.valueOf(t.getValue("text")) : "?";
            buttons.add(new JsonObject().put("type", 2).put("label", label)
                .put("style", switch (String.valueOf(button.getValue("style"))) {
                  case "primary" -> 1;
                  case "danger" -> 4;
                  default -> 2;
                })
                .put("custom_id", button.getValue("action_id") + ":" + button.getValue("value")));
          }
        }
      }
    }
    return buttons;
  }

  static String plain(JsonObject slackMessage) {
    List<String> lines = new ArrayList<>();
    if (slackMessage.getValue("blocks") instanceof JsonArray blocks) {
      for (Object block : blocks) {
        if (block instanceof JsonObject b) {
          if (b.getValue("text") instanceof JsonObject text && text.getValue("text") instanceof String t) {
            lines.add(t);
          }
          if (b.getValue("elements") instanceof JsonArray elements && "context".equals(b.getString("type"))) {
            elements.forEach(e -> {
              if (e instanceof JsonObject element && element.getValue("text") instanceof String t) {
                lines.add(t);
              }
            });
          }
        }
      }
    }
    String text = lines.isEmpty() ? String.valueOf(slackMessage.getValue("text", "")) : String.join("\n", lines);
    for (Map.Entry<String, String> emoji : EMOJI.entrySet()) {
      text = text.replace(emoji.getKey(), emoji.getValue());
    }
    text = LINK.matcher(text).replaceAll("[$2]($1)");
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
  }
}

package io.switchboard.gateway.discord;

import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Renders a {@link ReplyMessage} as a Discord message: one embed (title with the outcome, colour by
 * status, the sections and the output in a code block as its description, the fields inline) and
 * the buttons as one action row whose custom ids are {@code <id>:<value>}. Mentions in the output
 * never ping anyone ({@code allowed_mentions} is empty).
 */
public final class DiscordEmbeds {

  /** Discord's limits: embed title 256, description 4,096; leave room for the fences and the note. */
  static final int MAX_TITLE_CHARS = 256;
  static final int MAX_OUTPUT_CHARS = 3_600;

  private DiscordEmbeds() {
  }

  public static JsonObject of(ReplyMessage message) {
    JsonObject embed = new JsonObject()
        .put("title", cut(message.status().symbol() + " " + message.title() + " " + message.status().wire()
            + " (" + message.reference() + ")", MAX_TITLE_CHARS))
        .put("color", colour(message.status()));
    StringBuilder description = new StringBuilder();
    message.sections().forEach(section -> description.append(DiscordText.escape(section)).append('\n'));
    message.output().ifPresent(output -> description.append("```\n")
        .append(output.cut(MAX_OUTPUT_CHARS).replace("```", "'''")).append("\n```"));
    if (!description.isEmpty()) {
      embed.put("description", description.toString().strip());
    }
    JsonArray fields = new JsonArray();
    message.fields().forEach(field -> fields.add(new JsonObject()
        .put("name", capitalised(field.label()))
        .put("value", field.kind() == ReplyMessage.Field.Kind.USER ? "<@" + field.value() + ">"
            : DiscordText.escape(field.value()))
        .put("inline", true)));
    if (!fields.isEmpty()) {
      embed.put("fields", fields);
    }
    JsonArray buttons = new JsonArray();
    message.buttons().forEach(button -> buttons.add(new JsonObject().put("type", 2)
        .put("style", switch (button.style()) {
          case PRIMARY -> 1;
          case DANGER -> 4;
          case DEFAULT -> 2;
        })
        .put("label", button.label()).put("custom_id", button.id() + ":" + button.value())));
    return new JsonObject()
        .put("content", "")
        .put("embeds", new JsonArray().add(embed))
        .put("components", buttons.isEmpty() ? new JsonArray()
            : new JsonArray().add(new JsonObject().put("type", 1).put("components", buttons)))
        .put("allowed_mentions", DiscordText.NO_MENTIONS.copy());
  }

  private static int colour(ReplyMessage.Status status) {
    return switch (status) {
      case SUCCEEDED -> 0x2EB67D;
      case CANCELLED -> 0x99AAB5;
      case RUNNING -> 0x5865F2;
      case FAILED -> 0xE01E5A;
    };
  }

  private static String capitalised(String label) {
    return label.isEmpty() ? label : Character.toUpperCase(label.charAt(0)) + label.substring(1);
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}

package io.switchboard.gateway.discord;

import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.message.ChatText;
import io.switchboard.gateway.message.Emoji;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders a {@link ChatMessage} as a Discord message: its paragraphs and context lines as
 * {@code content} (code in backticks, mentions as {@code <@id>}, symbols as Unicode, since Discord
 * does not expand short codes in bot messages), cut to Discord's 2,000 characters; its buttons as one
 * row of components with custom id {@code <button id>:<value>}; a job report as the job's embed
 * ({@link DiscordEmbeds}). No mention pings anyone.
 */
public final class DiscordText {

  /** Discord's limit for a message's content. */
  static final int MAX_CONTENT_CHARS = 2_000;

  /** {@code allowed_mentions} that lets no mention in a message notify anyone. */
  static final JsonObject NO_MENTIONS = new JsonObject().put("parse", new JsonArray());

  /** Discord's markdown: code in backticks (a backtick inside becomes an apostrophe), plain text as written. */
  private static final ChatText.Renderer MARKDOWN = ChatText.Renderer.of(text -> text,
      strong -> "**" + strong + "**", code -> "`" + code.replace("`", "'") + "`", userId -> "<@" + userId + ">",
      Emoji::unicode);

  private DiscordText() {
  }

  /** The Discord message for {@code message}. */
  public static JsonObject of(ChatMessage message) {
    Optional<ReplyMessage> job = message.jobReport();
    if (job.isPresent() && message.blocks().size() == 1) {
      return DiscordEmbeds.of(job.get());
    }
    JsonObject rendered = message(content(message));
    List<ReplyMessage.Button> buttons = message.buttons();
    if (!buttons.isEmpty()) {
      JsonArray row = new JsonArray();
      buttons.forEach(button -> row.add(new JsonObject().put("type", 2).put("label", button.label())
          .put("style", switch (button.style()) {
            case PRIMARY -> 1;
            case DANGER -> 4;
            case DEFAULT -> 2;
          })
          .put("custom_id", button.id() + ":" + button.value())));
      rendered.put("components", new JsonArray().add(new JsonObject().put("type", 1).put("components", row)));
    }
    return rendered;
  }

  /** The message's text as Discord content (uncut). */
  static String content(ChatMessage message) {
    return message.texts().stream().map(text -> text.render(MARKDOWN)).collect(Collectors.joining("\n"));
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
}

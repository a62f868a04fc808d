package io.switchboard.gateway.sandbox;

import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.message.ChatText;
import io.switchboard.gateway.message.Emoji;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders what Switchboard says into the sandbox's message JSON, which the page shows as text only
 * (never as HTML, so nothing in a command or its output can become markup). A message has
 * {@code from}, {@code text}, and for a job {@code title}, {@code status}, {@code reference},
 * {@code fields}, {@code sections}, {@code output}; {@code buttons} are approval votes
 * ({@code action}: {@code approve} or {@code deny}, {@code approval}: its id).
 */
public final class SandboxRendering {

  /** The name answers are shown under. */
  public static final String BOT = "switchboard";

  /** The longest output excerpt shown in the page; the whole of it is in the jobs API. */
  static final int MAX_OUTPUT_CHARS = 4_000;

  /** The page's text: shown as text, never as markup, so nothing needs escaping. */
  private static final ChatText.Renderer TEXT = ChatText.Renderer.of(text -> text, strong -> strong,
      code -> "`" + code + "`", userId -> "@" + userId, Emoji::unicode);

  private SandboxRendering() {
  }

  /** What the visitor typed, as {@code user}. */
  public static JsonObject typed(String user, String text) {
    return new JsonObject().put("from", user).put("text", text);
  }

  /** A plain answer of Switchboard's. */
  public static JsonObject said(String text) {
    return new JsonObject().put("from", BOT).put("text", text);
  }

  /** A job's message from the platform-neutral reply model (progress or result). */
  public static JsonObject of(ReplyMessage reply) {
    JsonArray fields = new JsonArray();
    reply.fields().forEach(field -> fields.add(new JsonObject().put("label", field.label())
        .put("value", field.kind() == ReplyMessage.Field.Kind.USER ? "@" + field.value() : field.value())));
    JsonObject message = said(reply.sentenceReference() + " " + reply.status().wire())
        .put("title", reply.title()).put("status", reply.status().wire()).put("reference", reply.reference())
        .put("fields", fields).put("sections", new JsonArray(new ArrayList<>(reply.sections())))
        .put("buttons", new JsonArray());
    reply.output().ifPresent(output -> message.put("output", output.cut(MAX_OUTPUT_CHARS)));
    return message;
  }

  /**
   * A {@link ChatMessage} as a sandbox message: its paragraphs and context lines as text (code in
   * backticks, users as {@code @name}, symbols as Unicode), a job report as the job's message, and its
   * approval buttons as vote buttons; other buttons are not offered in the sandbox.
   */
  public static JsonObject of(ChatMessage chat) {
    Optional<ReplyMessage> job = chat.jobReport();
    JsonObject message = job.isPresent() && chat.blocks().size() == 1 ? of(job.get())
        : said(chat.texts().stream().map(text -> text.render(TEXT)).collect(Collectors.joining("\n")))
            .put("buttons", votes(chat.buttons()));
    if (chat.isEphemeral()) {
      message.put("ephemeral", true);
    }
    return message;
  }

  private static JsonArray votes(List<ReplyMessage.Button> buttons) {
    JsonArray votes = new JsonArray();
    for (ReplyMessage.Button button : buttons) {
      String action = switch (button.id()) {
        case ApprovalMessages.APPROVE -> "approve";
        case ApprovalMessages.DENY -> "deny";
        default -> null;
      };
      if (action != null && button.value().matches("[0-9]{1,18}")) {
        votes.add(new JsonObject().put("action", action).put("label", button.label())
            .put("approval", Long.parseLong(button.value())));
      }
    }
    return votes;
  }
}

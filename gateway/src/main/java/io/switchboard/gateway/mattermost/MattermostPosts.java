package io.switchboard.gateway.mattermost;

import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * Renders a {@link ChatMessage} as a Mattermost post: its paragraphs and context lines as the
 * Markdown {@code message} ({@link MattermostText}), cut to Mattermost's 16,383 characters; its buttons
 * as the actions of one message attachment ({@link MattermostButtons}); a job report as one attachment
 * (a colour by status, the title with the outcome, the sections and the output in a code block as its
 * text, the fields short, the buttons as actions). The result has {@code message} and
 * {@code props.attachments}, as {@code POST /api/v4/posts} and {@code PUT /api/v4/posts/{id}/patch}
 * take them; {@link #commandResponse} and {@link #update} wrap it for a slash command's and a button
 * click's HTTP response.
 */
public final class MattermostPosts {

  /** Room for the code fences and the note under Mattermost's message limit. */
  static final int MAX_OUTPUT_CHARS = 12_000;

  private MattermostPosts() {
  }

  /** The post ({@code message} and {@code props}) for {@code message}. */
  public static JsonObject of(ChatMessage message, MattermostButtons buttons) {
    Optional<ReplyMessage> job = message.jobReport();
    if (job.isPresent() && message.blocks().size() == 1) {
      return of(job.get(), buttons);
    }
    JsonArray attachments = new JsonArray();
    JsonArray actions = buttons.actions(message.buttons());
    if (!actions.isEmpty()) {
      attachments.add(new JsonObject().put("fallback", "Buttons").put("actions", actions));
    }
    return post(MattermostText.of(message), attachments);
  }

  /** The post of a job report (progress or result). */
  public static JsonObject of(ReplyMessage message, MattermostButtons buttons) {
    StringBuilder text = new StringBuilder();
    message.sections().forEach(section -> text.append(MattermostText.escape(section)).append('\n'));
    message.output().ifPresent(output -> text.append("```\n")
        .append(MattermostText.noMentions(output.cut(MAX_OUTPUT_CHARS).replace("```", "'''"))).append("\n```"));
    String title = message.status().symbol() + " " + message.title() + " " + message.status().wire()
        + " (" + message.reference() + ")";
    JsonObject attachment = new JsonObject()
        .put("fallback", MattermostText.noMentions(title))
        .put("color", colour(message.status()))
        .put("title", MattermostText.noMentions(MattermostText.cut(title, 250)));
    if (!text.isEmpty()) {
      attachment.put("text", text.toString().strip());
    }
    JsonArray fields = new JsonArray();
    message.fields().forEach(field -> fields.add(new JsonObject()
        .put("title", capitalised(field.label()))
        .put("value", field.kind() == ReplyMessage.Field.Kind.USER ? "user " + MattermostText.code(field.value())
            : MattermostText.escape(field.value()))
        .put("short", true)));
    if (!fields.isEmpty()) {
      attachment.put("fields", fields);
    }
    JsonArray actions = buttons.actions(message.buttons());
    if (!actions.isEmpty()) {
      attachment.put("actions", actions);
    }
    return post("", new JsonArray().add(attachment));
  }

  /** A slash command's response: the post, shown to the user only or to the channel. */
  public static JsonObject commandResponse(JsonObject post, boolean ephemeral) {
    JsonObject response = new JsonObject().put("response_type", ephemeral ? "ephemeral" : "in_channel")
        .put("text", post.getString("message"));
    JsonArray attachments = post.getJsonObject("props").getJsonArray("attachments");
    if (!attachments.isEmpty()) {
      response.put("attachments", attachments);
    }
    return response;
  }

  /** A button click's response that replaces the clicked post with {@code post}. */
  public static JsonObject update(JsonObject post) {
    return new JsonObject().put("update", post);
  }

  /** A button click's response that tells only the user who clicked. */
  public static JsonObject ephemeral(ChatMessage message) {
    return new JsonObject().put("ephemeral_text", MattermostText.cut(MattermostText.of(message),
        MattermostText.MAX_MESSAGE_CHARS));
  }

  private static JsonObject post(String message, JsonArray attachments) {
    return new JsonObject().put("message", MattermostText.cut(message, MattermostText.MAX_MESSAGE_CHARS))
        .put("props", new JsonObject().put("attachments", attachments));
  }

  private static String colour(ReplyMessage.Status status) {
    return switch (status) {
      case SUCCEEDED -> "#2EB67D";
      case CANCELLED -> "#99AAB5";
      case RUNNING -> "#5865F2";
      case FAILED -> "#E01E5A";
    };
  }

  private static String capitalised(String label) {
    return label.isEmpty() ? label : Character.toUpperCase(label.charAt(0)) + label.substring(1);
  }
}

package io.switchboard.gateway.teams;

import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.message.ChatText;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.Plural;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

/**
 * Renders what Switchboard says in Teams as Bot Framework message activities: plain text answers,
 * and Adaptive Cards (version 1.4) for a job (queued; running and ended from the neutral
 * {@link ReplyMessage}, long output shown by its first lines with the whole folded behind a button),
 * and any {@link ChatMessage} with blocks or buttons, such as an approval (with
 * Approve and Deny {@code Action.Submit} buttons whose data names the approval; who clicked comes from
 * the signed activity, never from the card).
 */
public final class TeamsCards {

  /** The field of a submitted card's data that names the button: {@code approval.approve}, {@code job.cancel}, ... */
  static final String ACTION_FIELD = "switchboard";
  /** The field with what the button applies to (an approval's or a job's id). */
  static final String VALUE_FIELD = "value";
  /** Where cards of earlier releases put an approval's id (a number). */
  static final String APPROVAL_FIELD = "approvalId";

  static final int MAX_OUTPUT_CHARS = 4_000;
  /** The most of a long output a card carries folded; Teams refuses messages over about 28 KB. */
  static final int MAX_WHOLE_OUTPUT_CHARS = 16_000;

  private TeamsCards() {
  }

  /** A plain message (Teams markdown). */
  public static JsonObject text(String text) {
    return new JsonObject().put("type", "message").put("textFormat", "markdown").put("text", text);
  }

  /** A queued job's card, with the pipeline's acknowledgement and a Cancel button. */
  public static JsonObject queued(long jobId, String commandText, String acknowledgement) {
    return card("Job " + jobId + " queued", new JsonArray()
        .add(heading("⏳ " + commandText + " — queued (job " + jobId + ")"))
        .add(textBlock(acknowledgement, true)), actions(List.of(JobButtons.cancel(jobId))));
  }

  /**
   * A job's card rendered from the platform-neutral {@link ReplyMessage}: a heading with the status,
   * the command and the reference, the sections, the output in monospace, the fields as a fact set,
   * and the buttons as {@code Action.Submit} actions whose data names the button ({@value #ACTION_FIELD})
   * and what it applies to ({@value #VALUE_FIELD}).
   */
  public static JsonObject reply(ReplyMessage message) {
    JsonArray body = new JsonArray().add(heading(message.status().symbol() + " " + message.title() + " — "
        + message.status().wire() + " (" + message.reference() + ")"));
    message.sections().forEach(section -> body.add(textBlock(section, true)));
    message.output().ifPresent(output -> body.add(monospace((output.isLong() ? output.head() : output)
        .cut(MAX_OUTPUT_CHARS))));
    if (!message.fields().isEmpty()) {
      JsonArray facts = new JsonArray();
      message.fields().forEach(field -> facts.add(new JsonObject().put("title", field.label()).put("value", field.value())));
      body.add(new JsonObject().put("type", "FactSet").put("facts", facts));
    }
    String summary = message.sentenceReference() + " " + message.status().wire()
        + (message.sections().isEmpty() ? "" : ": " + message.sections().get(0));
    JsonArray actions = new JsonArray();
    message.output().filter(ReplyMessage.Excerpt::isLong).ifPresent(output -> actions.add(wholeOutput(output)));
    actions(message.buttons()).forEach(actions::add);
    return card(summary, body, actions);
  }

  /**
   * Long output behind an {@code Action.ShowCard}: a Teams bot cannot attach a file in a channel or
   * group chat without Microsoft Graph and SharePoint access, so the card carries the output itself,
   * folded, cut at {@link #MAX_WHOLE_OUTPUT_CHARS} to stay inside Teams' message size.
   */
  private static JsonObject wholeOutput(ReplyMessage.Excerpt output) {
    JsonObject folded = new JsonObject().put("type", "AdaptiveCard").put("version", "1.4")
        .put("body", new JsonArray().add(monospace(output.cut(MAX_WHOLE_OUTPUT_CHARS))));
    return new JsonObject().put("type", "Action.ShowCard")
        .put("title", "Whole output (" + Plural.of(output.lines(), "line") + ")").put("card", folded);
  }

  private static JsonObject monospace(String text) {
    return textBlock(text, true).put("fontType", "Monospace");
  }

  private static JsonArray actions(List<ReplyMessage.Button> buttons) {
    JsonArray actions = new JsonArray();
    buttons.forEach(button -> actions.add(new JsonObject().put("type", "Action.Submit")
        .put("title", button.label()).put("style", switch (button.style()) {
          case PRIMARY -> "positive";
          case DANGER -> "destructive";
          case DEFAULT -> "default";
        })
        .put("data", new JsonObject().put(ACTION_FIELD, button.id()).put(VALUE_FIELD, button.value()))));
    return actions;
  }

  /**
   * A {@link ChatMessage} in Teams: a job report as the job's card ({@link #reply}); a message of one
   * paragraph as text ({@link TeamsText}); anything else as a card whose first paragraph is the
   * heading, whose other paragraphs and context lines follow, and whose buttons are
   * {@code Action.Submit} actions with the button's id ({@value #ACTION_FIELD}) and value
   * ({@value #VALUE_FIELD}) as data.
   */
  public static JsonObject of(ChatMessage message) {
    Optional<ReplyMessage> job = message.jobReport();
    if (job.isPresent() && message.blocks().size() == 1) {
      return reply(job.get());
    }
    List<ChatText> texts = message.texts();
    if (message.buttons().isEmpty() && message.summary().isEmpty() && texts.size() == 1) {
      return text(TeamsText.markdown(texts.get(0)));
    }
    JsonArray body = new JsonArray();
    for (int i = 0; i < texts.size(); i++) {
      String text = TeamsText.card(texts.get(i));
      body.add(i == 0 ? heading(text) : textBlock(text, true));
    }
    String summary = message.summary().or(() -> texts.stream().findFirst()).map(TeamsText::card).orElse("");
    return card(summary, body, actions(message.buttons()));
  }

  private static JsonObject card(String summary, JsonArray body, JsonArray actions) {
    JsonObject card = new JsonObject().put("type", "AdaptiveCard")
        .put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json").put("version", "1.4")
        .put("body", body);
    if (!actions.isEmpty()) {
      card.put("actions", actions);
    }
    return new JsonObject().put("type", "message").put("summary", summary).put("attachments", new JsonArray()
        .add(new JsonObject().put("contentType", "application/vnd.microsoft.card.adaptive").put("content", card)));
  }

  private static JsonObject heading(String text) {
    return textBlock(text, true).put("weight", "Bolder");
  }

  private static JsonObject textBlock(String text, boolean wrap) {
    return new JsonObject().put("type", "TextBlock").put("text", text).put("wrap", wrap);
  }
}

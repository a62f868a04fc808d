package io.switchboard.gateway.teams;

import io.switchboard.gateway.approval.Approval;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Renders what Switchboard says in Teams as Bot Framework message activities: plain text answers,
 * and Adaptive Cards (version 1.4) for a job (queued; running and ended from the neutral
 * {@link ReplyMessage}) and for an approval (with Approve and Deny {@code Action.Submit} buttons whose
 * data names the approval; who clicked comes from the signed activity, never from the card).
 */
public final class TeamsCards {

  /** The {@code switchboard} field of a submitted card's data: which button it was. */
  public static final String APPROVE = "approval.approve";
  public static final String DENY = "approval.deny";
  static final String ACTION_FIELD = "switchboard";
  static final String APPROVAL_FIELD = "approvalId";
  static final String VALUE_FIELD = "value";

  static final int MAX_OUTPUT_CHARS = 4_000;
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private TeamsCards() {
  }

  /** A plain message (Teams markdown). */
  public static JsonObject text(String text) {
    return new JsonObject().put("type", "message").put("textFormat", "markdown").put("text", text);
  }

  /** A queued job's card, with the pipeline's acknowledgement. */
  public static JsonObject queued(long jobId, String commandText, String acknowledgement) {
    return card("Job " + jobId + " queued", new JsonArray()
        .add(heading("⏳ " + commandText + " — queued (job " + jobId + ")"))
        .add(textBlock(acknowledgement, true)), new JsonArray());
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
    message.output().ifPresent(output -> body.add(textBlock(output.cut(MAX_OUTPUT_CHARS), true)
        .put("fontType", "Monospace")));
    if (!message.fields().isEmpty()) {
      JsonArray facts = new JsonArray();
      message.fields().forEach(field -> facts.add(new JsonObject().put("title", field.label()).put("value", field.value())));
      body.add(new JsonObject().put("type", "FactSet").put("facts", facts));
    }
    JsonArray actions = new JsonArray();
    message.buttons().forEach(button -> actions.add(new JsonObject().put("type", "Action.Submit")
        .put("title", button.label()).put("style", switch (button.style()) {
          case PRIMARY -> "positive";
          case DANGER -> "destructive";
          case DEFAULT -> "default";
        })
        .put("data", new JsonObject().put(ACTION_FIELD, button.id()).put(VALUE_FIELD, button.value()))));
    String summary = message.sentenceReference() + " " + message.status().wire()
        + (message.sections().isEmpty() ? "" : ": " + message.sections().get(0));
    return card(summary, body, actions);
  }

  /** The card asking for approval, with Approve and Deny buttons. */
  public static JsonObject approvalPending(Approval approval, List<String> approvers) {
    String sofar = approvers.isEmpty() ? "" : " · approved so far by " + String.join(", ", approvers);
    JsonArray actions = new JsonArray()
        .add(submit("Approve", APPROVE, approval.id()))
        .add(submit("Deny", DENY, approval.id()));
    return card("Approval needed for " + approval.commandText(), new JsonArray()
        .add(heading(headline(approval)))
        .add(textBlock(approval.reason() + " · deadline " + WHEN.format(approval.deadline()) + sofar, true)), actions);
  }

  /** The card once the approval is decided: no buttons, the outcome and who decided. */
  public static JsonObject approvalDecided(Approval approval, List<String> approvers) {
    String outcome = switch (approval.status()) {
      case APPROVED -> "✅ Approved by " + String.join(", ", approvers) + "; queued as job "
          + approval.jobId().map(String::valueOf).orElse("?") + ". The result will be posted here.";
      case DENIED -> "🚫 " + (approval.decidedBy().map(approval.requester()::equals).orElse(false)
          ? "Withdrawn by the requester." : "Denied by " + approval.decidedBy().orElse("?") + ". Nothing ran.");
      case EXPIRED -> "⌛ Expired at " + WHEN.format(approval.deadline()) + " without enough approvals. Nothing ran.";
      case PENDING -> "Waiting for approval.";
    };
    return card(approval.status().wire() + ": " + approval.commandText(), new JsonArray()
        .add(heading(headline(approval))).add(textBlock(outcome, true)), new JsonArray());
  }

  private static String headline(Approval approval) {
    return "✋ " + approval.requester() + " asks to run " + approval.commandText() + " — needs "
        + approval.approvalsNeeded() + (approval.approvalsNeeded() == 1 ? " approval" : " approvals") + " from role "
        + approval.approverRole() + " (approval " + approval.id() + ")";
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

  private static JsonObject submit(String title, String action, long approvalId) {
    return new JsonObject().put("type", "Action.Submit").put("title", title)
        .put("data", new JsonObject().put(ACTION_FIELD, action).put(APPROVAL_FIELD, approvalId));
  }
}

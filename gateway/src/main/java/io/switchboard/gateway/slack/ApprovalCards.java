package io.switchboard.gateway.slack;

import io.switchboard.gateway.approval.Approval;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Block Kit message of an approval: posted in the channel when a command needs approval, with
 * Approve and Deny buttons, and replaced by its outcome once decided. The buttons carry only the
 * approval's id; who clicked comes from Slack's signed payload.
 */
public final class ApprovalCards {

  public static final String APPROVE = "approval.approve";
  public static final String DENY = "approval.deny";

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private ApprovalCards() {
  }

  /** The message asking for approval, with buttons. */
  public static JsonObject pending(Approval approval, List<String> approvers) {
    String progress = approvers.isEmpty() ? "" : " · approved so far by " + mentions(approvers);
    JsonArray blocks = new JsonArray()
        .add(section(headline(approval)))
        .add(context(SlackText.escape(approval.reason()) + " · deadline " + WHEN.format(approval.deadline()) + progress))
        .add(new JsonObject().put("type", "actions").put("block_id", "approval-" + approval.id()).put("elements",
            new JsonArray()
                .add(button("Approve", APPROVE, "primary", approval.id()))
                .add(button("Deny", DENY, "danger", approval.id()))));
    return new JsonObject().put("response_type", "in_channel")
        .put("text", "Approval needed for " + SlackText.escape(approval.commandText())).put("blocks", blocks);
  }

  /** The message once the approval is decided: no buttons, the outcome and who decided. */
  public static JsonObject decided(Approval approval, List<String> approvers) {
    String outcome = switch (approval.status()) {
      case APPROVED -> ":white_check_mark: Approved by " + mentions(approvers) + "; queued as job "
          + approval.jobId().map(String::valueOf).orElse("?") + ". The result will be posted here.";
      case DENIED -> ":no_entry_sign: " + (approval.decidedBy().map(approval.requester()::equals).orElse(false)
          ? "Withdrawn by the requester." : "Denied by " + approval.decidedBy().map(ApprovalCards::mention).orElse("?")
          + ". Nothing ran.");
      case EXPIRED -> ":hourglass: Expired at " + WHEN.format(approval.deadline()) + " without enough approvals. "
          + "Nothing ran.";
      case PENDING -> "Waiting for approval.";
    };
    JsonArray blocks = new JsonArray().add(section(headline(approval))).add(context(outcome));
    return new JsonObject().put("response_type", "in_channel").put("replace_original", true)
        .put("text", approval.status().wire() + ": " + SlackText.escape(approval.commandText())).put("blocks", blocks);
  }

  private static String headline(Approval approval) {
    return ":raised_hand: " + mention(approval.requester()) + " asks to run " + SlackText.code(approval.commandText())
        + " — needs " + approval.approvalsNeeded() + (approval.approvalsNeeded() == 1 ? " approval" : " approvals")
        + " from role " + SlackText.code(approval.approverRole()) + " (approval " + approval.id() + ")";
  }

  private static String mentions(List<String> users) {
    return users.stream().map(ApprovalCards::mention).collect(Collectors.joining(", "));
  }

  private static String mention(String user) {
    return "<@" + SlackText.escape(user) + ">";
  }

  private static JsonObject section(String mrkdwn) {
    return new JsonObject().put("type", "section")
        .put("text", new JsonObject().put("type", "mrkdwn").put("text", mrkdwn));
  }

  private static JsonObject context(String mrkdwn) {
    return new JsonObject().put("type", "context").put("elements", new JsonArray()
        .add(new JsonObject().put("type", "mrkdwn").put("text", mrkdwn)));
  }

  private static JsonObject button(String label, String actionId, String style, long approvalId) {
    return new JsonObject().put("type", "button").put("action_id", actionId).put("style", style)
        .put("value", Long.toString(approvalId))
        .put("text", new JsonObject().put("type", "plain_text").put("text", label));
  }
}

package io.switchboard.gateway.approval;

import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.message.ChatText;
import io.switchboard.gateway.message.Emoji;
import io.switchboard.gateway.reply.ReplyMessage;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The message of an approval, on every platform: posted in the channel when a command needs
 * approval, with Approve and Deny buttons, and replaced by its outcome once decided. The buttons
 * carry only the approval's id ({@link #APPROVE}, {@link #DENY}); who clicked comes from the
 * platform's signed request.
 */
public final class ApprovalMessages {

  public static final String APPROVE = "approval.approve";
  public static final String DENY = "approval.deny";

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private ApprovalMessages() {
  }

  /** The message asking for approval, with buttons; {@code approvers} have approved so far. */
  public static ChatMessage pending(Approval approval, List<String> approvers) {
    ChatText.Builder context = ChatText.builder()
        .plain(approval.reason() + " · deadline " + WHEN.format(approval.deadline()));
    if (!approvers.isEmpty()) {
      context.plain(" · approved so far by ").append(mentions(approvers));
    }
    return new ChatMessage(Optional.of(ChatText.of("Approval needed for " + approval.commandText())), List.of(
        new ChatMessage.Paragraph(headline(approval)), new ChatMessage.Context(context.build()),
        new ChatMessage.Buttons(Optional.of("approval-" + approval.id()), List.of(
            new ReplyMessage.Button(APPROVE, "Approve", ReplyMessage.Button.Style.PRIMARY, Long.toString(approval.id())),
            new ReplyMessage.Button(DENY, "Deny", ReplyMessage.Button.Style.DANGER, Long.toString(approval.id()))))),
        ChatMessage.Visibility.PUBLIC, ChatMessage.Placement.DEFAULT);
  }

  /** The message once the approval is decided: no buttons, the outcome and who decided. */
  public static ChatMessage decided(Approval approval, List<String> approvers) {
    return new ChatMessage(Optional.of(ChatText.of(approval.status().wire() + ": " + approval.commandText())),
        List.of(new ChatMessage.Paragraph(headline(approval)), new ChatMessage.Context(outcome(approval, approvers))),
        ChatMessage.Visibility.PUBLIC, ChatMessage.Placement.REPLACE);
  }

  /** What became of the approval, with who decided it. */
  public static ChatText outcome(Approval approval, List<String> approvers) {
    ChatText.Builder text = ChatText.builder();
    switch (approval.status()) {
      case APPROVED -> text.symbol(Emoji.CHECK).plain(" Approved by ").append(mentions(approvers))
          .plain("; queued as job " + approval.jobId().map(String::valueOf).orElse("?")
              + ". The result will be posted here.");
      case DENIED -> {
        text.symbol(Emoji.NO_ENTRY).plain(" ");
        if (approval.decidedBy().map(approval.requester()::equals).orElse(false)) {
          text.plain("Withdrawn by the requester.");
        } else {
          text.plain("Denied by ");
          approval.decidedBy().ifPresentOrElse(text::mention, () -> text.plain("?"));
          text.plain(". Nothing ran.");
        }
      }
      case EXPIRED -> text.symbol(Emoji.HOURGLASS).plain(" Expired at " + WHEN.format(approval.deadline())
          + " without enough approvals. Nothing ran.");
      case PENDING -> text.plain("Waiting for approval.");
    }
    return text.build();
  }

  /**
   * What a voter is told when their vote was not counted (already voted, their own request, not an
   * approver, no such approval); empty for a vote that counted, whose answer is the card itself.
   */
  public static Optional<ChatMessage> voteRefused(Approvals.VoteResult result, long approvalId) {
    return Optional.ofNullable(switch (result.outcome()) {
      case ALREADY_VOTED -> ChatMessage.ephemeral("You have already voted on approval " + approvalId + ".");
      case OWN_REQUEST -> ChatMessage.ephemeral(ChatText.builder()
          .plain("You cannot approve your own request; someone else with role ")
          .code(result.approval().approverRole()).plain(" has to.").build());
      case NOT_APPROVER -> ChatMessage.ephemeral(ChatText.builder().plain("Only holders of role ")
          .code(result.approval().approverRole())
          .plain(" can vote on approval " + approvalId + "; your vote was not counted.").build());
      case NOT_FOUND -> ChatMessage.ephemeral("There is no approval " + approvalId + " here.");
      case RECORDED, APPROVED, DENIED, EXPIRED, CLOSED -> null;
    });
  }

  /** The card for a vote that counted: still pending with who approved so far, or decided. */
  public static ChatMessage afterVote(Approvals.VoteResult result) {
    return result.outcome() == Approvals.Outcome.RECORDED
        ? pending(result.approval(), result.approvers()).placed(ChatMessage.Placement.REPLACE)
        : decided(result.approval(), result.approvers());
  }

  private static ChatText headline(Approval approval) {
    return ChatText.builder().symbol(Emoji.RAISED_HAND).plain(" ").mention(approval.requester())
        .plain(" asks to run ").code(approval.commandText())
        .plain(" — needs " + approval.approvalsNeeded() + (approval.approvalsNeeded() == 1 ? " approval" : " approvals")
            + " from role ").code(approval.approverRole()).plain(" (approval " + approval.id() + ")").build();
  }

  private static ChatText mentions(List<String> users) {
    ChatText.Builder text = ChatText.builder();
    for (int i = 0; i < users.size(); i++) {
      text.plain(i == 0 ? "" : ", ").mention(users.get(i));
    }
    return text.build();
  }
}

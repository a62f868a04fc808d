package io.switchboard.gateway.command;

import io.switchboard.gateway.approval.Approval;
import io.switchboard.gateway.message.ChatMessage;

import java.util.Optional;

/**
 * What the {@link CommandPipeline} answers a command with: the message (platform-neutral; each
 * platform renders it), the job it queued, if it queued one now, and the approval it is held for, if
 * it was held now (for platforms that render their own approval card).
 */
public record CommandAnswer(ChatMessage message, Optional<Long> queuedJob, Optional<Approval> heldForApproval) {

  public CommandAnswer(ChatMessage message, Optional<Long> queuedJob) {
    this(message, queuedJob, Optional.empty());
  }

  static CommandAnswer of(ChatMessage message) {
    return new CommandAnswer(message, Optional.empty());
  }

  /** Whether only the requesting user should see the message. */
  public boolean ephemeral() {
    return message.isEphemeral();
  }
}

package io.switchboard.gateway.command;

import io.switchboard.gateway.approval.Approval;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * What the {@link CommandPipeline} answers a command with: a Slack message (ephemeral when
 * {@code response_type} is {@code ephemeral}), the job it queued, if it queued one now, and the
 * approval it is held for, if it was held now (for platforms that render their own approval card).
 */
public record CommandAnswer(JsonObject message, Optional<Long> queuedJob, Optional<Approval> heldForApproval) {

  public CommandAnswer(JsonObject message, Optional<Long> queuedJob) {
    this(message, queuedJob, Optional.empty());
  }

  static CommandAnswer of(JsonObject message) {
    return new CommandAnswer(message, Optional.empty());
  }

  /** Whether only the requesting user should see the message. */
  public boolean ephemeral() {
    return "ephemeral".equals(message.getString("response_type"));
  }
}

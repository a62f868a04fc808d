package io.switchboard.gateway.slack;

import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * What the {@link SlackCommandPipeline} answers a command with: a Slack message (ephemeral when
 * {@code response_type} is {@code ephemeral}), and the job it queued, if it queued one now.
 */
public record CommandAnswer(JsonObject message, Optional<Long> queuedJob) {

  static CommandAnswer of(JsonObject message) {
    return new CommandAnswer(message, Optional.empty());
  }

  /** Whether only the requesting user should see the message. */
  public boolean ephemeral() {
    return "ephemeral".equals(message.getString("response_type"));
  }
}

package io.switchboard.gateway.command;

import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.tenancy.policy.CommandRequest;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a step refuses a command after its request was authenticated: counted under its reason, audited
 * ({@code command.refused}) and told to the user only. The message is plain text that may quote what
 * the user typed, so every renderer escapes it: a {@code <!channel>} in a typo never pings anyone.
 */
final class CommandRefusing {

  /** Writes the refusal's audit record ({@code CommandRefusals#record}). */
  @FunctionalInterface
  interface Record {

    Future<Void> record(CommandRequest request, String text, String message);
  }

  private final String platform;
  private final Record refusals;
  private final GatewayMetrics metrics;

  private static final Logger LOG = LoggerFactory.getLogger(CommandRefusing.class);

  CommandRefusing(String platform, Record refusals, GatewayMetrics metrics) {
    this.platform = platform;
    this.refusals = refusals;
    this.metrics = metrics;
  }

  Future<CommandAnswer> refuse(CommandState state, String reason, String message) {
    metrics.refused(platform, reason);
    LOG.debug("Command refused: {}", reason);
    return refusals.record(state.request(), state.command().text(), message)
        .map(v -> CommandAnswer.of(ChatMessage.ephemeral(message)));
  }
}

package io.switchboard.gateway.command;

import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.tenancy.command.ParsedCommand;
import io.vertx.core.Future;

import java.util.Optional;

/**
 * How a platform completes a command that names a catalog command but lacks required arguments (Slack
 * opens a form). The pipeline asks once it has parsed the command, so nothing is parsed twice; when no
 * form is offered the user gets the parse error.
 */
@FunctionalInterface
public interface IncompleteCommands {

  /** The platform offers no forms. */
  IncompleteCommands NONE = incomplete -> Future.succeededFuture(Optional.empty());

  /** What to tell the user when a form was offered; empty when none could be. */
  Future<Optional<ChatMessage>> offer(ParsedCommand.Incomplete incomplete);
}

package io.switchboard.gateway.command;

import io.switchboard.tenancy.command.CommandParser;
import io.switchboard.tenancy.command.ParsedCommand;
import io.vertx.core.Future;

import java.util.Optional;

/**
 * Step 2: the command text against the tenant's catalog ({@link CommandParser}): a built-in, a typed
 * invocation, or a refusal with the usage ({@code unknown_command}). A catalog command that only lacks
 * required arguments is first offered to the platform's {@link IncompleteCommands} (Slack's form); the
 * form's answer, when one opened, is the command's answer, and nothing is audited for it.
 */
final class ParseCommand implements CommandStep {

  private final CommandParser parser;
  private final CommandRefusing refusing;

  ParseCommand(CommandParser parser, CommandRefusing refusing) {
    this.parser = parser;
    this.refusing = refusing;
  }

  @Override
  public Future<CommandAnswer> handle(CommandState state, Next next) {
    ParsedCommand parsed = parser.parse(state.policy().catalog(), state.command().text());
    if (!(parsed instanceof ParsedCommand.Unrecognised unrecognised)) {
      return next.proceed(state.withParsed(parsed));
    }
    return unrecognised.incomplete().map(state.forms()::offer).orElse(Future.succeededFuture(Optional.empty()))
        .compose(offered -> offered.isPresent() ? Future.succeededFuture(CommandAnswer.of(offered.get()))
            : refusing.refuse(state, "unknown_command", unrecognised.message()));
  }
}

package io.switchboard.tenancy.command;

import io.vertx.core.json.JsonObject;

/** What {@link CommandParser} made of a command's text. */
public sealed interface ParsedCommand {

  /** The user asked for the list of commands. */
  record HelpRequest() implements ParsedCommand {
  }

  /** The user asked to stop one of their jobs. */
  record CancelRequest(long jobId) implements ParsedCommand {
  }

  /** A command that runs as a job: its name, the action it runs, and its typed arguments. */
  record Invocation(BuiltinCommand command, String action, JsonObject arguments) implements ParsedCommand {
  }

  /** The text is not a command; {@code message} tells the user what was wrong and what to do. */
  record Unrecognised(String message) implements ParsedCommand {
  }
}

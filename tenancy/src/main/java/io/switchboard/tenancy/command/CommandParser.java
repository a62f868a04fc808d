package io.switchboard.tenancy.command;

import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Optional;

/**
 * Turns the text after the slash command into a {@link ParsedCommand}. For now the catalog is the
 * built-in commands; the per-tenant catalog replaces {@link BuiltinCommand} lookups later.
 */
public final class CommandParser {

  /** The longest command text accepted; Slack itself caps a message well below this. */
  public static final int MAX_TEXT_LENGTH = 4000;

  public ParsedCommand parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    if (trimmed.length() > MAX_TEXT_LENGTH) {
      return new ParsedCommand.Unrecognised(
          "That command is " + trimmed.length() + " characters long; the limit is " + MAX_TEXT_LENGTH + ".");
    }
    if (trimmed.isEmpty()) {
      return new ParsedCommand.HelpRequest();
    }
    String[] words = trimmed.split("(?U)\\s+", 2);
    String name = words[0].toLowerCase(Locale.ROOT);
    String rest = words.length > 1 ? words[1] : "";
    Optional<BuiltinCommand> command = BuiltinCommand.byWord(name);
    if (command.isEmpty()) {
      return new ParsedCommand.Unrecognised(
          "Unknown command '" + shorten(words[0]) + "'. Try `help` to see the commands you can run.");
    }
    return switch (command.get()) {
      case HELP -> new ParsedCommand.HelpRequest();
      case ECHO -> rest.isEmpty()
          ? new ParsedCommand.Unrecognised("`echo` needs some text, e.g. `echo hello`. Try `help` for more.")
          : new ParsedCommand.Invocation(BuiltinCommand.ECHO, "echo", new JsonObject().put("text", rest));
      case CANCEL -> parseCancel(rest);
    };
  }

  private static ParsedCommand parseCancel(String rest) {
    String number = rest.strip().startsWith("#") ? rest.strip().substring(1) : rest.strip();
    try {
      long jobId = Long.parseLong(number);
      if (jobId > 0) {
        return new ParsedCommand.CancelRequest(jobId);
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    return new ParsedCommand.Unrecognised("`cancel` needs a job number, e.g. `cancel 42`.");
  }

  private static String shorten(String word) {
    return word.length() <= 40 ? word : word.substring(0, 40) + "…";
  }
}

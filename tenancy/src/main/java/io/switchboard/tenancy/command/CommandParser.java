package io.switchboard.tenancy.command;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the text after the slash command into a {@link ParsedCommand}: a built-in command, or a
 * command of the tenant's {@link Catalog} with its typed arguments. Every refusal is precise ("unknown
 * environment 'prod'; one of: staging, production") and says how to get help. Stateless and safe to
 * share.
 */
public final class CommandParser {

  /** The longest command text accepted; Slack itself caps a message well below this. */
  public static final int MAX_TEXT_LENGTH = 4000;

  /** Parses against the built-in commands only. */
  public ParsedCommand parse(String text) {
    return parse(Catalog.EMPTY, text);
  }

  public ParsedCommand parse(Catalog catalog, String text) {
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
    Optional<BuiltinCommand> builtin = BuiltinCommand.byWord(name);
    if (builtin.isPresent()) {
      return parseBuiltin(builtin.get(), rest);
    }
    Optional<CommandSpec> command = catalog.find(name);
    if (command.isEmpty()) {
      return new ParsedCommand.Unrecognised(
          "Unknown command '" + ArgumentSpec.shorten(words[0]) + "'. Try `help` to see the commands you can run.");
    }
    return parseCatalogCommand(command.get(), rest);
  }

  private static ParsedCommand parseBuiltin(BuiltinCommand command, String rest) {
    return switch (command) {
      case HELP -> new ParsedCommand.HelpRequest(rest.isBlank()
          ? Optional.empty() : Optional.of(rest.strip().split("(?U)\\s+")[0].toLowerCase(Locale.ROOT)));
      case ECHO -> rest.isEmpty()
          ? new ParsedCommand.Unrecognised("`echo` needs some text, e.g. `echo hello`. Try `help` for more.")
          : ParsedCommand.Invocation.echo(rest);
      case JOBS -> rest.isBlank()
          ? new ParsedCommand.JobsRequest()
          : new ParsedCommand.Unrecognised("`jobs` takes no arguments; it lists your recent jobs.");
      case JOB -> jobNumber(rest).<ParsedCommand>map(ParsedCommand.JobRequest::new)
          .orElseGet(() -> new ParsedCommand.Unrecognised("`job` needs a job number, e.g. `job 42`."));
      case CANCEL -> jobNumber(rest).<ParsedCommand>map(ParsedCommand.CancelRequest::new)
          .orElseGet(() -> new ParsedCommand.Unrecognised("`cancel` needs a job number, e.g. `cancel 42`."));
      case WHOAMI -> rest.isBlank()
          ? new ParsedCommand.WhoamiRequest()
          : new ParsedCommand.Unrecognised("`whoami` takes no arguments; it lists your roles here.");
    };
  }

  private static Optional<Long> jobNumber(String rest) {
    String number = rest.strip().startsWith("#") ? rest.strip().substring(1) : rest.strip();
    try {
      long jobId = Long.parseLong(number);
      return jobId > 0 ? Optional.of(jobId) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static ParsedCommand parseCatalogCommand(CommandSpec command, String rest) {
    Map<String, String> written = new LinkedHashMap<>();
    try {
      Map<String, Object> values = bind(command, words(rest), written);
      return command.invocation(values);
    } catch (MissingArgument e) {
      return new ParsedCommand.Unrecognised(e.getMessage() + ". Usage: `" + command.usage()
          + "`; try `help " + command.name() + "`.", Optional.of(new ParsedCommand.Incomplete(command, written)));
    } catch (IllegalArgumentException e) {
      return new ParsedCommand.Unrecognised(e.getMessage() + ". Usage: `" + command.usage()
          + "`; try `help " + command.name() + "`.");
    }
  }

  /** Splits on whitespace; no quoting, so no argument can smuggle spaces or shell syntax. */
  private static List<String> words(String rest) {
    return rest.isBlank() ? List.of() : Arrays.asList(rest.strip().split("(?U)\\s+"));
  }

  /** A required argument was not given; everything given before was valid. */
  private static final class MissingArgument extends IllegalArgumentException {

    MissingArgument(String message) {
      super(message);
    }
  }

  /**
   * Assigns each written word to its argument, converts it, and fills in defaults; {@code written}
   * collects the text given for each argument.
   */
  private static Map<String, Object> bind(CommandSpec command, List<String> words, Map<String, String> written) {
    Map<String, Object> values = new LinkedHashMap<>();
    Set<String> given = new HashSet<>();
    List<ArgumentSpec> positional = command.positional();
    int next = 0;
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (word.startsWith("--") && word.length() > 2) {
        String flagName = word.substring(2);
        String value = null;
        int equals = flagName.indexOf('=');
        if (equals >= 0) {
          value = flagName.substring(equals + 1);
          flagName = flagName.substring(0, equals);
        }
        String shown = ArgumentSpec.shorten(flagName);
        ArgumentSpec flag = command.flag(flagName).orElseThrow(() -> new IllegalArgumentException(
            "`" + command.name() + "` has no option --" + shown));
        if (value == null) {
          if (i + 1 >= words.size()) {
            throw new IllegalArgumentException("--" + flag.name() + " needs a value");
          }
          value = words.get(++i);
        }
        if (!given.add(flag.name())) {
          throw new IllegalArgumentException("--" + flag.name() + " is given twice");
        }
        values.put(flag.name(), flag.read(value));
        written.put(flag.name(), value);
      } else {
        if (next >= positional.size()) {
          throw new IllegalArgumentException("unexpected '" + ArgumentSpec.shorten(word) + "'");
        }
        ArgumentSpec argument = positional.get(next++);
        given.add(argument.name());
        values.put(argument.name(), argument.read(word));
        written.put(argument.name(), word);
      }
    }
    for (ArgumentSpec argument : command.arguments()) {
      if (given.contains(argument.name())) {
        continue;
      }
      if (argument.required()) {
        throw new MissingArgument("missing " + argument.name()
            + (argument.type() == ArgumentType.ENUM ? " (one of: " + String.join(", ", argument.values()) + ")" : ""));
      }
      argument.defaultValue().ifPresent(value -> values.put(argument.name(), argument.read(value)));
    }
    return values;
  }
}

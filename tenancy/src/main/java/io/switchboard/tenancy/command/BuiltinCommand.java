package io.switchboard.tenancy.command;

import java.util.Arrays;
import java.util.Optional;

/**
 * The commands every tenant has, whatever its catalog holds. {@code help} and {@code cancel} are
 * answered at once by the gateway; the others become jobs that run the named action.
 */
public enum BuiltinCommand {
  HELP("help", "help", "list the commands you can run", null),
  ECHO("echo", "echo <text>", "reply with the text (runs as a job)", "echo"),
  CANCEL("cancel", "cancel <job number>", "stop one of your jobs that is queued or running", null);

  private final String word;
  private final String usage;
  private final String description;
  private final String action;

  BuiltinCommand(String word, String usage, String description, String action) {
    this.word = word;
    this.usage = usage;
    this.description = description;
    this.action = action;
  }

  public String word() {
    return word;
  }

  public String usage() {
    return usage;
  }

  public String description() {
    return description;
  }

  /** The action type a job of this command runs; empty for commands answered without a job. */
  public Optional<String> action() {
    return Optional.ofNullable(action);
  }

  static Optional<BuiltinCommand> byWord(String word) {
    return Arrays.stream(values()).filter(c -> c.word.equals(word)).findFirst();
  }
}

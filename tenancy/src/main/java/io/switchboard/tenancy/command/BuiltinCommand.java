package io.switchboard.tenancy.command;

import java.util.Arrays;
import java.util.Optional;

/**
 * The commands every tenant has, whatever its catalog holds. Only {@code echo} becomes a job; the
 * others are answered at once by the gateway. They touch nothing outside Switchboard, so every
 * member of an installed workspace may run them.
 */
public enum BuiltinCommand {
  HELP("help", "help [command]", "list the commands you can run, or explain one"),
  ECHO("echo", "echo <text>", "reply with the text (runs as a job)"),
  JOBS("jobs", "jobs", "your recent jobs"),
  JOB("job", "job <job number>", "the status and output of a job"),
  CANCEL("cancel", "cancel <job number>", "stop one of your jobs that is queued or running"),
  WHOAMI("whoami", "whoami", "your roles in this workspace");

  private final String word;
  private final String usage;
  private final String description;

  BuiltinCommand(String word, String usage, String description) {
    this.word = word;
    this.usage = usage;
    this.description = description;
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

  /** The built-in command a word names. */
  public static Optional<BuiltinCommand> byWord(String word) {
    return Arrays.stream(values()).filter(c -> c.word.equals(word)).findFirst();
  }
}

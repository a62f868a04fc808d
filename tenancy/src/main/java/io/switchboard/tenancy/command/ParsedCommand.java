package io.switchboard.tenancy.command;

import io.switchboard.core.job.TargetLock;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What {@link CommandParser} made of a command's text. */
public sealed interface ParsedCommand {

  /** The user asked for the list of commands, or (with a topic) for one command's usage. */
  record HelpRequest(Optional<String> topic) implements ParsedCommand {
    public HelpRequest() {
      this(Optional.empty());
    }
  }

  /** The user asked to stop one of their jobs. */
  record CancelRequest(long jobId) implements ParsedCommand {
  }

  /** The user asked for their recent jobs. */
  record JobsRequest() implements ParsedCommand {
  }

  /** The user asked for one job's status and output. */
  record JobRequest(long jobId) implements ParsedCommand {
  }

  /** The user asked which roles they have. */
  record WhoamiRequest() implements ParsedCommand {
  }

  /**
   * A command that runs as a job: the command's name, the action it runs with its arguments, and
   * what policy is scoped by (environment, targets, read-only). Timeout and attempts come from the
   * catalog; empty means the queue's defaults.
   */
  record Invocation(
      String command,
      String action,
      JsonObject arguments,
      Optional<String> environment,
      List<String> targets,
      boolean readOnly,
      Optional<Duration> timeout,
      Optional<Integer> maxAttempts) implements ParsedCommand {

    public Invocation {
      targets = List.copyOf(targets);
    }

    /** The built-in {@code echo}: read-only, no environment, no targets. */
    public static Invocation echo(String text) {
      return new Invocation(BuiltinCommand.ECHO.word(), "echo", new JsonObject().put("text", text),
          Optional.empty(), List.of(), true, Optional.empty(), Optional.empty());
    }

    /**
     * What the job holds while it waits and runs: a command that changes things holds its environment
     * and targets, so two deploys of one service to one environment never run at once.
     */
    public Optional<TargetLock> targetLock() {
      if (readOnly || environment.isEmpty() && targets.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new TargetLock(environment, targets));
    }

    /** {@code deploy to production} / {@code deploy}: how decisions name what was asked. */
    public String describe() {
      return "`" + command + "`" + environment.map(e -> " in " + e).orElse("")
          + (targets.isEmpty() ? "" : " on " + String.join(", ", targets));
    }
  }

  /**
   * The text is not a valid command; {@code message} tells the user what was wrong and what to do.
   * {@code incomplete} is set when the text names a catalog command and lacks only required arguments.
   */
  record Unrecognised(String message, Optional<Incomplete> incomplete) implements ParsedCommand {

    public Unrecognised(String message) {
      this(message, Optional.empty());
    }
  }

  /**
   * A catalog command whose text was valid as far as it went but left required arguments out:
   * {@code written} holds the text of each argument given (all of them valid), by argument name.
   */
  record Incomplete(CommandSpec command, Map<String, String> written) {

    public Incomplete {
      written = Map.copyOf(written);
    }
  }
}

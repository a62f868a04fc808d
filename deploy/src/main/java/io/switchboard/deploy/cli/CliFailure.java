package io.switchboard.deploy.cli;

/**
 * Why a command stops: a message that says what to do, the {@link Exit} code, and the HTTP status
 * it came from (0 when none). Printed as {@code switchboard: <message>} on stderr, never with a stack trace.
 */
public final class CliFailure extends RuntimeException {

  private final int exitCode;
  private final int status;

  public CliFailure(int exitCode, String message) {
    this(exitCode, 0, message);
  }

  public CliFailure(int exitCode, int status, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
    this.status = status;
  }

  public int exitCode() {
    return exitCode;
  }

  /** The HTTP status of the answer, or 0 when the failure was not an answer. */
  public int status() {
    return status;
  }
}

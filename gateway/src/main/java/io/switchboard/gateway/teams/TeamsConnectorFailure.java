package io.switchboard.gateway.teams;

/**
 * A Bot Framework connector (or token endpoint) call that did not succeed.
 *
 * @param operation what was attempted: {@code token}, {@code reply}, {@code update}
 * @param status    the HTTP status, or 0 when the service was not reached
 */
public final class TeamsConnectorFailure extends RuntimeException {

  private final String operation;
  private final int status;

  public TeamsConnectorFailure(String operation, int status, String message) {
    super(operation + " failed" + (status > 0 ? " with HTTP " + status : "") + ": " + message);
    this.operation = operation;
    this.status = status;
  }

  public String operation() {
    return operation;
  }

  public int status() {
    return status;
  }
}

package io.switchboard.core.error;

/**
 * A refusal with a stable {@link ErrorCode} and a message safe to show the caller. Request steps fail
 * their futures with it; the HTTP layer turns it into an {@code application/problem+json} answer.
 */
public final class SwitchboardException extends RuntimeException {

  private final ErrorCode code;

  public SwitchboardException(ErrorCode code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public String detail() {
    return getMessage();
  }
}

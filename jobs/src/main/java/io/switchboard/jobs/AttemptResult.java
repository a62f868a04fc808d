package io.switchboard.jobs;

/**
 * How one attempt of a job ended, as the queue records it: success with output for the user, or
 * failure with an error message. A {@code retryable} failure is tried again with back-off while the
 * job has attempts left; any other failure is final. The executor makes one from its action's result.
 */
public record AttemptResult(boolean succeeded, String output, String error, boolean retryable, boolean timedOut) {

  public static AttemptResult success(String output) {
    return new AttemptResult(true, output, null, false, false);
  }

  public static AttemptResult failure(String error) {
    return new AttemptResult(false, null, error, false, false);
  }

  public static AttemptResult retryableFailure(String error) {
    return new AttemptResult(false, null, error, true, false);
  }

  /** The executor stopped the action at its timeout. */
  public static AttemptResult timedOut(String error) {
    return new AttemptResult(false, null, error, false, true);
  }
}

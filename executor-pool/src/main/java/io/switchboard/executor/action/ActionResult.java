package io.switchboard.executor.action;

import io.switchboard.jobs.AttemptResult;

/**
 * How an action ended: success with output for the user, or failure with an error message. A
 * failure the action marks {@code retryable} (the target was unavailable, say) is tried again with
 * back-off while the job has attempts left; any other failure is final.
 */
public record ActionResult(boolean succeeded, String output, String error, boolean retryable, boolean timedOut) {

  public static ActionResult success(String output) {
    return new ActionResult(true, output, null, false, false);
  }

  public static ActionResult failure(String error) {
    return new ActionResult(false, null, error, false, false);
  }

  public static ActionResult retryableFailure(String error) {
    return new ActionResult(false, null, error, true, false);
  }

  /** The executor stopped the action at its timeout. */
  public static ActionResult timedOut(String error) {
    return new ActionResult(false, null, error, false, true);
  }

  /** This result as the job queue records it. */
  public AttemptResult asAttempt() {
    return new AttemptResult(succeeded, output, error, retryable, timedOut);
  }
}

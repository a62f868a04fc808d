package io.switchboard.executor.action;

/** How an action ended: success with output for the user, or failure with an error message. */
public record ActionResult(boolean succeeded, String output, String error) {

  public static ActionResult success(String output) {
    return new ActionResult(true, output, null);
  }

  public static ActionResult failure(String error) {
    return new ActionResult(false, null, error);
  }
}

package io.switchboard.executor.action.terraform;

/** A job refused for a reason its user or operator can fix; the message is shown as is. */
final class TerraformRefused extends Exception {

  TerraformRefused(String message) {
    super(message, null, false, false);
  }
}

package io.switchboard.tenancy.policy;

/**
 * The answer of a {@link PolicyDecider}. A denial always carries a reason fit to show the user and to
 * write into the audit log.
 */
public record Decision(boolean allowed, String reason) {

  public static Decision allow(String reason) {
    return new Decision(true, reason);
  }

  public static Decision deny(String reason) {
    return new Decision(false, reason);
  }
}

package io.switchboard.tenancy.command;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What an argument means to policy: most arguments are plain values, but the one that names the
 * environment and the one that names the targets are what roles, approvals, freezes and the blast
 * radius are scoped by.
 */
public enum ArgumentScope {
  NONE,
  ENVIRONMENT,
  TARGET;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ArgumentScope> fromWire(String wire) {
    return Arrays.stream(values()).filter(t -> t.wire().equals(wire)).findFirst();
  }
}

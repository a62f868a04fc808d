package io.switchboard.tenancy.command;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The types a catalog command's argument can have. */
public enum ArgumentType {
  /** One of a fixed list of words, e.g. an environment. */
  ENUM,
  /** Free text, optionally constrained by a regular expression. */
  STRING,
  /** A whole number, optionally within a range. */
  INTEGER;

  /** The spelling in policy documents, e.g. {@code enum}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ArgumentType> fromWire(String wire) {
    return Arrays.stream(values()).filter(t -> t.wire().equals(wire)).findFirst();
  }
}

package io.switchboard.tenancy.policy;

import java.util.List;

/** A policy document that cannot be compiled; {@link #problems()} says every thing wrong with it, by path. */
public final class InvalidPolicyException extends RuntimeException {

  private final List<String> problems;

  public InvalidPolicyException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}

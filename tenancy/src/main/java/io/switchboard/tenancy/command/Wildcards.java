package io.switchboard.tenancy.command;

/**
 * Matches names against simple patterns: {@code *} matches any run of characters ({@code *},
 * {@code api-*}, {@code *-db}). Nothing else is special, so command, channel and service names never
 * need escaping.
 */
public final class Wildcards {

  private Wildcards() {
  }

  public static boolean matches(String pattern, String value) {
    if (value == null) {
      return false;
    }
    int star = pattern.indexOf('*');
    if (star < 0) {
      return pattern.equals(value);
    }
    String head = pattern.substring(0, star);
    if (!value.startsWith(head)) {
      return false;
    }
    String rest = pattern.substring(star + 1);
    for (int i = head.length(); i <= value.length(); i++) {
      if (matches(rest, value.substring(i))) {
        return true;
      }
    }
    return false;
  }

  /** True when any of the patterns matches. */
  public static boolean anyMatches(Iterable<String> patterns, String value) {
    for (String pattern : patterns) {
      if (matches(pattern, value)) {
        return true;
      }
    }
    return false;
  }
}

package io.switchboard.gateway.reply;

/** Counts in message text with the right plural: {@code 1 job}, {@code 2 jobs}, {@code 1 more line}. */
public final class Plural {

  private Plural() {
  }

  /** {@code count} and {@code noun}, with an {@code s} unless the count is one (regular English nouns only). */
  public static String of(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}

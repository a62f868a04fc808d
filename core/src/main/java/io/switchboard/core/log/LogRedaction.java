package io.switchboard.core.log;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last line of defence against a secret on a log line, applied by both log formats to the whole
 * rendered line (text) or every string value (JSON), stack traces included: known token shapes
 * (Slack {@code xox?-} tokens and {@code xapp-} app tokens, Switchboard's {@code sbt_} API tokens,
 * {@code Bearer}/{@code Basic} credentials, Vault {@code hvs.} tokens, JWTs) become
 * {@code [redacted]}, and so do the exact values registered with {@link #addKnownSecret} (the master
 * key). Code should still never log a secret: secret values an action resolved are redacted where
 * the executor handles them ({@code SecretRedactor}); this only catches what slips through.
 */
public final class LogRedaction {

  /** What a redacted stretch becomes. */
  public static final String MARKER = "[redacted]";

  /** Values shorter than this are not registered: they would shred ordinary text. */
  private static final int MIN_KNOWN_LENGTH = 8;

  /**
   * The token shapes, each with the literal text every match starts with: a line holding none of
   * them (nearly every line) is left alone without running the expression.
   */
  private static final List<Shape> SHAPES = List.of(
      new Shape(Pattern.compile("xox[abeoprs]-[A-Za-z0-9-]{6,}"), false, "xox"),
      new Shape(Pattern.compile("xapp-[A-Za-z0-9-]{6,}"), false, "xapp-"),
      new Shape(Pattern.compile("sbt_[A-Za-z0-9_-]{6,}"), false, "sbt_"),
      new Shape(Pattern.compile("hvs\\.[A-Za-z0-9_-]{10,}"), false, "hvs."),
      new Shape(Pattern.compile("(?i)(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}"), true, "bearer", "basic"),
      new Shape(Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*"), false, "eyJ"));

  /** A token shape and the literal starts of its matches. */
  private record Shape(Pattern pattern, boolean ignoreCase, String... starts) {

    /** Whether {@code text} holds one of the starts, so that the pattern may match. */
    boolean mayMatch(String text) {
      for (String start : starts) {
        if (ignoreCase ? containsIgnoringCase(text, start) : text.contains(start)) {
          return true;
        }
      }
      return false;
    }

    private static boolean containsIgnoringCase(String text, String lowerCase) {
      char first = lowerCase.charAt(0);
      for (int i = 0; i <= text.length() - lowerCase.length(); i++) {
        if (Character.toLowerCase(text.charAt(i)) == first && text.regionMatches(true, i, lowerCase, 0, lowerCase.length())) {
          return true;
        }
      }
      return false;
    }
  }

  private static final Set<String> KNOWN = new CopyOnWriteArraySet<>();

  private LogRedaction() {
  }

  /** Registers a secret value (e.g. the master key) that no log line may ever show. */
  public static void addKnownSecret(String value) {
    if (value != null && value.length() >= MIN_KNOWN_LENGTH) {
      KNOWN.add(value);
    }
  }

  /** {@code text} with every known secret and token shape replaced by {@value #MARKER}; null stays null. */
  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String known : KNOWN) {
      if (out.contains(known)) {
        out = out.replace(known, MARKER);
      }
    }
    for (Shape shape : SHAPES) {
      if (!shape.mayMatch(out)) {
        continue;
      }
      Matcher matcher = shape.pattern().matcher(out);
      if (matcher.find()) {
        out = matcher.replaceAll(match -> match.group().regionMatches(true, 0, "bearer", 0, 6)
            ? "Bearer " + MARKER
            : match.group().regionMatches(true, 0, "basic", 0, 5) ? "Basic " + MARKER : MARKER);
      }
    }
    return out;
  }
}

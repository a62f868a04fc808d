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

  private static final List<Pattern> SHAPES = List.of(
      Pattern.compile("xox[abeoprs]-[A-Za-z0-9-]{6,}"),
      Pattern.compile("xapp-[A-Za-z0-9-]{6,}"),
      Pattern.compile("sbt_[A-Za-z0-9_-]{6,}"),
      Pattern.compile("hvs\\.[A-Za-z0-9_-]{10,}"),
      Pattern.compile("(?i)(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}"),
      Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*"));

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
    for (Pattern shape : SHAPES) {
      Matcher matcher = shape.matcher(out);
      if (matcher.find()) {
        out = matcher.replaceAll(match -> match.group().regionMatches(true, 0, "bearer", 0, 6)
            ? "Bearer " + MARKER
            : match.group().regionMatches(true, 0, "basic", 0, 5) ? "Basic " + MARKER : MARKER);
      }
    }
    return out;
  }
}

package io.switchboard.tenancy.secrets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces the secret values handed to an action with {@code [redacted:<name>]} wherever they occur
 * in a text (action output, error messages) before it goes to chat, logs or the audit log: the
 * value itself and the forms a target or script commonly prints it in ({@link SecretForms}: base64
 * and base64url, at any alignment inside a longer encoded text such as an HTTP Basic credential;
 * percent-encoding; hexadecimal; reversed).
 *
 * <ul>
 *   <li>Values shorter than {@value #MIN_LENGTH} characters are not redacted: replacing every
 *       {@code 1} or {@code ok} in the output would shred it and protect nothing (such a value is
 *       no secret).</li>
 *   <li>Longest values first: an occurrence of a value inside an occurrence of a longer one is
 *       covered by the longer one's marker. Where two values overlap in the text without one
 *       containing the other, the whole overlapping stretch is replaced by one marker naming both,
 *       {@code [redacted:a,b]}, so no character of either survives.</li>
 *   <li>Where two names share one value, the name first in alphabetical order is shown.</li>
 *   <li>A marker is never scanned again, so a value that happens to appear in a marker's text
 *       cannot garble it.</li>
 * </ul>
 */
public final class SecretRedactor {

  /** Values shorter than this are left alone. */
  public static final int MIN_LENGTH = 4;

  private static final SecretRedactor NONE = new SecretRedactor(Map.of());

  /** A value to look for and the name it is shown as; longest first, then by name. */
  private record Secret(String name, String value) {
  }

  /** One occurrence of a value in the text. */
  private record Hit(int start, int end, String name) {
  }

  private final List<Secret> secrets;

  /** @param secrets secret values by name, e.g. everything fetched for one job */
  public SecretRedactor(Map<String, String> secrets) {
    Set<String> seen = new LinkedHashSet<>();
    this.secrets = secrets.entrySet().stream()
        .filter(e -> e.getValue() != null && e.getValue().length() >= MIN_LENGTH)
        .flatMap(e -> SecretForms.of(e.getValue()).stream().map(form -> new Secret(e.getKey(), form)))
        .sorted(Comparator.comparingInt((Secret s) -> s.value().length()).reversed().thenComparing(Secret::name))
        .filter(s -> seen.add(s.value()))
        .toList();
  }

  /** A redactor that changes nothing. */
  public static SecretRedactor none() {
    return NONE;
  }

  /** The text with every secret value replaced by {@code [redacted:<name>]}; null stays null. */
  public String redact(String text) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    List<Hit> hits = new ArrayList<>();
    for (Secret secret : secrets) {
      for (int at = text.indexOf(secret.value()); at >= 0; at = text.indexOf(secret.value(), at + 1)) {
        hits.add(new Hit(at, at + secret.value().length(), secret.name()));
      }
    }
    if (hits.isEmpty()) {
      return text;
    }
    // By start, longer first: a hit inside the current stretch is covered; one reaching past it extends it.
    hits.sort(Comparator.comparingInt(Hit::start).thenComparing(Comparator.comparingInt(Hit::end).reversed()));
    StringBuilder out = new StringBuilder(text.length());
    int copied = 0;
    int i = 0;
    while (i < hits.size()) {
      Hit first = hits.get(i);
      int end = first.end();
      Set<String> names = new LinkedHashSet<>(List.of(first.name()));
      for (i++; i < hits.size() && hits.get(i).start() < end; i++) {
        if (hits.get(i).end() > end) {
          end = hits.get(i).end();
          names.add(hits.get(i).name());
        }
      }
      out.append(text, copied, first.start()).append("[redacted:").append(String.join(",", names)).append(']');
      copied = end;
    }
    return out.append(text, copied, text.length()).toString();
  }
}

package io.switchboard.deploy;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, for the tests that check the alert rules and the
 * dashboard against what a node exports. Good for the expressions Switchboard ships (selectors,
 * functions, aggregations with {@code by}/{@code without}, binary operators with {@code on}/{@code
 * ignoring}/{@code group_*}); it is not a PromQL parser ({@code promtool} checks the syntax).
 */
final class PromQl {

  private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPINGS =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "offset", "bool", "and", "or", "unless", "inf", "nan", "atan2");

  private PromQl() {
  }

  /** The metric names in {@code expr}; Grafana's {@code $__...} variables are ignored. */
  static Set<String> metricNames(String expr) {
    String text = STRINGS.matcher(expr).replaceAll("\"\"");
    text = MATCHERS.matcher(text).replaceAll(" ");
    text = RANGES.matcher(text).replaceAll(" ");
    text = GROUPINGS.matcher(text).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher identifiers = IDENTIFIER.matcher(text);
    while (identifiers.find()) {
      boolean function = identifiers.group(2) != null;
      String name = identifiers.group(1);
      if (!function && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        names.add(name);
      }
    }
    return names;
  }
}

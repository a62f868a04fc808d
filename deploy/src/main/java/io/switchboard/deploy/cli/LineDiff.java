package io.switchboard.deploy.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff (longest common subsequence) for people: unchanged lines are prefixed {@code "  "},
 * removed ones {@code "- "}, added ones {@code "+ "}; runs of unchanged lines far from a change are
 * folded into one {@code "  ... (n unchanged lines)"}. Common leading and trailing lines are taken
 * off first, so a small change to a large document stays cheap; past {@link #MAX_CELLS} the middle
 * is shown as removed and added whole.
 */
final class LineDiff {

  private static final int CONTEXT = 3;
  private static final long MAX_CELLS = 25_000_000L;

  private LineDiff() {
  }

  /** The diff's lines; empty when {@code before} and {@code after} are equal. */
  static List<String> between(List<String> before, List<String> after) {
    int prefix = 0;
    while (prefix < before.size() && prefix < after.size() && before.get(prefix).equals(after.get(prefix))) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < before.size() - prefix && suffix < after.size() - prefix
        && before.get(before.size() - 1 - suffix).equals(after.get(after.size() - 1 - suffix))) {
      suffix++;
    }
    if (prefix == before.size() && prefix == after.size()) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    before.subList(0, prefix).forEach(line -> lines.add("  " + line));
    middle(before.subList(prefix, before.size() - suffix), after.subList(prefix, after.size() - suffix), lines);
    before.subList(before.size() - suffix, before.size()).forEach(line -> lines.add("  " + line));
    return fold(lines);
  }

  private static void middle(List<String> a, List<String> b, List<String> lines) {
    if ((long) a.size() * b.size() > MAX_CELLS) {
      a.forEach(line -> lines.add("- " + line));
      b.forEach(line -> lines.add("+ " + line));
      return;
    }
    int[][] common = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        common[i][j] = a.get(i).equals(b.get(j)) ? common[i + 1][j + 1] + 1
            : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        lines.add("  " + a.get(i++));
        j++;
      } else if (i < a.size() && (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
        lines.add("- " + a.get(i++));
      } else {
        lines.add("+ " + b.get(j++));
      }
    }
  }

  /** Keeps {@link #CONTEXT} unchanged lines around each change and folds the rest. */
  private static List<String> fold(List<String> lines) {
    boolean[] keep = new boolean[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).startsWith("  ")) {
        for (int k = Math.max(0, i - CONTEXT); k <= Math.min(lines.size() - 1, i + CONTEXT); k++) {
          keep[k] = true;
        }
      }
    }
    List<String> folded = new ArrayList<>();
    int skipped = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (keep[i]) {
        if (skipped > 0) {
          folded.add("  ... (" + skipped + " unchanged lines)");
          skipped = 0;
        }
        folded.add(lines.get(i));
      } else {
        skipped++;
      }
    }
    if (skipped > 0) {
      folded.add("  ... (" + skipped + " unchanged lines)");
    }
    return folded;
  }
}

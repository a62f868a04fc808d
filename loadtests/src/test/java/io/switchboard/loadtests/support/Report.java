package io.switchboard.loadtests.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The summary a simulation prints in {@code after()}: a title, label/value rows, column tables and
 * notes, between two rules of {@code =}. Everything goes to standard output at once.
 */
public final class Report {

  private static final int LABEL_WIDTH = 46;

  private final StringBuilder text = new StringBuilder();
  private final int width;

  public Report(String title) {
    String heading = "================ " + title + " ================";
    width = heading.length();
    text.append(System.lineSeparator()).append(heading).append(System.lineSeparator());
  }

  /** One label and its value. */
  public Report row(String label, Object value) {
    text.append(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s %s%n", label, value));
    return this;
  }

  /** A heading line for the rows that follow. */
  public Report section(String heading) {
    text.append(System.lineSeparator()).append("-- ").append(heading).append(System.lineSeparator());
    return this;
  }

  /** A free line, e.g. what a figure means. */
  public Report note(String line) {
    text.append(line).append(System.lineSeparator());
    return this;
  }

  /** A table: the header and each row padded to the widest cell of its column, the first column left-aligned. */
  public Report table(List<String> header, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    int[] widths = new int[header.size()];
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        String pad = " ".repeat(widths[i] - cell.length());
        line.append(i == 0 ? cell + pad : "  " + pad + cell);
      }
      text.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    return this;
  }

  public void print() {
    text.append("=".repeat(width)).append(System.lineSeparator());
    System.out.print(text);
    System.out.flush();
  }
}

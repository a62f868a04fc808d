package io.switchboard.deploy.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a command prints on standard output: a table or {@code name: value} lines for people, or the
 * API's JSON as it came for scripts ({@code --output json}).
 */
final class Output {

  private static final int MAX_CELL = 60;

  private final PrintWriter out;
  private final OutputOptions.Format format;

  Output(PrintWriter out, OutputOptions.Format format) {
    this.out = out;
    this.format = format;
  }

  boolean json() {
    return format == OutputOptions.Format.JSON;
  }

  /** The API's answer, unchanged. */
  void raw(String body) {
    out.println(body.strip());
    out.flush();
  }

  /** A list answer: as it came, or a table of its array {@code key} (see {@link #table(JsonArray, String, String...)}). */
  void list(String body, String key, String empty, String... fields) {
    if (json()) {
      raw(body);
    } else {
      table(new JsonObject(body).getJsonArray(key), empty, fields);
    }
  }

  /** One object: as it came, or {@code name: value} lines. */
  void object(String body) {
    if (json()) {
      raw(body);
    } else {
      fields(new JsonObject(body));
    }
  }

  void line(String text) {
    out.println(text);
    out.flush();
  }

  /**
   * One row per object of {@code items}, one column per field (headers: the field names in upper
   * case); {@code empty} is printed instead of an empty table.
   */
  void table(JsonArray items, String empty, String... fields) {
    if (items == null || items.isEmpty()) {
      line(empty);
      return;
    }
    List<String> headers = new ArrayList<>();
    for (String field : fields) {
      headers.add(field.replaceAll("([a-z])([A-Z])", "$1-$2").toUpperCase());
    }
    List<List<String>> rows = new ArrayList<>();
    for (Object item : items) {
      JsonObject object = item instanceof JsonObject json ? json : new JsonObject();
      List<String> row = new ArrayList<>();
      for (String field : fields) {
        row.add(cell(object.getValue(field)));
      }
      rows.add(row);
    }
    table(headers, rows);
  }

  /** A table of already formatted cells, columns padded to their widest cell. */
  void table(List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    printRow(headers, widths);
    rows.forEach(row -> printRow(row, widths));
    out.flush();
  }

  /** {@code name: value} lines for the fields of one object, in its order. */
  void fields(JsonObject object) {
    int width = object.fieldNames().stream().mapToInt(String::length).max().orElse(0);
    for (Map.Entry<String, Object> field : object) {
      Object value = field.getValue();
      String text = value instanceof JsonObject || value instanceof JsonArray ? encode(value)
          : value == null ? "-" : value.toString();
      out.println(String.format("%-" + (width + 1) + "s %s", field.getKey() + ":", text));
    }
    out.flush();
  }

  private void printRow(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      line.append(i == cells.size() - 1 ? cells.get(i) : String.format("%-" + (widths[i] + 2) + "s", cells.get(i)));
    }
    out.println(line.toString().stripTrailing());
  }

  static String cell(Object value) {
    String text = value == null ? "-" : value instanceof JsonObject || value instanceof JsonArray ? encode(value)
        : value.toString();
    text = text.replace('\n', ' ').replace('\r', ' ');
    return text.length() > MAX_CELL ? text.substring(0, MAX_CELL - 3) + "..." : text;
  }

  private static String encode(Object value) {
    return value instanceof JsonObject object ? object.encode() : ((JsonArray) value).encode();
  }

  /** The value with every object's keys in alphabetical order, so two documents print alike when they are alike. */
  static Object sorted(Object value) {
    if (value instanceof JsonObject object) {
      JsonObject sorted = new JsonObject();
      new TreeMap<>(object.getMap()).forEach((key, child) -> sorted.put(key, sorted(object.getValue(key))));
      return sorted;
    }
    if (value instanceof JsonArray array) {
      JsonArray sorted = new JsonArray();
      for (int i = 0; i < array.size(); i++) {
        sorted.add(sorted(array.getValue(i)));
      }
      return sorted;
    }
    return value;
  }

  /** Pretty-printed JSON of an object or array. */
  static String pretty(Object value) {
    return value instanceof JsonObject object ? object.encodePrettily() : ((JsonArray) value).encodePrettily();
  }
}

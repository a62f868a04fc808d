package io.switchboard.tenancy.policy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads fields of a JSON document without trusting its shape: a missing, mistyped or unknown field
 * becomes a problem named by its path ({@code commands[0].arguments[1].type}) instead of an
 * exception, so one validation run reports everything wrong at once.
 */
final class DocumentReader {

  private final List<String> problems = new ArrayList<>();

  List<String> problems() {
    return problems;
  }

  void problem(String path, String message) {
    problems.add(path + ": " + message);
  }

  /** Reports every key of {@code object} that is not one of {@code known} (catches typos). */
  void onlyKnown(JsonObject object, String path, Set<String> known) {
    for (String key : object.fieldNames()) {
      if (!known.contains(key)) {
        problem(join(path, key), "unknown field; expected one of: " + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }

  /** The array at {@code key}'s objects, each with its path; a missing array is empty. */
  List<Element> objects(JsonObject parent, String path, String key) {
    Object value = parent.getValue(key);
    List<Element> elements = new ArrayList<>();
    if (value == null) {
      return elements;
    }
    if (!(value instanceof JsonArray array)) {
      problem(join(path, key), "must be an array");
      return elements;
    }
    for (int i = 0; i < array.size(); i++) {
      String itemPath = join(path, key) + "[" + i + "]";
      if (array.getValue(i) instanceof JsonObject object) {
        elements.add(new Element(object, itemPath));
      } else {
        problem(itemPath, "must be an object");
      }
    }
    return elements;
  }

  Optional<JsonObject> object(JsonObject parent, String path, String key) {
    Object value = parent.getValue(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof JsonObject object) {
      return Optional.of(object);
    }
    problem(join(path, key), "must be an object");
    return Optional.empty();
  }

  Optional<String> string(JsonObject parent, String path, String key) {
    Object value = parent.getValue(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof String text) {
      return Optional.of(text);
    }
    problem(join(path, key), "must be a string");
    return Optional.empty();
  }

  /** A required string that must match {@code form} (described for the problem as {@code formName}). */
  String requiredName(JsonObject parent, String path, String key, String form, String formName) {
    Optional<String> value = string(parent, path, key);
    if (value.isEmpty()) {
      if (parent.getValue(key) == null) {
        problem(join(path, key), "is required");
      }
      return null;
    }
    if (!value.get().matches(form)) {
      problem(join(path, key), "'" + value.get() + "' is not " + formName);
      return null;
    }
    return value.get();
  }

  Optional<Long> integer(JsonObject parent, String path, String key, long min, long max) {
    Object value = parent.getValue(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      problem(join(path, key), "must be a whole number");
      return Optional.empty();
    }
    long number = ((Number) value).longValue();
    if (number < min || number > max) {
      problem(join(path, key), "must be from " + min + " to " + max + ", not " + number);
      return Optional.empty();
    }
    return Optional.of(number);
  }

  boolean bool(JsonObject parent, String path, String key, boolean otherwise) {
    Object value = parent.getValue(key);
    if (value == null) {
      return otherwise;
    }
    if (value instanceof Boolean flag) {
      return flag;
    }
    problem(join(path, key), "must be true or false");
    return otherwise;
  }

  /** A list of non-empty strings; missing is empty. */
  List<String> strings(JsonObject parent, String path, String key) {
    Object value = parent.getValue(key);
    List<String> strings = new ArrayList<>();
    if (value == null) {
      return strings;
    }
    if (!(value instanceof JsonArray array)) {
      problem(join(path, key), "must be an array of strings");
      return strings;
    }
    for (int i = 0; i < array.size(); i++) {
      if (array.getValue(i) instanceof String text && !text.isBlank()) {
        strings.add(text);
      } else {
        problem(join(path, key) + "[" + i + "]", "must be a non-empty string");
      }
    }
    return strings;
  }

  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** One object of an array, with the path problems about it are reported under. */
  record Element(JsonObject object, String path) {
  }
}

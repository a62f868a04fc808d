package io.switchboard.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Objects;
import java.util.TreeSet;

/**
 * The before/after difference of two JSON documents, for the audit log: one entry per changed leaf,
 * {@code {"path": "/commands/0/timeoutSeconds", "before": 60, "after": 90}}, with paths as RFC 6901
 * JSON pointers. An added value has no {@code before}, a removed one no {@code after}; where a value
 * changes kind (object, array, scalar) the whole value is one entry. Array elements are compared by
 * position.
 */
public final class JsonDiff {

  private JsonDiff() {
  }

  public static JsonArray between(Object before, Object after) {
    JsonArray changes = new JsonArray();
    diff("", before, after, true, true, changes);
    return changes;
  }

  private static void diff(String path, Object before, Object after, boolean hadBefore, boolean hasAfter,
                           JsonArray changes) {
    if (before instanceof JsonObject b && after instanceof JsonObject a) {
      TreeSet<String> keys = new TreeSet<>(b.fieldNames());
      keys.addAll(a.fieldNames());
      for (String key : keys) {
        diff(path + "/" + escape(key), b.getValue(key), a.getValue(key), b.containsKey(key), a.containsKey(key),
            changes);
      }
    } else if (before instanceof JsonArray b && after instanceof JsonArray a) {
      for (int i = 0; i < Math.max(b.size(), a.size()); i++) {
        diff(path + "/" + i, i < b.size() ? b.getValue(i) : null, i < a.size() ? a.getValue(i) : null,
            i < b.size(), i < a.size(), changes);
      }
    } else if (hadBefore != hasAfter || !Objects.equals(normal(before), normal(after))) {
      JsonObject change = new JsonObject().put("path", path);
      if (hadBefore) {
        change.put("before", before);
      }
      if (hasAfter) {
        change.put("after", after);
      }
      changes.add(change);
    }
  }

  /** Numbers compare by value, so 1 and 1.0 (or an int and a long) are no change. */
  private static Object normal(Object value) {
    return value instanceof Number n ? new java.math.BigDecimal(n.toString()).stripTrailingZeros() : value;
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}

package io.switchboard.tenancy.command;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The action a catalog command runs and its parameters, templated from the command's arguments:
 * a string that is exactly {@code {{name}}} becomes the argument's typed value (a number, a list),
 * and {@code {{name}}} inside longer text is replaced by the value's text. Other braces, such as the
 * http action's {@code {{secret:NAME}}}, are left for the action.
 */
public record ActionTemplate(String type, JsonObject parameters) {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z][a-z0-9_]*)}}");

  public ActionTemplate {
    parameters = parameters.copy();
  }

  /** The argument names the parameters refer to. */
  public Set<String> placeholders() {
    Set<String> names = new LinkedHashSet<>();
    collect(parameters, names);
    return names;
  }

  /** The action's arguments for one run; {@code values} holds the converted argument values. */
  public JsonObject render(Map<String, Object> values) {
    return (JsonObject) renderValue(parameters, values);
  }

  private static Object renderValue(Object value, Map<String, Object> values) {
    if (value instanceof JsonObject object) {
      JsonObject rendered = new JsonObject();
      object.forEach(entry -> rendered.put(entry.getKey(), renderValue(entry.getValue(), values)));
      return rendered;
    }
    if (value instanceof JsonArray array) {
      JsonArray rendered = new JsonArray();
      array.forEach(item -> rendered.add(renderValue(item, values)));
      return rendered;
    }
    if (value instanceof String text) {
      Matcher whole = PLACEHOLDER.matcher(text);
      if (whole.matches()) {
        return toJson(values.get(whole.group(1)));
      }
      return PLACEHOLDER.matcher(text).replaceAll(m -> Matcher.quoteReplacement(asText(values.get(m.group(1)))));
    }
    return value;
  }

  private static Object toJson(Object value) {
    return value instanceof List<?> list ? new JsonArray(List.copyOf(list)) : value;
  }

  private static String asText(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof List<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    return String.valueOf(value);
  }

  private static void collect(Object value, Set<String> names) {
    if (value instanceof JsonObject object) {
      object.forEach(entry -> collect(entry.getValue(), names));
    } else if (value instanceof JsonArray array) {
      array.forEach(item -> collect(item, names));
    } else if (value instanceof String text) {
      PLACEHOLDER.matcher(text).results().forEach(m -> names.add(m.group(1)));
    }
  }
}

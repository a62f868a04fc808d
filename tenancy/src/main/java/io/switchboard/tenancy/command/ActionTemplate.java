package io.switchboard.tenancy.command;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>What a chat user typed cannot change what the policy's author wrote around it (issue 11): in
 * the http action's {@code url} an inline value (one inside longer text; a url that is exactly one
 * placeholder is the author's choice to let the argument name it) is percent-encoded as one path segment or query
 * value ({@code /}, {@code ?}, {@code #}, {@code &}, {@code .} included), so it can neither climb the
 * path nor add a query; and a value passed to the shell action's {@code args} may not start with
 * {@code -} (it would be read as an option) nor contain {@code ..}. Such a value refuses the
 * command ({@link IllegalArgumentException}, which the parser answers with the usage).
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

  /**
   * The action's arguments for one run; {@code values} holds the converted argument values.
   *
   * @throws IllegalArgumentException when a value may not go where the template puts it
   */
  public JsonObject render(Map<String, Object> values) {
    JsonObject rendered = new JsonObject();
    parameters.forEach(entry -> rendered.put(entry.getKey(),
        renderValue(entry.getValue(), values, Slot.of(type, entry.getKey()))));
    return rendered;
  }

  /** Where a value lands, for the rules above. */
  private enum Slot {
    HTTP_URL, SHELL_ARGS, OTHER;

    static Slot of(String type, String parameter) {
      if ("http".equals(type) && "url".equals(parameter)) {
        return HTTP_URL;
      }
      return "shell".equals(type) && "args".equals(parameter) ? SHELL_ARGS : OTHER;
    }
  }

  private static Object renderValue(Object value, Map<String, Object> values, Slot slot) {
    if (value instanceof JsonObject object) {
      JsonObject rendered = new JsonObject();
      object.forEach(entry -> rendered.put(entry.getKey(), renderValue(entry.getValue(), values, slot)));
      return rendered;
    }
    if (value instanceof JsonArray array) {
      JsonArray rendered = new JsonArray();
      array.forEach(item -> rendered.add(renderValue(item, values, slot)));
      return rendered;
    }
    if (value instanceof String text) {
      Matcher whole = PLACEHOLDER.matcher(text);
      if (whole.matches()) {
        Object typed = values.get(whole.group(1));
        if (slot == Slot.SHELL_ARGS) {
          checkShellArgument(whole.group(1), typed);
        }
        return toJson(typed);
      }
      return PLACEHOLDER.matcher(text).replaceAll(m -> {
        Object typed = values.get(m.group(1));
        if (slot == Slot.SHELL_ARGS) {
          checkShellArgument(m.group(1), typed);
        }
        return Matcher.quoteReplacement(slot == Slot.HTTP_URL ? urlComponent(asText(typed)) : asText(typed));
      });
    }
    return value;
  }

  /** Percent-encodes everything but unreserved letters, digits, {@code -}, {@code _} and {@code ~}. */
  private static String urlComponent(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace(".", "%2E")
        .replace("*", "%2A");
  }

  private static void checkShellArgument(String name, Object value) {
    List<?> items = value instanceof List<?> list ? list : value == null ? List.of() : List.of(value);
    for (Object item : items) {
      String text = String.valueOf(item);
      if (text.startsWith("-")) {
        throw new IllegalArgumentException("<" + name + "> may not start with '-' (the script would read it as an option)");
      }
      if (text.contains("..")) {
        throw new IllegalArgumentException("<" + name + "> may not contain '..'");
      }
    }
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

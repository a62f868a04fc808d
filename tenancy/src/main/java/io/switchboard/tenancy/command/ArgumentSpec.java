package io.switchboard.tenancy.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One typed argument of a catalog command. Positional arguments are given in order
 * ({@code deploy production api}); an argument with {@code flag} set is given as
 * {@code --name value} or {@code --name=value}. A {@code multiple} argument takes a comma-separated
 * list ({@code api,web}). An argument with a default is optional.
 */
public record ArgumentSpec(
    String name,
    ArgumentType type,
    String description,
    List<String> values,
    Optional<Pattern> pattern,
    Optional<Long> min,
    Optional<Long> max,
    boolean required,
    Optional<String> defaultValue,
    boolean flag,
    boolean multiple,
    ArgumentScope scope) {

  public ArgumentSpec {
    values = List.copyOf(values);
  }

  /** How the argument is written in a usage line: {@code <environment>}, {@code [--version <version>]}. */
  public String usage() {
    String placeholder = multiple ? "<" + name + ",...>" : "<" + name + ">";
    String written = flag ? "--" + name + " " + placeholder : placeholder;
    return required ? written : "[" + written + "]";
  }

  /**
   * Checks the text written for this argument and converts it: for a {@code multiple} argument, a
   * list of the comma-separated items (none empty, none twice), each converted by {@link #convert}.
   *
   * @throws IllegalArgumentException with a message fit to show the user
   */
  public Object read(String text) {
    if (!multiple) {
      return convert(text);
    }
    List<Object> items = new ArrayList<>();
    for (String item : text.split(",", -1)) {
      if (item.isEmpty()) {
        throw new IllegalArgumentException(name + " has an empty item in '" + shorten(text) + "'");
      }
      Object value = convert(item);
      if (items.contains(value)) {
        throw new IllegalArgumentException(name + " names '" + shorten(item) + "' twice");
      }
      items.add(value);
    }
    return List.copyOf(items);
  }

  /**
   * Checks one written value and converts it: a {@link Long} for integers, the text otherwise.
   *
   * @throws IllegalArgumentException with a message fit to show the user
   */
  public Object convert(String text) {
    switch (type) {
      case ENUM -> {
        if (!values.contains(text)) {
          throw new IllegalArgumentException(
              "unknown " + name + " '" + shorten(text) + "'; one of: " + String.join(", ", values));
        }
        return text;
      }
      case INTEGER -> {
        long value;
        try {
          value = Long.parseLong(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(name + " must be a whole number" + range() + ", not '" + shorten(text) + "'");
        }
        if (min.isPresent() && value < min.get() || max.isPresent() && value > max.get()) {
          throw new IllegalArgumentException(name + " must be a whole number" + range() + ", not " + value);
        }
        return value;
      }
      default -> {
        if (pattern.isPresent() && !pattern.get().matcher(text).matches()) {
          throw new IllegalArgumentException(
              name + " '" + shorten(text) + "' does not have the expected form (" + pattern.get().pattern() + ")");
        }
        return text;
      }
    }
  }

  private String range() {
    if (min.isPresent() && max.isPresent()) {
      return " from " + min.get() + " to " + max.get();
    }
    if (min.isPresent()) {
      return " of at least " + min.get();
    }
    return max.map(m -> " of at most " + m).orElse("");
  }

  static String shorten(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}

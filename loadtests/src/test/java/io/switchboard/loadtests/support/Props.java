package io.switchboard.loadtests.support;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The simulations' configuration: {@code -Dname=value} system properties, read once when a
 * simulation is built. A missing required property or a value of the wrong kind stops the run at
 * once with an {@link IllegalArgumentException} that names the property and what it should be.
 */
public final class Props {

  private Props() {
  }

  /** The value, or {@code defaultValue} when it is unset or blank. */
  public static String string(String name, String defaultValue) {
    String value = System.getProperty(name);
    return value == null || value.isBlank() ? defaultValue : value.trim();
  }

  /** The value; {@code hint} says in the error what to pass when it is missing. */
  public static String required(String name, String hint) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Missing required system property -D" + name + "=... (" + hint + ")");
    }
    return value.trim();
  }

  /** An http(s) URL without a trailing slash. */
  public static String baseUrl(String name, String defaultValue) {
    String value = string(name, defaultValue);
    try {
      URI uri = new URI(value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw invalid(name, value, "an http:// or https:// URL such as http://127.0.0.1:8080");
      }
    } catch (URISyntaxException e) {
      throw invalid(name, value, "an http:// or https:// URL such as http://127.0.0.1:8080");
    }
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }

  /** An integer from {@code min} to {@code max}. */
  public static int integer(String name, int defaultValue, int min, int max) {
    String value = string(name, Integer.toString(defaultValue));
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(name, value, "a whole number from " + min + " to " + max);
  }

  /** A TCP port, 1 to 65535. */
  public static int port(String name, int defaultValue) {
    return integer(name, defaultValue, 1, 65_535);
  }

  /** A number greater than {@code min} (or equal to it, when {@code inclusive}) and at most {@code max}. */
  public static double decimal(String name, double defaultValue, double min, boolean inclusive, double max) {
    String value = string(name, Double.toString(defaultValue));
    try {
      double parsed = Double.parseDouble(value);
      if (Double.isFinite(parsed) && (inclusive ? parsed >= min : parsed > min) && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(name, value, "a number " + (inclusive ? "from " : "greater than ") + plain(min) + " up to " + plain(max));
  }

  /** One of {@code choices}, compared without regard to case; returned as given in {@code choices}. */
  public static String choice(String name, String defaultValue, String... choices) {
    String value = string(name, defaultValue);
    for (String choice : choices) {
      if (choice.equalsIgnoreCase(value)) {
        return choice;
      }
    }
    throw invalid(name, value, "one of " + String.join(", ", choices));
  }

  private static String plain(double number) {
    return BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
  }

  private static IllegalArgumentException invalid(String name, String value, String expected) {
    return new IllegalArgumentException("Invalid system property -D" + name + "=" + value + ": expected " + expected);
  }
}

package io.switchboard.gateway.slack;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An {@code application/x-www-form-urlencoded} body, decoded strictly: a bad percent escape or a
 * repeated field makes the whole body malformed rather than guessed at.
 */
public final class FormBody {

  private final Map<String, String> fields;

  private FormBody(Map<String, String> fields) {
    this.fields = fields;
  }

  /** @throws IllegalArgumentException saying what is malformed */
  public static FormBody parse(String body) {
    Map<String, String> fields = new HashMap<>();
    if (body.isEmpty()) {
      return new FormBody(fields);
    }
    for (String pair : body.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (fields.putIfAbsent(name, value) != null) {
        throw new IllegalArgumentException("field '" + name + "' appears more than once");
      }
    }
    return new FormBody(fields);
  }

  /**
   * Finds one field without decoding the rest, for choosing a signing secret before the body is
   * trusted. Empty when the field is absent or not decodable.
   */
  public static Optional<String> peek(String body, String name) {
    String prefix = name + "=";
    for (String pair : body.split("&")) {
      if (pair.startsWith(prefix)) {
        try {
          return Optional.of(decode(pair.substring(prefix.length())));
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  public Optional<String> get(String name) {
    return Optional.ofNullable(fields.get(name));
  }

  /** @throws IllegalArgumentException when the field is absent or blank */
  public String require(String name) {
    String value = fields.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("field '" + name + "' is missing");
    }
    return value;
  }

  /** @throws IllegalArgumentException when {@code s} is not valid form encoding or holds a NUL, which no field may */
  private static String decode(String s) {
    String decoded = URLDecoder.decode(s, StandardCharsets.UTF_8);
    if (decoded.indexOf('\u0000') >= 0) {
      throw new IllegalArgumentException("a field holds a NUL character");
    }
    return decoded;
  }
}

package io.switchboard.gateway.mattermost;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a form-encoded body ({@code application/x-www-form-urlencoded}), as Mattermost sends
 * a slash command. A field given twice, a malformed escape or a NUL character is a 400: it is not a
 * request Mattermost would send, and nothing should guess which value was meant.
 */
public record FormFields(Map<String, String> fields) {

  public FormFields {
    fields = Map.copyOf(fields);
  }

  public static FormFields parse(String body) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (fields.put(name, value) != null) {
        throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the form gives field '" + cut(name) + "' twice");
      }
    }
    return new FormFields(fields);
  }

  /** The field's value, empty when it is absent or blank. */
  public Optional<String> get(String name) {
    String value = fields.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  /** The field's value; a 400 naming it when it is absent or blank. */
  public String required(String name) {
    return get(name).orElseThrow(() -> new SwitchboardException(ErrorCode.MALFORMED_REQUEST,
        "the slash command has no " + name));
  }

  private static String decode(String encoded) {
    try {
      String decoded = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
      if (decoded.indexOf('\0') >= 0) {
        throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the form holds a NUL character");
      }
      return decoded;
    } catch (IllegalArgumentException e) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the form body is not valid form encoding");
    }
  }

  private static String cut(String name) {
    return name.length() <= 40 ? name : name.substring(0, 40) + "…";
  }
}

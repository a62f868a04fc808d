package io.switchboard.core.http;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Refuses a verified JSON payload that holds, in any key or string, a character the database cannot
 * store as sent: a NUL ({@code \u0000}), which PostgreSQL refuses in text and JSON, or half of a
 * UTF-16 surrogate pair (a lone {@code \ud800} escape), which no UTF-8 text can hold and which the
 * driver would silently turn into {@code ?}, so what is stored no longer matches what was checked
 * (a rate bucket's key, an installation's id). Such a payload would be acknowledged and then fail
 * where the chat platform never hears of it. Called after the request's signature is checked and
 * before it is acknowledged, so the caller gets a 400 instead.
 */
public final class UnstorableCharacters {

  private UnstorableCharacters() {
  }

  /** @throws SwitchboardException {@code malformed_request} when the value holds a NUL or a lone surrogate */
  public static void refuseIn(Object json) {
    if (holdsUnstorable(json)) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST,
          "the payload holds a NUL character or half of a UTF-16 surrogate pair, which is not accepted");
    }
  }

  /** Whether {@code text} holds a NUL or a surrogate without its other half. */
  public static boolean unstorable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u0000' || Character.isLowSurrogate(c)) {
        return true;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return true;
        }
        i++;
      }
    }
    return false;
  }

  private static boolean holdsUnstorable(Object value) {
    if (value instanceof String text) {
      return unstorable(text);
    }
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        if (unstorable(entry.getKey()) || holdsUnstorable(entry.getValue())) {
          return true;
        }
      }
      return false;
    }
    if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (holdsUnstorable(item)) {
          return true;
        }
      }
    }
    return false;
  }
}

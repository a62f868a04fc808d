package io.switchboard.core.http;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Refuses a verified JSON payload that holds a NUL character anywhere (a {@code \u0000} escape in a
 * key or a string): PostgreSQL stores no NUL in text or JSON, so such a payload would be
 * acknowledged and then fail where the chat platform never hears of it. Called after the request's
 * signature is checked and before it is acknowledged, so the caller gets a 400 instead.
 */
public final class NulCharacters {

  private NulCharacters() {
  }

  /** @throws SwitchboardException {@code malformed_request} when the value holds a NUL */
  public static void refuseIn(Object json) {
    if (holdsNul(json)) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the payload holds a NUL character, which is not accepted");
    }
  }

  private static boolean holdsNul(Object value) {
    if (value instanceof String text) {
      return text.indexOf('\u0000') >= 0;
    }
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        if (entry.getKey().indexOf('\u0000') >= 0 || holdsNul(entry.getValue())) {
          return true;
        }
      }
      return false;
    }
    if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (holdsNul(item)) {
          return true;
        }
      }
    }
    return false;
  }
}

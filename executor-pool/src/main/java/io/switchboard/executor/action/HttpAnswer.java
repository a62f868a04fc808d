package io.switchboard.executor.action;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** One HTTP answer an action got from its target, whatever its status. */
public record HttpAnswer(int status, MultiMap headers, Buffer body) {

  /** The body as a JSON object; an empty one when it is empty or not a JSON object (an HTML error page, say). */
  public JsonObject json() {
    try {
      return body.length() == 0 ? new JsonObject() : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      return new JsonObject();
    }
  }

  /** A 2xx status. */
  public boolean ok() {
    return status >= 200 && status < 300;
  }
}

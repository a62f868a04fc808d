package io.switchboard.gateway.notify;

import io.vertx.core.json.JsonObject;

/**
 * What became of one received notification: its id and the outcome, one of {@code posted} (it starts
 * a new message), {@code grouped} (it joins notifications waiting for the same channel),
 * {@code updated} (a status change of one already known: its message is edited) or
 * {@code deduplicated} (a repeat within the window: counted only).
 */
public record Receipt(long id, String key, String outcome) {

  public static final String POSTED = "posted";
  public static final String GROUPED = "grouped";
  public static final String UPDATED = "updated";
  public static final String DEDUPLICATED = "deduplicated";

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("key", key).put("outcome", outcome);
  }
}

package io.switchboard.gateway.notify;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/**
 * A notification as stored: its latest content and status, how often it repeated within the window,
 * and the message that shows it ({@code messageId} and {@code messageTs}, null until it is posted).
 */
public record StoredNotification(String tenantId, long id, String key, NotificationTarget target, String title,
                                 String text, String severity, String status, String source, int repeats,
                                 Long messageId, String messageTs, boolean owed, boolean failed) {

  /** The columns of {@code notifications n} that {@link #fromRow} reads (with {@code message_ts}); named, not {@code n.*}, as prepared statements are cached. */
  static final String COLUMNS = "n.tenant_id, n.id, n.dedup_key, n.platform, n.workspace, n.channel, n.title, n.body, "
      + "n.severity, n.status, n.source, n.repeats, n.message_id, n.owed, n.failed";

  static StoredNotification fromRow(Row row) {
    return new StoredNotification(row.getString("tenant_id"), row.getLong("id"), row.getString("dedup_key"),
        new NotificationTarget(row.getString("platform"), row.getString("workspace"), row.getString("channel")),
        row.getString("title"), row.getString("body"), row.getString("severity"), row.getString("status"),
        row.getString("source"), row.getInteger("repeats"), row.getLong("message_id"), row.getString("message_ts"),
        row.getBoolean("owed"), row.getBoolean("failed"));
  }

  /** The admin API's view: what it says, and whether it is shown ({@code delivery}: pending, shown or failed). */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("key", key).put("platform", target.platform())
        .put("workspace", target.workspace()).put("channel", target.channel()).put("title", title).put("text", text)
        .put("severity", severity).put("status", status).put("source", source).put("repeats", repeats)
        .put("delivery", failed ? "failed" : owed ? "pending" : "shown").put("messageTs", messageTs);
  }
}

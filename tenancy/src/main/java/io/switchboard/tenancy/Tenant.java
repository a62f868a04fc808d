package io.switchboard.tenancy;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;

/**
 * A tenant as the admin API shows it: id, display name, whether it is active or suspended, and how
 * many of its jobs may run at once (executors claim no more; the rest wait in the queue).
 */
public record Tenant(String id, String name, String status, Instant createdAt, int maxRunningJobs) {

  public static final String ACTIVE = "active";
  public static final String SUSPENDED = "suspended";

  static Tenant fromRow(Row row) {
    return new Tenant(row.getString("id"), row.getString("name"), row.getString("status"),
        row.getOffsetDateTime("created_at").toInstant(), row.getInteger("max_running_jobs"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("status", status).put("createdAt", createdAt.toString())
        .put("maxRunningJobs", maxRunningJobs);
  }
}

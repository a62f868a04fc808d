package io.switchboard.core.job;

import io.vertx.core.json.JsonObject;

/** The notification an executor publishes when a running job reports progress; {@code text} is redacted. */
public record JobProgress(String tenantId, long jobId, int attempt, String text) {

  public JsonObject toJson() {
    return new JsonObject().put("tenantId", tenantId).put("jobId", jobId).put("attempt", attempt).put("text", text);
  }

  public static JobProgress fromJson(JsonObject json) {
    return new JobProgress(json.getString("tenantId"), json.getLong("jobId"), json.getInteger("attempt"),
        json.getString("text"));
  }
}

package io.switchboard.core.job;

import io.vertx.core.json.JsonObject;

/** The notification an executor publishes when a job reaches a final state. */
public record JobFinished(String tenantId, long jobId, JobStatus status) {

  public JsonObject toJson() {
    return new JsonObject().put("tenantId", tenantId).put("jobId", jobId).put("status", status.wire());
  }

  public static JobFinished fromJson(JsonObject json) {
    return new JobFinished(json.getString("tenantId"), json.getLong("jobId"), JobStatus.fromWire(json.getString("status")));
  }
}

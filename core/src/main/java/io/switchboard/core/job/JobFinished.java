package io.switchboard.core.job;

import io.vertx.core.json.JsonObject;

/**
 * The notification an executor publishes when a job reaches a final state. Where the job ran
 * ({@code platform} and {@code channel}) comes along when the publisher knows it, so the reply path
 * can leave a result owed, unclaimed, while that channel's outbound queue is full; it is
 * {@code null} otherwise.
 */
public record JobFinished(String tenantId, long jobId, JobStatus status, String platform, String channel) {

  /** A job's end without where it ran. */
  public JobFinished(String tenantId, long jobId, JobStatus status) {
    this(tenantId, jobId, status, null, null);
  }

  /** A job's end, with where it ran. */
  public static JobFinished of(Job job, JobStatus status) {
    return new JobFinished(job.tenantId(), job.id(), status, job.platform(), job.channel());
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("tenantId", tenantId).put("jobId", jobId).put("status", status.wire());
    if (platform != null && channel != null) {
      json.put("platform", platform).put("channel", channel);
    }
    return json;
  }

  public static JobFinished fromJson(JsonObject json) {
    return new JobFinished(json.getString("tenantId"), json.getLong("jobId"), JobStatus.fromWire(json.getString("status")),
        json.getString("platform"), json.getString("channel"));
  }
}

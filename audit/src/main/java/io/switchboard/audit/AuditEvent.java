package io.switchboard.audit;

import io.vertx.core.json.JsonObject;

/**
 * One thing to record: what happened ({@code type}), to which tenant, who did it, for which job (if
 * any), and details. Details must never hold secret values.
 */
public record AuditEvent(String tenantId, AuditEventType type, String actor, Long jobId, JsonObject detail) {

  public static AuditEvent of(String tenantId, AuditEventType type, String actor, Long jobId, JsonObject detail) {
    return new AuditEvent(tenantId, type, actor, jobId, detail == null ? new JsonObject() : detail);
  }
}

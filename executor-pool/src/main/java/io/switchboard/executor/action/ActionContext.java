package io.switchboard.executor.action;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** What an action gets to work with: its typed arguments, the job's idempotency key, and Vert.x. */
public record ActionContext(Vertx vertx, String tenantId, long jobId, String idempotencyKey, JsonObject arguments) {
}

package io.switchboard.executor.action;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * What an action gets to work with: its typed arguments, the job's idempotency key (pass it to
 * targets that accept one), Vert.x, its tenant's {@link JobSecrets} (values it reads there are
 * redacted from whatever it returns), and {@code stop}: a future that completes, with the reason,
 * when the action must stop at once (timeout, cancellation, lost lease, shutdown). An action that
 * starts processes or long calls kills or cancels them when it completes. A long action tells how far
 * it has got through {@link Progress}.
 */
public record ActionContext(Vertx vertx, String tenantId, long jobId, int attempt, String idempotencyKey,
                            JsonObject arguments, JobSecrets secrets, Future<String> stop, Progress progress) {

  /** A context whose progress goes nowhere (actions run outside an executor, e.g. in tests). */
  public ActionContext(Vertx vertx, String tenantId, long jobId, int attempt, String idempotencyKey,
                       JsonObject arguments, JobSecrets secrets, Future<String> stop) {
    this(vertx, tenantId, jobId, attempt, idempotencyKey, arguments, secrets, stop, Progress.IGNORED);
  }
}

package io.switchboard.gateway.api;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.util.Optional;
import java.util.function.Function;

/**
 * Runs an admin change and writes its audit record in the same transaction, so the record exists
 * exactly when the change committed.
 */
final class AuditedChange {

  private AuditedChange() {
  }

  static <T> Future<T> run(Pool pool, Function<SqlConnection, Future<T>> change, Function<T, AuditEvent> event) {
    return pool.withTransaction(tx -> change.apply(tx)
        .compose(result -> AuditLog.append(tx, event.apply(result)).map(result)));
  }

  /** The value, or a failure with this code (e.g. a 404 for another tenant's object, same as a missing one). */
  static <T> Future<T> orFail(Optional<T> found, ErrorCode code, String detail) {
    return found.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(new SwitchboardException(code, detail)));
  }
}

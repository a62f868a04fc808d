package io.switchboard.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The cursors of audit forwarding: which tenants have records a sink has not acknowledged, and a
 * turn at forwarding one tenant's next records. A turn holds the tenant's cursor row locked (others
 * skip it) while the records are delivered, and moves the cursor only when delivery succeeded, in
 * the same transaction: a crash or a refused delivery leaves the cursor where it was, so records are
 * delivered at least once, in chain order, and never skipped. Sinks de-duplicate by tenant and seq.
 * A tenant's cursor row is created on its first turn here and remembered, not created again each turn.
 */
public final class AuditForwarding {

  private static final String BEHIND = """
      SELECT h.tenant_id FROM audit_chain_heads h
        LEFT JOIN audit_forwarding f ON f.sink = $1 AND f.tenant_id = h.tenant_id
       WHERE h.seq > coalesce(f.forwarded_seq, 0)
       ORDER BY coalesce(f.forwarded_at, '-infinity'), h.tenant_id
       LIMIT $2""";

  private static final String RECORDS_BEHIND = """
      SELECT coalesce(sum(h.seq - coalesce(f.forwarded_seq, 0)), 0) AS behind FROM audit_chain_heads h
        LEFT JOIN audit_forwarding f ON f.sink = $1 AND f.tenant_id = h.tenant_id""";

  private static final String ENSURE_CURSOR =
      "INSERT INTO audit_forwarding (sink, tenant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";

  private static final String LOCK_CURSOR = """
      SELECT forwarded_seq FROM audit_forwarding WHERE sink = $1 AND tenant_id = $2 FOR UPDATE SKIP LOCKED""";

  private static final String MOVE_CURSOR = """
      UPDATE audit_forwarding SET forwarded_seq = $3, forwarded_at = now() WHERE sink = $1 AND tenant_id = $2""";

  private final Pool pool;
  private final String sink;
  /** Tenants whose cursor row for this sink is known to exist. */
  private final Set<String> cursorsMade = ConcurrentHashMap.newKeySet();

  public AuditForwarding(Pool pool, String sink) {
    this.pool = pool;
    this.sink = sink;
  }

  /** Up to {@code limit} tenants with records the sink has not acknowledged, the longest-waiting first. */
  public Future<List<String>> tenantsBehind(int limit) {
    return pool.preparedQuery(BEHIND).execute(Tuple.of(sink, limit)).map(rows -> {
      List<String> tenants = new ArrayList<>();
      rows.forEach(row -> tenants.add(row.getString("tenant_id")));
      return tenants;
    });
  }

  /** How many records, all tenants, the sink has not acknowledged: one row per tenant read. */
  public Future<Long> recordsBehind() {
    return pool.preparedQuery(RECORDS_BEHIND).execute(Tuple.of(sink))
        .map(rows -> rows.iterator().next().getNumeric("behind").longValue());
  }

  /**
   * One turn for the tenant: its next records (at most {@code limit}) after the cursor go to
   * {@code deliver}; when it succeeds the cursor moves past them. Answers how many were delivered:
   * 0 when none waited or another gateway holds the tenant's turn.
   */
  public Future<Integer> forwardNext(String tenantId, int limit, Function<List<AuditRecord>, Future<Void>> deliver) {
    return ensureCursor(tenantId)
        .compose(v -> pool.withTransaction(tx -> lock(tx, tenantId).compose(cursor -> {
          if (cursor.isEmpty()) {
            // Another gateway's turn, or the row is gone: the next turn makes sure it exists.
            cursorsMade.remove(tenantId);
            return Future.succeededFuture(0);
          }
          return AuditQuery.page(tx, tenantId, cursor.get(), Long.MAX_VALUE, limit).compose(records -> {
            if (records.isEmpty()) {
              return Future.succeededFuture(0);
            }
            long last = records.get(records.size() - 1).seq();
            return deliver.apply(records)
                .compose(delivered -> tx.preparedQuery(MOVE_CURSOR).execute(Tuple.of(sink, tenantId, last)))
                .map(records.size());
          });
        })));
  }

  private Future<Void> ensureCursor(String tenantId) {
    if (cursorsMade.contains(tenantId)) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(ENSURE_CURSOR).execute(Tuple.of(sink, tenantId))
        .<Void>mapEmpty()
        .onSuccess(made -> cursorsMade.add(tenantId));
  }

  private Future<Optional<Long>> lock(SqlConnection tx, String tenantId) {
    return tx.preparedQuery(LOCK_CURSOR).execute(Tuple.of(sink, tenantId)).map(rows -> {
      for (Row row : rows) {
        return Optional.of(row.getLong("forwarded_seq"));
      }
      return Optional.empty();
    });
  }
}

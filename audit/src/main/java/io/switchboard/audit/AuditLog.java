package io.switchboard.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Appends to a tenant's hash chain inside the caller's transaction, so a record is written exactly
 * when the change it describes commits. Appends of one tenant are serialised by the row lock on its
 * chain head; different tenants never wait for each other.
 */
public final class AuditLog {

  /** Takes the next seq and the previous hash, locking the tenant's head row until commit. */
  private static final String ADVANCE_HEAD = """
      INSERT INTO audit_chain_heads (tenant_id, seq, hash) VALUES ($1, 1, $2)
      ON CONFLICT (tenant_id) DO UPDATE SET seq = audit_chain_heads.seq + 1
      RETURNING seq, hash""";

  private static final String INSERT_AND_MOVE_HEAD = """
      WITH appended AS (
        INSERT INTO audit_events (tenant_id, seq, occurred_at, event_type, actor, job_id, detail, prev_hash, hash)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      )
      UPDATE audit_chain_heads SET hash = $9 WHERE tenant_id = $1""";

  private AuditLog() {
  }

  /** Appends the event; call inside a transaction ({@code pool.withTransaction}). */
  public static Future<AuditRecord> append(SqlConnection tx, AuditEvent event) {
    return tx.preparedQuery(ADVANCE_HEAD)
        .execute(Tuple.of(event.tenantId(), AuditRecord.GENESIS_HASH))
        .compose(rows -> {
          var head = rows.iterator().next();
          AuditRecord record = AuditRecord.next(event, head.getLong("seq"), head.getString("hash"), Instant.now());
          return tx.preparedQuery(INSERT_AND_MOVE_HEAD)
              .execute(Tuple.wrap(new Object[] {
                  record.tenantId(), record.seq(), record.occurredAt().atOffset(ZoneOffset.UTC), record.eventType(),
                  record.actor(), record.jobId(), record.detail(), record.prevHash(), record.hash()}))
              .map(record);
        });
  }
}

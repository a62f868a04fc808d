package io.switchboard.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Appends to tenants' hash chains inside the caller's transaction, so a record is written exactly
 * when the change it describes commits. Appends of one tenant are serialised by the row lock on its
 * chain head; different tenants never wait for each other. A batch costs two round trips per tenant
 * however many records it holds, and takes the heads in tenant order, so transactions that append
 * for several tenants cannot deadlock each other.
 */
public final class AuditLog {

  /** Reserves {@code $3} seqs and returns the last of them and the previous hash, locking the head until commit. */
  private static final String ADVANCE_HEAD = """
      INSERT INTO audit_chain_heads (tenant_id, seq, hash) VALUES ($1, $3, $2)
      ON CONFLICT (tenant_id) DO UPDATE SET seq = audit_chain_heads.seq + $3
      RETURNING seq, hash""";

  private static final String INSERT_AND_MOVE_HEAD = """
      WITH appended AS (
        INSERT INTO audit_events (tenant_id, seq, occurred_at, event_type, actor, job_id, detail, prev_hash, hash)
        SELECT $1, s, o, t, a, j, d, p, h
        FROM unnest($2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[],
                    $9::text[]) AS u(s, o, t, a, j, d, p, h)
      )
      UPDATE audit_chain_heads SET hash = $10 WHERE tenant_id = $1""";

  private AuditLog() {
  }

  /** Appends the event; call inside a transaction ({@code pool.withTransaction}). */
  public static Future<AuditRecord> append(SqlConnection tx, AuditEvent event) {
    return appendAll(tx, List.of(event)).map(records -> records.get(0));
  }

  /**
   * Appends the events, each tenant's in the order given; call inside a transaction.
   *
   * @return the records written, grouped by tenant in tenant order
   */
  public static Future<List<AuditRecord>> appendAll(SqlConnection tx, List<AuditEvent> events) {
    Map<String, List<AuditEvent>> byTenant = new TreeMap<>();
    for (AuditEvent event : events) {
      byTenant.computeIfAbsent(event.tenantId(), t -> new ArrayList<>()).add(event);
    }
    List<AuditRecord> written = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, List<AuditEvent>> tenant : byTenant.entrySet()) {
      chain = chain.compose(v -> appendForTenant(tx, tenant.getKey(), tenant.getValue()).map(written::addAll).mapEmpty());
    }
    return chain.map(written);
  }

  private static Future<List<AuditRecord>> appendForTenant(SqlConnection tx, String tenantId, List<AuditEvent> events) {
    int count = events.size();
    return tx.preparedQuery(ADVANCE_HEAD)
        .execute(Tuple.of(tenantId, AuditRecord.GENESIS_HASH, count))
        .compose(rows -> {
          var head = rows.iterator().next();
          long seq = head.getLong("seq") - count;
          String previous = head.getString("hash");
          Instant now = Instant.now();
          List<AuditRecord> records = new ArrayList<>(count);
          for (AuditEvent event : events) {
            AuditRecord record = AuditRecord.next(event, ++seq, previous, now);
            records.add(record);
            previous = record.hash();
          }
          return tx.preparedQuery(INSERT_AND_MOVE_HEAD).execute(columns(tenantId, records, previous)).map(records);
        });
  }

  private static Tuple columns(String tenantId, List<AuditRecord> records, String lastHash) {
    return Tuple.wrap(new Object[] {
        tenantId,
        records.stream().map(AuditRecord::seq).toArray(Long[]::new),
        records.stream().map(r -> r.occurredAt().atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new),
        records.stream().map(AuditRecord::eventType).toArray(String[]::new),
        records.stream().map(AuditRecord::actor).toArray(String[]::new),
        records.stream().map(AuditRecord::jobId).toArray(Long[]::new),
        records.stream().map(AuditRecord::detail).toArray(String[]::new),
        records.stream().map(AuditRecord::prevHash).toArray(String[]::new),
        records.stream().map(AuditRecord::hash).toArray(String[]::new),
        lastHash});
  }
}

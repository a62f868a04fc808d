package io.switchboard.audit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Appends to tenants' hash chains inside the caller's transaction, so a record is written exactly
 * when the change it describes commits. Appends of one tenant are serialised by the row lock on its
 * chain head; different tenants never wait for each other. A batch costs two statements however many
 * records and tenants it holds, and takes the heads in tenant order, so transactions that append for
 * several tenants cannot deadlock each other. Append last in a transaction: the heads stay locked
 * until the commit.
 */
public final class AuditLog {

  /**
   * $1 tenants (sorted), $2 how many seqs each reserves. Answers each tenant's last reserved seq and
   * the hash its new records chain from, locking the heads (in tenant order) until the commit.
   */
  private static final String ADVANCE_HEADS = """
      INSERT INTO audit_chain_heads (tenant_id, seq, hash)
      SELECT t, n, $3 FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS u(t, n, turn) ORDER BY turn
      ON CONFLICT (tenant_id) DO UPDATE SET seq = audit_chain_heads.seq + excluded.seq
      RETURNING tenant_id, seq, hash""";

  /**
   * Inserts the records ($1-$9, one element each; all keyed with their tenants' chain keys or all
   * not, $12) and moves each tenant's head ($10) to its hash ($11).
   */
  private static final String INSERT_AND_MOVE_HEADS = """
      WITH appended AS (
        INSERT INTO audit_events (tenant_id, seq, occurred_at, event_type, actor, job_id, detail, prev_hash, hash,
                                  keyed, tenant_keyed)
        SELECT *, $12::boolean, $12::boolean FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[],
                                           $6::bigint[], $7::text[], $8::text[], $9::text[])
      )
      UPDATE audit_chain_heads h SET hash = u.hash
      FROM unnest($10::text[], $11::text[]) AS u(tenant_id, hash)
      WHERE h.tenant_id = u.tenant_id""";

  /** Where appends are timed: {@code ok} and {@code failed}, or nothing before {@link #measureWith}. */
  private static volatile Timer[] writes;

  private AuditLog() {
  }

  /**
   * Times every append from now on into {@code registry}'s {@code switchboard.audit.write} (seconds,
   * histogram; {@code outcome} {@code ok} or {@code failed}): both statements, the wait for the
   * tenants' chain-head locks included, which is where a contended chain shows. JVM-wide, like
   * {@link AuditKey#install}: with several nodes in one JVM (tests) the last one's registry counts.
   */
  public static void measureWith(MeterRegistry registry) {
    writes = new Timer[] {writeTimer(registry, "ok"), writeTimer(registry, "failed")};
  }

  private static Timer writeTimer(MeterRegistry registry, String outcome) {
    return Timer.builder("switchboard.audit.write")
        .description("Time to append audit records inside the caller's transaction, chain-head lock waits included")
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(registry);
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
    if (events.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Timer[] timers = writes;
    if (timers == null) {
      return write(tx, events);
    }
    long start = System.nanoTime();
    return write(tx, events).onComplete(ar ->
        timers[ar.succeeded() ? 0 : 1].record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
  }

  private static Future<List<AuditRecord>> write(SqlConnection tx, List<AuditEvent> events) {
    Map<String, List<AuditEvent>> byTenant = new TreeMap<>();
    for (AuditEvent event : events) {
      byTenant.computeIfAbsent(event.tenantId(), t -> new ArrayList<>()).add(event);
    }
    String[] tenants = byTenant.keySet().toArray(String[]::new);
    Long[] counts = byTenant.values().stream().map(list -> (long) list.size()).toArray(Long[]::new);
    return tx.preparedQuery(ADVANCE_HEADS)
        .execute(Tuple.tuple().addArrayOfString(tenants).addArrayOfLong(counts).addString(AuditRecord.GENESIS_HASH))
        .compose(rows -> {
          Map<String, Row> heads = new HashMap<>();
          rows.forEach(row -> heads.put(row.getString("tenant_id"), row));
          Instant now = Instant.now();
          List<AuditRecord> records = new ArrayList<>(events.size());
          String[] lastHashes = new String[tenants.length];
          for (int t = 0; t < tenants.length; t++) {
            List<AuditEvent> ofTenant = byTenant.get(tenants[t]);
            Row head = heads.get(tenants[t]);
            long seq = head.getLong("seq") - ofTenant.size();
            String previous = head.getString("hash");
            for (AuditEvent event : ofTenant) {
              AuditRecord record = AuditRecord.next(event, ++seq, previous, now);
              records.add(record);
              previous = record.hash();
            }
            lastHashes[t] = previous;
          }
          return tx.preparedQuery(INSERT_AND_MOVE_HEADS).execute(columns(records, tenants, lastHashes)).map(records);
        });
  }

  private static Tuple columns(List<AuditRecord> records, String[] tenants, String[] lastHashes) {
    return Tuple.wrap(new Object[] {
        records.stream().map(AuditRecord::tenantId).toArray(String[]::new),
        records.stream().map(AuditRecord::seq).toArray(Long[]::new),
        records.stream().map(r -> r.occurredAt().atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new),
        records.stream().map(AuditRecord::eventType).toArray(String[]::new),
        records.stream().map(AuditRecord::actor).toArray(String[]::new),
        records.stream().map(AuditRecord::jobId).toArray(Long[]::new),
        records.stream().map(AuditRecord::detail).toArray(String[]::new),
        records.stream().map(AuditRecord::prevHash).toArray(String[]::new),
        records.stream().map(AuditRecord::hash).toArray(String[]::new),
        tenants,
        lastHashes,
        records.get(0).keyed()});
  }
}

package io.switchboard.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads one tenant's audit log in chain order: filtered by event type and job for people, in pages
 * of consecutive records for verification and export, and its chain head. Every read names the
 * tenant; the next page starts after the last {@code seq} of this one.
 */
public final class AuditQuery {

  /** What to read; null filters match everything. */
  public record Filter(String eventType, Long jobId, long afterSeq, int limit) {
  }

  /** A tenant's newest record as its chain head names it; seq 0 and the genesis hash for an empty chain. */
  public record Head(long seq, String hash) {
  }

  /** The first and last seq of a tenant's records in a time range. */
  public record SeqRange(long first, long last) {
  }

  private static final String READ = "SELECT " + AuditRecord.COLUMNS + """
       FROM audit_events
      WHERE tenant_id = $1 AND seq > $2 AND ($3::text IS NULL OR event_type = $3)
        AND ($4::bigint IS NULL OR job_id = $4)
      ORDER BY seq LIMIT $5""";

  private static final String PAGE = "SELECT " + AuditRecord.COLUMNS
      + " FROM audit_events WHERE tenant_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4";

  private static final String HEAD = "SELECT seq, hash FROM audit_chain_heads WHERE tenant_id = $1";

  private static final String RANGE = """
      SELECT min(seq) AS first, max(seq) AS last FROM audit_events
       WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR occurred_at >= $2)
         AND ($3::timestamptz IS NULL OR occurred_at < $3)""";

  private AuditQuery() {
  }

  public static Future<List<AuditRecord>> read(SqlClient client, String tenantId, Filter filter) {
    return client.preparedQuery(READ)
        .execute(Tuple.of(tenantId, filter.afterSeq(), filter.eventType(), filter.jobId(), filter.limit()))
        .map(AuditQuery::records);
  }

  /** Up to {@code limit} consecutive records after {@code afterSeq}, none beyond {@code untilSeq}. */
  public static Future<List<AuditRecord>> page(SqlClient client, String tenantId, long afterSeq, long untilSeq,
                                               int limit) {
    return client.preparedQuery(PAGE).execute(Tuple.of(tenantId, afterSeq, untilSeq, limit)).map(AuditQuery::records);
  }

  /** The tenant's chain head. */
  public static Future<Head> head(SqlClient client, String tenantId) {
    return client.preparedQuery(HEAD).execute(Tuple.of(tenantId)).map(rows -> {
      for (Row row : rows) {
        return new Head(row.getLong("seq"), row.getString("hash"));
      }
      return new Head(0, AuditRecord.GENESIS_HASH);
    });
  }

  /**
   * The seqs of the tenant's first and last record written in {@code [from, to)} (either end open
   * when null); empty when none was. Records between them are exported whatever their time, so an
   * export is always a run of consecutive records that links.
   */
  public static Future<Optional<SeqRange>> seqRange(SqlClient client, String tenantId, Instant from, Instant to) {
    return client.preparedQuery(RANGE).execute(Tuple.of(tenantId, utc(from), utc(to))).map(rows -> {
      Row row = rows.iterator().next();
      Long first = row.getLong("first");
      return first == null ? Optional.empty() : Optional.of(new SeqRange(first, row.getLong("last")));
    });
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static List<AuditRecord> records(RowSet<Row> rows) {
    List<AuditRecord> records = new ArrayList<>(rows.size());
    rows.forEach(row -> records.add(AuditRecord.fromRow(row)));
    return records;
  }
}

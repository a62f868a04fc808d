package io.switchboard.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one tenant's audit log in chain order, filtered by event type and job, paged by sequence
 * number: the next page starts after the last {@code seq} of this one.
 */
public final class AuditQuery {

  /** What to read; null filters match everything. */
  public record Filter(String eventType, Long jobId, long afterSeq, int limit) {
  }

  private static final String READ = "SELECT " + AuditRecord.COLUMNS + """
       FROM audit_events
      WHERE tenant_id = $1 AND seq > $2 AND ($3::text IS NULL OR event_type = $3)
        AND ($4::bigint IS NULL OR job_id = $4)
      ORDER BY seq LIMIT $5""";

  private AuditQuery() {
  }

  public static Future<List<AuditRecord>> read(SqlClient client, String tenantId, Filter filter) {
    return client.preparedQuery(READ)
        .execute(Tuple.of(tenantId, filter.afterSeq(), filter.eventType(), filter.jobId(), filter.limit()))
        .map(rows -> {
          List<AuditRecord> records = new ArrayList<>();
          rows.forEach(row -> records.add(AuditRecord.fromRow(row)));
          return records;
        });
  }
}

package io.switchboard.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Verifies a tenant's audit chain: seqs run 1, 2, 3... without a gap, each record's previous hash is
 * the hash of the record before it, each stored hash matches its recomputed hash, and the chain head
 * names the last record. An edited, inserted or deleted row (the last one included) breaks one of these.
 * Reads in pages, so a long chain never sits in memory whole.
 */
public final class AuditChainVerifier {

  static final int PAGE_SIZE = 1000;

  private static final String PAGE = "SELECT " + AuditRecord.COLUMNS
      + " FROM audit_events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";

  private static final String HEAD = "SELECT seq, hash FROM audit_chain_heads WHERE tenant_id = $1";

  private final SqlClient client;

  public AuditChainVerifier(SqlClient client) {
    this.client = client;
  }

  public Future<ChainVerification> verify(String tenantId) {
    return verifyFrom(new Position(tenantId, 0, AuditRecord.GENESIS_HASH));
  }

  private Future<ChainVerification> verifyFrom(Position position) {
    return client.preparedQuery(PAGE).execute(Tuple.of(position.tenantId, position.seq, PAGE_SIZE)).compose(rows -> {
      List<AuditRecord> page = new ArrayList<>(rows.size());
      for (Row row : rows) {
        page.add(AuditRecord.fromRow(row));
      }
      Position current = position;
      for (AuditRecord record : page) {
        String problem = current.problemWith(record);
        if (problem != null) {
          return Future.succeededFuture(
              ChainVerification.broken(current.tenantId, current.seq, current.seq + 1, problem));
        }
        current = new Position(current.tenantId, record.seq(), record.hash());
      }
      return page.size() == PAGE_SIZE ? verifyFrom(current) : checkHead(current);
    });
  }

  private Future<ChainVerification> checkHead(Position last) {
    return client.preparedQuery(HEAD).execute(Tuple.of(last.tenantId)).map(rows -> {
      long headSeq = 0;
      String headHash = AuditRecord.GENESIS_HASH;
      for (Row row : rows) {
        headSeq = row.getLong("seq");
        headHash = row.getString("hash");
      }
      if (headSeq != last.seq || !headHash.equals(last.hash)) {
        return ChainVerification.broken(last.tenantId, last.seq, last.seq + 1,
            "the chain head names record " + headSeq + " but the log ends at record " + last.seq);
      }
      return ChainVerification.intact(last.tenantId, last.seq);
    });
  }

  /** The last verified record of the walk. */
  private record Position(String tenantId, long seq, String hash) {

    String problemWith(AuditRecord record) {
      if (record.seq() != seq + 1) {
        return "record " + (seq + 1) + " is missing (next stored record is " + record.seq() + ")";
      }
      if (!record.prevHash().equals(hash)) {
        return "record " + record.seq() + " does not link to the hash of record " + seq;
      }
      if (!record.recomputeHash().equals(record.hash())) {
        return "record " + record.seq() + " was altered: its contents no longer match its hash";
      }
      return null;
    }
  }
}

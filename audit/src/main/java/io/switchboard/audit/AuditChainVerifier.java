package io.switchboard.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Verifies a tenant's audit chain: seqs run 1, 2, 3... without a gap, each record's previous hash is
 * the hash of the record before it, each stored hash matches its recomputed hash (an HMAC under the
 * {@link AuditKey} for keyed records, so a rewrite with recomputed hashes fails without the key), no
 * unkeyed record follows a keyed one, the chain head names the last record, and every anchor of the
 * tenant ({@link AuditAnchors}, kept outside the database) names a record the log still holds with
 * that hash. An edited, inserted or deleted row, a rewound head, a wiped chain and truncated tables
 * each break one of these. Reads in pages, so a long chain never sits in memory whole.
 */
public final class AuditChainVerifier {

  static final int PAGE_SIZE = 1000;

  private static final String PAGE = "SELECT " + AuditRecord.COLUMNS
      + " FROM audit_events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";

  private static final String HEAD = "SELECT seq, hash FROM audit_chain_heads WHERE tenant_id = $1";

  private final SqlClient client;
  private final Optional<AuditKey> key;

  /** A verifier with this process's key ({@link AuditKey#installed()}). */
  public AuditChainVerifier(SqlClient client) {
    this(client, AuditKey.installed());
  }

  public AuditChainVerifier(SqlClient client, Optional<AuditKey> key) {
    this.client = client;
    this.key = key;
  }

  /** Verifies the chain on its own, without anchors. */
  public Future<ChainVerification> verify(String tenantId) {
    return verify(tenantId, List.of());
  }

  /** Verifies the chain and that it still holds every anchored record. */
  public Future<ChainVerification> verify(String tenantId, List<AuditAnchors.Anchor> anchors) {
    Walk walk = new Walk(tenantId, new TreeMap<>());
    for (AuditAnchors.Anchor anchor : anchors) {
      walk.anchors.merge(anchor.seq(), anchor, (a, b) -> a.hash().equals(b.hash()) ? a : b);
    }
    return verifyFrom(walk);
  }

  private Future<ChainVerification> verifyFrom(Walk walk) {
    return client.preparedQuery(PAGE).execute(Tuple.of(walk.tenantId, walk.seq, PAGE_SIZE)).compose(rows -> {
      List<AuditRecord> page = new ArrayList<>(rows.size());
      for (Row row : rows) {
        page.add(AuditRecord.fromRow(row));
      }
      for (AuditRecord record : page) {
        String problem = walk.problemWith(record, key);
        if (problem != null) {
          return Future.succeededFuture(ChainVerification.broken(walk.tenantId, walk.seq, walk.seq + 1, problem));
        }
        walk.advance(record);
      }
      return page.size() == PAGE_SIZE ? verifyFrom(walk) : checkEnd(walk);
    });
  }

  private Future<ChainVerification> checkEnd(Walk walk) {
    Map.Entry<Long, AuditAnchors.Anchor> lastAnchor = walk.anchors.lastEntry();
    if (lastAnchor != null && lastAnchor.getKey() > walk.seq) {
      AuditAnchors.Anchor anchor = lastAnchor.getValue();
      return Future.succeededFuture(ChainVerification.broken(walk.tenantId, walk.seq, walk.seq + 1,
          "the log ends at record " + walk.seq + ", but record " + anchor.seq() + " was anchored at " + anchor.at()
              + ": records were deleted"));
    }
    return client.preparedQuery(HEAD).execute(Tuple.of(walk.tenantId)).map(rows -> {
      long headSeq = 0;
      String headHash = AuditRecord.GENESIS_HASH;
      for (Row row : rows) {
        headSeq = row.getLong("seq");
        headHash = row.getString("hash");
      }
      if (headSeq != walk.seq || !headHash.equals(walk.hash)) {
        return ChainVerification.broken(walk.tenantId, walk.seq, walk.seq + 1,
            "the chain head names record " + headSeq + " but the log ends at record " + walk.seq);
      }
      return ChainVerification.intact(walk.tenantId, walk.seq, walk.unkeyed, walk.anchors.size());
    });
  }

  /** Where the walk is: the last verified record, whether a keyed record was seen, and the anchors to meet. */
  private static final class Walk {
    final String tenantId;
    final TreeMap<Long, AuditAnchors.Anchor> anchors;
    long seq;
    String hash = AuditRecord.GENESIS_HASH;
    boolean keyedSeen;
    long unkeyed;

    Walk(String tenantId, TreeMap<Long, AuditAnchors.Anchor> anchors) {
      this.tenantId = tenantId;
      this.anchors = anchors;
    }

    String problemWith(AuditRecord record, Optional<AuditKey> key) {
      if (record.seq() != seq + 1) {
        return "record " + (seq + 1) + " is missing (next stored record is " + record.seq() + ")";
      }
      if (!record.prevHash().equals(hash)) {
        return "record " + record.seq() + " does not link to the hash of record " + seq;
      }
      if (record.keyed() && key.isEmpty()) {
        return "record " + record.seq() + " is keyed, but this node has no audit key to check it";
      }
      if (!record.keyed() && keyedSeen) {
        return "record " + record.seq() + " is unkeyed after keyed records: it was rewritten without the key";
      }
      if (!record.recomputeHash(key.orElse(null)).equals(record.hash())) {
        return "record " + record.seq() + " was altered: its contents no longer match its hash";
      }
      AuditAnchors.Anchor anchor = anchors.get(record.seq());
      if (anchor != null && !anchor.hash().equals(record.hash())) {
        return "record " + record.seq() + " differs from its anchor of " + anchor.at() + ": it was rewritten";
      }
      return null;
    }

    void advance(AuditRecord record) {
      seq = record.seq();
      hash = record.hash();
      keyedSeen |= record.keyed();
      unkeyed += record.keyed() ? 0 : 1;
    }
  }
}

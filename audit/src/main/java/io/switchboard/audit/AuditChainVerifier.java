package io.switchboard.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.util.List;
import java.util.Optional;

/**
 * Verifies a tenant's audit chain in the database with the deployment's {@link AuditKey}: every
 * record passes the {@link ChainWalk} from record 1 (so a rewrite with recomputed hashes fails without
 * the key), the chain head names the last record, and every anchor of the tenant ({@link
 * AuditAnchors}, kept outside the database) names a record the log still holds with that hash. An
 * edited, inserted or deleted row, a rewound head, a wiped chain and truncated tables each break one
 * of these. Reads in pages, so a long chain never sits in memory whole.
 */
public final class AuditChainVerifier {

  static final int PAGE_SIZE = 1000;

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
    return verifyFrom(new ChainWalk(tenantId, 0, AuditRecord.GENESIS_HASH, anchors, ChainWalk.deploymentKeys(key),
        true), tenantId);
  }

  private Future<ChainVerification> verifyFrom(ChainWalk walk, String tenantId) {
    return AuditQuery.page(client, tenantId, walk.seq(), Long.MAX_VALUE, PAGE_SIZE).compose(page -> {
      for (AuditRecord record : page) {
        String problem = walk.check(record);
        if (problem != null) {
          return Future.succeededFuture(ChainVerification.broken(tenantId, walk.checked(), walk.seq() + 1, problem));
        }
      }
      return page.size() == PAGE_SIZE ? verifyFrom(walk, tenantId) : checkEnd(walk, tenantId);
    });
  }

  private Future<ChainVerification> checkEnd(ChainWalk walk, String tenantId) {
    String deleted = walk.anchorBeyondTheEnd();
    if (deleted != null) {
      return Future.succeededFuture(ChainVerification.broken(tenantId, walk.checked(), walk.seq() + 1, deleted));
    }
    return AuditQuery.head(client, tenantId).map(head -> {
      if (head.seq() != walk.seq() || !head.hash().equals(walk.hash())) {
        return ChainVerification.broken(tenantId, walk.checked(), walk.seq() + 1,
            "the chain head names record " + head.seq() + " but the log ends at record " + walk.seq());
      }
      return ChainVerification.intact(tenantId, walk.checked(), walk.unkeyed(), walk.anchorCount());
    });
  }
}

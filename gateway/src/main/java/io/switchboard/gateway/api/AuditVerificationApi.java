package io.switchboard.gateway.api;

import io.switchboard.audit.AuditAnchors;
import io.switchboard.audit.AuditChainVerifier;
import io.switchboard.audit.ChainVerification;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.tenancy.Tenants;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.Optional;

/**
 * {@code GET /api/v1/tenants/{tenantId}/audit-verification} (operator): walks the tenant's audit chain
 * with the node's audit key and compares it with every anchor of the tenant in the anchor file, and
 * answers what it found: intact, or the first broken record and why. A tenant that no longer exists
 * but has anchors is verified too (its chain was wiped); one with neither is a 404. Untrusted lines
 * of the anchor file are listed. Without an audit key or anchors (a gateway started without them)
 * it is a 503.
 */
public final class AuditVerificationApi {

  private final Vertx vertx;
  private final Pool pool;
  private final Optional<AuditAnchors> anchors;

  public AuditVerificationApi(Vertx vertx, Pool pool, Optional<AuditAnchors> anchors) {
    this.vertx = vertx;
    this.pool = pool;
    this.anchors = anchors;
  }

  public void mount(Router router) {
    router.get("/api/v1/tenants/:tenantId/audit-verification").handler(this::verify);
  }

  private void verify(RoutingContext ctx) {
    String tenantId = ContractValidation.path(ctx, "tenantId").getString();
    if (anchors.isEmpty()) {
      ctx.fail(new SwitchboardException(ErrorCode.NOT_CONFIGURED,
          "this gateway has no audit key or anchor file, so it cannot verify audit chains"));
      return;
    }
    vertx.executeBlocking(anchors.get()::read, false)
        .compose(read -> Tenants.find(pool, tenantId).compose(tenant -> {
          if (tenant.isEmpty() && read.of(tenantId).isEmpty()) {
            return Future.failedFuture(new SwitchboardException(ErrorCode.NOT_FOUND, "no tenant '" + tenantId + "'"));
          }
          return new AuditChainVerifier(pool).verify(tenantId, read.of(tenantId))
              .map(result -> json(result, read));
        }))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private static JsonObject json(ChainVerification result, AuditAnchors.Read read) {
    return new JsonObject()
        .put("tenantId", result.tenantId())
        .put("intact", result.isIntact())
        .put("recordsChecked", result.recordsChecked())
        .put("brokenAtSeq", result.isIntact() ? null : result.brokenAtSeq())
        .put("problem", result.problem())
        .put("unkeyedRecords", result.unkeyedRecords())
        .put("anchorsChecked", result.anchorsChecked())
        .put("anchorFileProblems", new JsonArray(read.problems()));
  }
}

package io.switchboard.gateway.api;

import io.switchboard.audit.AnchorSigningKey;
import io.switchboard.audit.AuditAnchors;
import io.switchboard.audit.AuditChainVerifier;
import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditKey;
import io.switchboard.audit.AuditLog;
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
 * Verifies a tenant's audit chain with the node's audit key against every anchor of the tenant in the
 * anchor file, and answers what it found: intact, or the first broken record and why. The operator
 * asks for any tenant ({@code GET /api/v1/tenants/{tenantId}/audit-verification}): one that no longer
 * exists but has anchors is verified too (its chain was wiped), one with neither is a 404. A tenant
 * admin asks for its own ({@code GET /api/v1/audit/verify}), and takes its chain key ({@code GET
 * /api/v1/audit/chain-key}, audited) and the public key anchors are signed with ({@code GET
 * /api/v1/audit/anchor-key}) to re-verify an export elsewhere. Untrusted lines of the anchor
 * file are listed. Without an audit key or anchors (a gateway started without them) each is a 503.
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
    router.get("/api/v1/tenants/:tenantId/audit-verification")
        .handler(ctx -> verify(ctx, ContractValidation.path(ctx, "tenantId").getString()));
    router.get("/api/v1/audit/verify").handler(ctx -> verify(ctx, TenantTokenAuth.tenantId(ctx)));
    router.get("/api/v1/audit/chain-key").handler(this::chainKey);
    router.get("/api/v1/audit/anchor-key").handler(this::anchorKey);
  }

  private void anchorKey(RoutingContext ctx) {
    if (anchors.isEmpty()) {
      ctx.fail(notConfigured("sign anchors"));
      return;
    }
    AnchorSigningKey key = anchors.get().signingKey();
    ctx.json(new JsonObject().put("algorithm", "Ed25519").put("keyId", key.keyId()).put("publicKey", key.publicKeyHex()));
  }

  private void verify(RoutingContext ctx, String tenantId) {
    if (anchors.isEmpty()) {
      ctx.fail(notConfigured("verify audit chains"));
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

  private void chainKey(RoutingContext ctx) {
    Optional<AuditKey> key = AuditKey.installed();
    if (key.isEmpty()) {
      ctx.fail(notConfigured("give out chain keys"));
      return;
    }
    String tenantId = TenantTokenAuth.tenantId(ctx);
    pool.withTransaction(tx -> AuditLog.append(tx, AuditEvent.of(tenantId, AuditEventType.AUDIT_CHAIN_KEY_READ,
            TenantTokenAuth.actor(ctx), null, new JsonObject())))
        .onSuccess(record -> ctx.json(new JsonObject().put("tenantId", tenantId).put("algorithm", "HMAC-SHA256")
            .put("key", key.get().forTenant(tenantId).hex())))
        .onFailure(ctx::fail);
  }

  private static SwitchboardException notConfigured(String what) {
    return new SwitchboardException(ErrorCode.NOT_CONFIGURED,
        "this gateway has no audit key or anchor file, so it cannot " + what);
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

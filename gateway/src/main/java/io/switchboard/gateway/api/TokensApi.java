package io.switchboard.gateway.api;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.tenancy.ApiTokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * The tenant's API tokens: {@code POST /api/v1/tokens} makes one and shows it this once (only its
 * SHA-256 is stored), {@code GET} lists them without token or hash, {@code DELETE .../{id}} revokes
 * one, which is refused from the next request on. Creation and revocation are audited.
 */
public final class TokensApi {

  private final Pool pool;

  public TokensApi(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    router.post("/api/v1/tokens").handler(this::create);
    router.get("/api/v1/tokens").handler(this::list);
    router.delete("/api/v1/tokens/:tokenId").handler(this::revoke);
  }

  /** A token just made, with the token itself: answer it once, never log it. */
  static JsonObject json(ApiTokens.IssuedToken issued) {
    return json(issued.info()).put("token", issued.token());
  }

  static JsonObject json(ApiTokens.TokenInfo token) {
    return new JsonObject().put("id", token.id()).put("label", token.label())
        .put("createdAt", token.createdAt().toString())
        .put("revokedAt", token.revokedAt() == null ? null : token.revokedAt().toString());
  }

  /** The audit record of a token made for the tenant by {@code actor} (a tenant token, or the operator). */
  static AuditEvent created(String tenantId, ApiTokens.IssuedToken issued, String actor) {
    return AuditEvent.of(tenantId, AuditEventType.TOKEN_CREATED, actor, null,
        new JsonObject().put("tokenId", issued.info().id()).put("label", issued.info().label()));
  }

  /** Answers 201 with the token just made, shown this once and never stored by a cache on the way. */
  static void answerCreated(RoutingContext ctx, ApiTokens.IssuedToken issued) {
    ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(json(issued).encode());
  }

  private void create(RoutingContext ctx) {
    String tenantId = TenantTokenAuth.tenantId(ctx);
    String label = ContractValidation.validated(ctx).getBody().getJsonObject().getString("label");
    AuditedChange.run(pool, tx -> ApiTokens.issue(tx, tenantId, label),
            issued -> created(tenantId, issued, TenantTokenAuth.actor(ctx)))
        .onSuccess(issued -> answerCreated(ctx, issued))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    ApiTokens.list(pool, TenantTokenAuth.tenantId(ctx))
        .onSuccess(tokens -> {
          JsonArray items = new JsonArray();
          tokens.forEach(token -> items.add(json(token)));
          ctx.json(new JsonObject().put("tokens", items));
        })
        .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    String tenantId = TenantTokenAuth.tenantId(ctx);
    long id = ContractValidation.path(ctx, "tokenId").getLong();
    AuditedChange.run(pool,
            tx -> ApiTokens.revoke(tx, tenantId, id).compose(revoked -> revoked.isPresent()
                ? Future.succeededFuture(revoked.get())
                : ApiTokens.find(tx, tenantId, id).compose(existing -> Future.failedFuture(existing.isPresent()
                    ? new SwitchboardException(ErrorCode.CONFLICT, "token " + id + " is revoked already")
                    : new SwitchboardException(ErrorCode.NOT_FOUND, "no token " + id)))),
            revoked -> AuditEvent.of(tenantId, AuditEventType.TOKEN_REVOKED, TenantTokenAuth.actor(ctx), null,
                new JsonObject().put("tokenId", id).put("label", revoked.label())))
        .onSuccess(revoked -> ctx.json(json(revoked)))
        .onFailure(ctx::fail);
  }
}

package io.switchboard.gateway.api;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.http.BearerToken;
import io.switchboard.tenancy.ApiTokens;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.Optional;

/**
 * The route step in front of every tenant API route: resolves {@code Authorization: Bearer <token>}
 * to its tenant and puts the tenant id and the token's identity in the routing context. Handlers read
 * them with {@link #tenantId(RoutingContext)} and {@link #actor(RoutingContext)} and scope every
 * query by the tenant; nothing else names it. An unknown or revoked token is a 401, a suspended
 * tenant's token a 403. Every request is a fresh lookup, so a revocation takes effect at once.
 */
public final class TenantTokenAuth implements Handler<RoutingContext> {

  private static final String HOLDER_KEY = "switchboard.tokenHolder";

  private final Pool pool;

  public TenantTokenAuth(Pool pool) {
    this.pool = pool;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<String> token = BearerToken.of(ctx);
    if (token.isEmpty()) {
      BearerToken.refuse(ctx, "send the tenant's admin token as 'Authorization: Bearer <token>'");
      return;
    }
    ApiTokens.identify(pool, token.get()).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result().isEmpty()) {
        BearerToken.refuse(ctx, "the token is unknown or revoked");
      } else if (!ar.result().get().tenantActive()) {
        ctx.fail(new SwitchboardException(ErrorCode.FORBIDDEN, "the tenant is suspended"));
      } else {
        ctx.put(HOLDER_KEY, ar.result().get());
        ctx.next();
      }
    });
  }

  /** The authenticated tenant of this request. */
  public static String tenantId(RoutingContext ctx) {
    return ctx.<ApiTokens.Holder>get(HOLDER_KEY).tenantId();
  }

  /** Who made this request, for the audit log: the token's id and label, never the token. */
  public static String actor(RoutingContext ctx) {
    ApiTokens.Holder holder = ctx.get(HOLDER_KEY);
    return "api-token:" + holder.tokenId() + " (" + holder.label() + ")";
  }
}

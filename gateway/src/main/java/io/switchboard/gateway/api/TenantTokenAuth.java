package io.switchboard.gateway.api;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.tenancy.ApiTokens;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * The route step in front of every tenant API route: resolves {@code Authorization: Bearer <token>}
 * to its tenant and puts the tenant id in the routing context. Handlers read it with
 * {@link #tenantId(RoutingContext)} and scope every query by it; nothing else names the tenant.
 */
public final class TenantTokenAuth implements Handler<RoutingContext> {

  private static final String TENANT_KEY = "switchboard.tenantId";
  private static final String BEARER = "Bearer ";

  private final Pool pool;

  public TenantTokenAuth(Pool pool) {
    this.pool = pool;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        || header.length() == BEARER.length()) {
      refuse(ctx, "send the tenant's admin token as 'Authorization: Bearer <token>'");
      return;
    }
    ApiTokens.authenticate(pool, header.substring(BEARER.length()).trim()).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result().isEmpty()) {
        refuse(ctx, "the token is unknown or revoked");
      } else {
        ctx.put(TENANT_KEY, ar.result().get());
        ctx.next();
      }
    });
  }

  /** The authenticated tenant of this request. */
  public static String tenantId(RoutingContext ctx) {
    return ctx.get(TENANT_KEY);
  }

  private static void refuse(RoutingContext ctx, String detail) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"switchboard\"");
    ctx.fail(new SwitchboardException(ErrorCode.UNAUTHENTICATED, detail));
  }
}

package io.switchboard.gateway.api;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.http.BearerToken;
import io.switchboard.tenancy.ApiTokens;
import io.switchboard.tenancy.OperatorToken;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.Optional;

/**
 * The route step in front of the operator's calls (tenants, and admin tokens issued for them). The
 * presented token's hash is compared in constant time with the operator token's. No token, or an
 * unknown one, is a 401; a tenant's token is a 403; with no operator token configured or generated,
 * every call is a 403.
 */
public final class OperatorTokenAuth implements Handler<RoutingContext> {

  /** Who the audit log names for operator changes. */
  public static final String ACTOR = "operator";

  private final Pool pool;
  private final Optional<String> expectedHash;

  public OperatorTokenAuth(Pool pool, Optional<String> expectedHash) {
    this.pool = pool;
    this.expectedHash = expectedHash;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<String> token = BearerToken.of(ctx);
    if (token.isEmpty()) {
      BearerToken.refuse(ctx, "send the operator token as 'Authorization: Bearer <token>'");
      return;
    }
    if (expectedHash.isPresent() && OperatorToken.matches(token.get(), expectedHash.get())) {
      ctx.next();
      return;
    }
    ApiTokens.identify(pool, token.get()).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result().isPresent()) {
        ctx.fail(new SwitchboardException(ErrorCode.FORBIDDEN, "this call needs the operator token, not a tenant's"));
      } else if (expectedHash.isEmpty()) {
        ctx.fail(new SwitchboardException(ErrorCode.FORBIDDEN,
            "the operator API is off on this node: set SWITCHBOARD_OPERATOR_TOKEN"));
      } else {
        BearerToken.refuse(ctx, "the token is not the operator token");
      }
    });
  }
}

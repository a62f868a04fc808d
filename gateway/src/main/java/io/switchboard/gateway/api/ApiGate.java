package io.switchboard.gateway.api;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.http.Problems;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Operation;

import java.util.List;

/**
 * The first step of every admin API request: finds the request's operation in the {@link ApiContract}
 * and authenticates the caller with the token that operation needs. A request the document does not
 * describe is refused here, before any handler runs (fail closed): 405 with {@code Allow} when the
 * document has the path with other methods, 404 otherwise. The router may match more leniently than
 * the document (a trailing slash, say); such a request never reaches a handler.
 */
public final class ApiGate implements Handler<RoutingContext> {

  private static final String OPERATION_KEY = "switchboard.apiOperation";

  private final ApiContract contract;
  private final TenantTokenAuth tenantAuth;
  private final OperatorTokenAuth operatorAuth;

  public ApiGate(ApiContract contract, TenantTokenAuth tenantAuth, OperatorTokenAuth operatorAuth) {
    this.contract = contract;
    this.tenantAuth = tenantAuth;
    this.operatorAuth = operatorAuth;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Operation operation = contract.find(ctx.request().method(), ctx.normalizedPath()).orElse(null);
    if (operation == null) {
      refuse(ctx);
      return;
    }
    ctx.put(OPERATION_KEY, operation);
    switch (contract.access(operation)) {
      case PUBLIC -> ctx.next();
      case TENANT -> tenantAuth.handle(ctx);
      case OPERATOR -> operatorAuth.handle(ctx);
    }
  }

  private void refuse(RoutingContext ctx) {
    List<String> allowed = contract.methodsOf(ctx.normalizedPath());
    if (allowed.isEmpty()) {
      Problems.send(ctx, ErrorCode.NOT_FOUND, "The admin API has no " + ctx.normalizedPath()
          + " (see GET /api/v1/openapi.json)");
    } else {
      ctx.response().putHeader("Allow", String.join(", ", allowed));
      Problems.send(ctx, ErrorCode.METHOD_NOT_ALLOWED, ctx.normalizedPath() + " takes " + String.join(", ", allowed)
          + ", not " + ctx.request().method().name());
    }
  }

  /** The operation this request is for, or null when the API document does not describe it. */
  static Operation operation(RoutingContext ctx) {
    return ctx.get(OPERATION_KEY);
  }
}

package io.switchboard.gateway.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Operation;

/**
 * The first step of every admin API request: finds the request's operation in the {@link ApiContract}
 * and authenticates the caller with the token that operation needs. A request the document does not
 * describe passes on untouched (the router then answers 404 or 405).
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
      ctx.next();
      return;
    }
    ctx.put(OPERATION_KEY, operation);
    switch (contract.access(operation)) {
      case PUBLIC -> ctx.next();
      case TENANT -> tenantAuth.handle(ctx);
      case OPERATOR -> operatorAuth.handle(ctx);
    }
  }

  /** The operation this request is for, or null when the API document does not describe it. */
  static Operation operation(RoutingContext ctx) {
    return ctx.get(OPERATION_KEY);
  }
}

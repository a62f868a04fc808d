package io.switchboard.gateway.api;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.approval.Approval;
import io.switchboard.gateway.approval.ApprovalStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * The caller's tenant's approvals (commands held for a second person): {@code GET /api/v1/approvals}
 * lists them newest first (filtered by status, requester and command, paged with {@code before}),
 * {@code GET /api/v1/approvals/{id}} reads one with its votes. Another tenant's approval is a 404,
 * exactly like a missing one. Voting happens in chat, where the voter's identity comes from the platform.
 */
public final class ApprovalsApi {

  static final int DEFAULT_LIMIT = 50;

  private final Pool pool;

  public ApprovalsApi(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    router.get("/api/v1/approvals").handler(this::list);
    router.get("/api/v1/approvals/:id").handler(this::get);
  }

  private void list(RoutingContext ctx) {
    String status = ContractValidation.queryString(ctx, "status");
    int limit = ContractValidation.queryLong(ctx, "limit", (long) DEFAULT_LIMIT).intValue();
    ApprovalStore.Filter filter = new ApprovalStore.Filter(ContractValidation.queryLong(ctx, "before", null),
        status == null ? null : Approval.Status.fromWire(status), ContractValidation.queryString(ctx, "requester"),
        ContractValidation.queryString(ctx, "command"), limit);
    ApprovalStore.list(pool, TenantTokenAuth.tenantId(ctx), filter)
        .onSuccess(approvals -> {
          JsonArray items = new JsonArray();
          approvals.forEach(approval -> items.add(approval.toJson()));
          ctx.json(new JsonObject().put("approvals", items)
              .put("nextBefore", approvals.size() == limit ? approvals.get(approvals.size() - 1).id() : null));
        })
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    long id = ContractValidation.path(ctx, "id").getLong();
    String tenantId = TenantTokenAuth.tenantId(ctx);
    ApprovalStore.find(pool, tenantId, id)
        .compose(found -> found.isEmpty()
            ? Future.<JsonObject>failedFuture(new SwitchboardException(ErrorCode.NOT_FOUND, "no approval " + id))
            : ApprovalStore.votes(pool, tenantId, id).map(votes -> {
              JsonArray cast = new JsonArray();
              votes.forEach(vote -> cast.add(vote.toJson()));
              return found.get().toJson().put("votes", cast);
            }))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }
}

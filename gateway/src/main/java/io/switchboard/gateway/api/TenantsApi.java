package io.switchboard.gateway.api;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.tenancy.InstallationChanges;
import io.switchboard.tenancy.ApiTokens;
import io.switchboard.tenancy.Tenant;
import io.switchboard.tenancy.Tenants;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

/**
 * Tenants. The operator creates ({@code POST /api/v1/tenants}, with a first admin token shown once),
 * lists, suspends and resumes them, and issues an admin token for an existing one
 * ({@code POST /api/v1/tenants/{id}/tokens}, e.g. for a tenant a Slack OAuth install created); a
 * tenant's own token reads its tenant at {@code GET /api/v1/tenant}. Each change is audited in the
 * tenant's own log.
 */
public final class TenantsApi {

  static final String FIRST_TOKEN_LABEL = "first admin token";

  private final Pool pool;

  private final InstallationChanges installationChanges;

  public TenantsApi(Pool pool, InstallationChanges installationChanges) {
    this.pool = pool;
    this.installationChanges = installationChanges;
  }

  public void mount(Router router) {
    router.post("/api/v1/tenants").handler(this::create);
    router.get("/api/v1/tenants").handler(this::list);
    router.patch("/api/v1/tenants/:tenantId").handler(this::change);
    router.post("/api/v1/tenants/:tenantId/suspend").handler(ctx -> setStatus(ctx, Tenant.SUSPENDED));
    router.post("/api/v1/tenants/:tenantId/resume").handler(ctx -> setStatus(ctx, Tenant.ACTIVE));
    router.post("/api/v1/tenants/:tenantId/tokens").handler(this::issueToken);
    router.get("/api/v1/tenant").handler(this::self);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = ContractValidation.validated(ctx).getBody().getJsonObject();
    String id = body.getString("id");
    AuditedChange.run(pool,
            tx -> Tenants.create(tx, id, body.getString("name"))
                .compose(created -> AuditedChange.orFail(created, ErrorCode.CONFLICT, "a tenant '" + id + "' exists"))
                .compose(tenant -> ApiTokens.issue(tx, id, FIRST_TOKEN_LABEL).map(token -> new JsonObject()
                    .put("tenant", tenant.toJson()).put("adminToken", TokensApi.json(token)))),
            created -> AuditEvent.of(id, AuditEventType.TENANT_CREATED, OperatorTokenAuth.ACTOR, null,
                new JsonObject().put("name", body.getString("name"))
                    .put("adminTokenId", created.getJsonObject("adminToken").getLong("id"))))
        .onSuccess(created -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
            .end(created.encode()))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Tenants.list(pool)
        .onSuccess(tenants -> {
          JsonArray items = new JsonArray();
          tenants.forEach(tenant -> items.add(tenant.toJson()));
          ctx.json(new JsonObject().put("tenants", items));
        })
        .onFailure(ctx::fail);
  }

  /** Sets how many of the tenant's jobs may run at once (the contract bounds it); audited with the old and new value. */
  private void change(RoutingContext ctx) {
    String id = ContractValidation.path(ctx, "tenantId").getString();
    int maxRunningJobs = ContractValidation.validated(ctx).getBody().getJsonObject().getInteger("maxRunningJobs");
    AuditedChange.run(pool,
            tx -> existing(tx, id)
                .compose(before -> Tenants.setMaxRunningJobs(tx, id, maxRunningJobs)
                    .map(after -> new Changed(before, after.orElseThrow()))),
            changed -> AuditEvent.of(id, AuditEventType.TENANT_CHANGED, OperatorTokenAuth.ACTOR, null,
                new JsonObject().put("maxRunningJobs", new JsonObject()
                    .put("from", changed.before().maxRunningJobs()).put("to", changed.after().maxRunningJobs()))))
        .onSuccess(changed -> ctx.json(changed.after().toJson()))
        .onFailure(ctx::fail);
  }

  private record Changed(Tenant before, Tenant after) {
  }

  /** The tenant, or a 404 problem. */
  private static Future<Tenant> existing(SqlClient client, String id) {
    return Tenants.find(client, id)
        .compose(found -> AuditedChange.orFail(found, ErrorCode.NOT_FOUND, "no tenant '" + id + "'"));
  }

  private void setStatus(RoutingContext ctx, String status) {
    String id = ContractValidation.path(ctx, "tenantId").getString();
    AuditedChange.run(pool,
            tx -> Tenants.setStatus(tx, id, status)
                .compose(found -> AuditedChange.orFail(found, ErrorCode.NOT_FOUND, "no tenant '" + id + "'")),
            tenant -> AuditEvent.of(id, Tenant.ACTIVE.equals(status) ? AuditEventType.TENANT_RESUMED
                : AuditEventType.TENANT_SUSPENDED, OperatorTokenAuth.ACTOR, null, new JsonObject()))
        .onSuccess(tenant -> {
          installationChanges.tenantChanged();
          ctx.json(tenant.toJson());
        })
        .onFailure(ctx::fail);
  }

  /** The same token, answer and audit record as {@link TokensApi}'s, made by the operator for a tenant that exists. */
  private void issueToken(RoutingContext ctx) {
    String id = ContractValidation.path(ctx, "tenantId").getString();
    String label = ContractValidation.validated(ctx).getBody().getJsonObject().getString("label");
    AuditedChange.run(pool,
            tx -> existing(tx, id)
                .compose(tenant -> ApiTokens.issue(tx, id, label)),
            issued -> TokensApi.created(id, issued, OperatorTokenAuth.ACTOR))
        .onSuccess(issued -> TokensApi.answerCreated(ctx, issued))
        .onFailure(ctx::fail);
  }

  private void self(RoutingContext ctx) {
    String id = TenantTokenAuth.tenantId(ctx);
    existing(pool, id)
        .onSuccess(tenant -> ctx.json(tenant.toJson()))
        .onFailure(ctx::fail);
  }
}

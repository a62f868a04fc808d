package io.switchboard.gateway.api;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.tenancy.InstallationChanges;
import io.switchboard.tenancy.Installations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * The tenant's chat installations: list, add ({@code 409} when the workspace is bound already, to
 * this tenant or another), disable. Adding and disabling are audited. Gateways cache installations
 * for {@link io.switchboard.tenancy.InstallationDirectory#DEFAULT_TTL}, so a change reaches chat
 * within that time.
 */
public final class InstallationsApi {

  private final Pool pool;

  private final InstallationChanges changes;

  public InstallationsApi(Pool pool, InstallationChanges changes) {
    this.pool = pool;
    this.changes = changes;
  }

  public void mount(Router router) {
    router.get("/api/v1/installations").handler(this::list);
    router.post("/api/v1/installations").handler(this::add);
    router.delete("/api/v1/installations/:installationId").handler(this::disable);
  }

  private void list(RoutingContext ctx) {
    Installations.list(pool, TenantTokenAuth.tenantId(ctx))
        .onSuccess(all -> {
          JsonArray items = new JsonArray();
          all.forEach(installation -> items.add(installation.toJson()));
          ctx.json(new JsonObject().put("installations", items));
        })
        .onFailure(ctx::fail);
  }

  private void add(RoutingContext ctx) {
    String tenantId = TenantTokenAuth.tenantId(ctx);
    JsonObject body = ContractValidation.validated(ctx).getBody().getJsonObject();
    String platform = body.getString("platform");
    String workspace = body.getString("workspaceId");
    String key = ownAppKey(platform, body);
    AuditedChange.run(pool,
            tx -> Installations.add(tx, tenantId, platform, workspace, key, body.getString("applicationId"))
                .compose(added -> AuditedChange.orFail(added, ErrorCode.CONFLICT,
                    platform + " workspace " + workspace + " is bound already")),
            added -> AuditEvent.of(tenantId, AuditEventType.INSTALLATION_ADDED, TenantTokenAuth.actor(ctx), null,
                detail(added)))
        .onSuccess(added -> {
          changes.installationChanged(added.platform(), added.workspaceId());
          ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(added.toJson().encode());
        })
        .onFailure(ctx::fail);
  }

  private void disable(RoutingContext ctx) {
    String tenantId = TenantTokenAuth.tenantId(ctx);
    long id = ContractValidation.path(ctx, "installationId").getLong();
    AuditedChange.run(pool,
            tx -> Installations.disable(tx, tenantId, id)
                .compose(found -> AuditedChange.orFail(found, ErrorCode.NOT_FOUND, "no installation " + id)),
            disabled -> AuditEvent.of(tenantId, AuditEventType.INSTALLATION_DISABLED, TenantTokenAuth.actor(ctx), null,
                detail(disabled)))
        .onSuccess(disabled -> {
          changes.installationChanged(disabled.platform(), disabled.workspaceId());
          ctx.json(disabled.toJson());
        })
        .onFailure(ctx::fail);
  }

  /**
   * What the tenant's own app is verified with: a Slack signing secret, or a Discord application's
   * public key (given with its application id); the other platform's fields are refused.
   */
  private static String ownAppKey(String platform, JsonObject body) {
    boolean discord = "discord".equals(platform);
    if (discord && body.containsKey("signingSecret")) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST,
          "a Discord installation takes applicationId and publicKey, not signingSecret");
    }
    if (!discord && (body.containsKey("applicationId") || body.containsKey("publicKey"))) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "applicationId and publicKey are for Discord only");
    }
    if (body.containsKey("applicationId") != body.containsKey("publicKey")) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "applicationId and publicKey go together");
    }
    return discord ? body.getString("publicKey") : body.getString("signingSecret");
  }

  private static JsonObject detail(Installations.Installation installation) {
    return new JsonObject().put("installationId", installation.id()).put("platform", installation.platform())
        .put("workspaceId", installation.workspaceId()).put("ownApp", installation.ownApp());
  }
}

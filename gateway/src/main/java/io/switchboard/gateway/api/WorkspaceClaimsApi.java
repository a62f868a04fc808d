package io.switchboard.gateway.api;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.tenancy.WorkspaceClaims;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.regex.Pattern;

/**
 * A tenant admin's claims on a Teams tenant or Discord guild ({@link WorkspaceClaims}):
 * {@code POST /api/v1/installations/claims} issues a code, shown once, that an admin of the workspace
 * runs there as {@code verify <code>} to bind it to the tenant; {@code GET} lists the tenant's claims
 * without their codes. Issuing is audited {@code installation.claim_issued}; the binding, when it
 * happens, {@code installation.added}.
 */
public final class WorkspaceClaimsApi {

  private static final Pattern DISCORD_GUILD = Pattern.compile("[0-9]{17,20}");
  private static final Pattern TEAMS_TENANT = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final Pool pool;

  public WorkspaceClaimsApi(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    router.post("/api/v1/installations/claims").handler(this::issue);
    router.get("/api/v1/installations/claims").handler(this::list);
  }

  private void issue(RoutingContext ctx) {
    String tenantId = TenantTokenAuth.tenantId(ctx);
    JsonObject body = ContractValidation.validated(ctx).getBody().getJsonObject();
    String platform = body.getString("platform");
    String workspace = body.getString("workspaceId");
    Pattern form = switch (platform) {
      case "discord" -> DISCORD_GUILD;
      case "teams" -> TEAMS_TENANT;
      default -> throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST,
          "claims are for teams and discord workspaces, not " + platform);
    };
    boolean discord = form == DISCORD_GUILD;
    if (!form.matcher(workspace).matches()) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, discord
          ? "a Discord workspaceId is the server's id (17 to 20 digits)"
          : "a Teams workspaceId is the organisation's tenant id (a GUID)");
    }
    String actor = TenantTokenAuth.actor(ctx);
    AuditedChange.run(pool, tx -> WorkspaceClaims.issue(tx, tenantId, platform, workspace, actor),
            issued -> AuditEvent.of(tenantId, AuditEventType.INSTALLATION_CLAIM_ISSUED, actor, null,
                new JsonObject().put("claimId", issued.claim().id()).put("platform", platform)
                    .put("workspaceId", workspace).put("expiresAt", issued.claim().expiresAt().toString())))
        .onSuccess(issued -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store")
            .end(issued.claim().toJson().put("code", issued.code())
                .put("instructions", instructions(discord, issued.code())).encode()))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    WorkspaceClaims.list(pool, TenantTokenAuth.tenantId(ctx))
        .onSuccess(claims -> {
          JsonArray items = new JsonArray();
          claims.forEach(claim -> items.add(claim.toJson()));
          ctx.json(new JsonObject().put("claims", items));
        })
        .onFailure(ctx::fail);
  }

  private static String instructions(boolean discord, String code) {
    return discord
        ? "In the Discord server, a member with the Manage Server permission runs Switchboard's command with "
            + "`verify " + code + "` (e.g. `/ops verify " + code + "`) within " + minutes() + " minutes."
        : "In Teams, a Global Administrator or Teams Administrator of the organisation sends the Switchboard bot "
            + "`verify " + code + "` within " + minutes() + " minutes (the bot must have been added to a team or chat).";
  }

  private static long minutes() {
    return WorkspaceClaims.LIFETIME.toMinutes();
  }
}

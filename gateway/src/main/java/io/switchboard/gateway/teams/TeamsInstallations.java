package io.switchboard.gateway.teams;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.gateway.OutrankedBindings;
import io.switchboard.tenancy.InstallationChanges;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Tenants;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.Locale;

/**
 * Installs and uninstalls the bot for a Teams (AAD) tenant when Teams says it was added to or
 * removed from a team or chat ({@code conversationUpdate} naming the bot in {@code membersAdded} /
 * {@code membersRemoved}). The installation is per Teams tenant ({@code workspace_id} = its id):
 * <ul>
 *   <li>added: the Teams tenant's installation is enabled for the Switchboard tenant that holds it
 *       (one the operator bound, or an earlier install); a Teams tenant nobody holds gets a new
 *       Switchboard tenant {@code teams-<id>}, like a public Slack install. A Teams tenant never moves
 *       between Switchboard tenants, except from one that only claimed it without proof
 *       ({@link OutrankedBindings}): the activity proves the Teams tenant, a bare claim does not. Audited
 *       {@code tenant.created} (new tenant) and {@code installation.added} (when it was not enabled).</li>
 *   <li>removed: the installation is disabled, audited {@code installation.disabled}.</li>
 * </ul>
 */
public final class TeamsInstallations {

  private static final String HOLDER = """
      SELECT tenant_id, enabled FROM chat_installations WHERE platform = 'teams' AND workspace_id = $1 FOR UPDATE""";

  private static final String ENABLE = """
      INSERT INTO chat_installations (tenant_id, platform, workspace_id, app_id, verified_via)
      VALUES ($1, 'teams', $2, $3, 'teams_conversation_update')
      ON CONFLICT (platform, workspace_id) DO UPDATE
        SET enabled = true, app_id = EXCLUDED.app_id, verified_via = COALESCE(chat_installations.verified_via,
                                                                              EXCLUDED.verified_via)
        WHERE chat_installations.tenant_id = EXCLUDED.tenant_id
      RETURNING id""";

  private static final String DISABLE = """
      UPDATE chat_installations SET enabled = false
      WHERE platform = 'teams' AND workspace_id = $1 AND enabled RETURNING id, tenant_id""";

  private final Pool pool;
  private final InstallationChanges changes;
  private final String appId;

  public TeamsInstallations(Pool pool, InstallationChanges changes, String appId) {
    this.pool = pool;
    this.changes = changes;
    this.appId = appId;
  }

  /** The bot was added; answers the Switchboard tenant that now holds the Teams tenant. */
  public Future<String> added(String teamsTenantId, String addedBy, String conversationId) {
    return pool.withTransaction(tx -> OutrankedBindings.displace(tx, TeamsJobActivities.PLATFORM, teamsTenantId,
            newTenantId(teamsTenantId), InstallationProof.TEAMS_CONVERSATION_UPDATE)
        .compose(displaced -> tx.preparedQuery(HOLDER).execute(Tuple.of(teamsTenantId))).compose(rows -> {
      if (rows.size() == 1 && rows.iterator().next().getBoolean("enabled")) {
        return Future.succeededFuture(rows.iterator().next().getString("tenant_id"));
      }
      Future<String> tenant = rows.size() == 1
          ? Future.succeededFuture(rows.iterator().next().getString("tenant_id"))
          : newTenant(tx, teamsTenantId, addedBy);
      return tenant.compose(tenantId -> tx.preparedQuery(ENABLE).execute(Tuple.of(tenantId, teamsTenantId, appId))
          .compose(enabled -> enabled.size() == 1
              ? AuditLog.append(tx, AuditEvent.of(tenantId, AuditEventType.INSTALLATION_ADDED, actor(addedBy), null,
                  new JsonObject().put("platform", "teams").put("workspaceId", teamsTenantId)
                      .put("id", enabled.iterator().next().getLong(0)).put("conversation", conversationId)
                      .put("via", "teams_conversation_update"))).map(tenantId)
              : Future.failedFuture(new IllegalStateException("the Teams tenant moved to another tenant meanwhile"))));
    })).onSuccess(v -> changes.installationChanged(TeamsJobActivities.PLATFORM, teamsTenantId));
  }

  /** The bot was removed; disables the Teams tenant's installation (nothing if none is enabled). */
  public Future<Void> removed(String teamsTenantId, String removedBy, String conversationId) {
    return pool.withTransaction(tx -> tx.preparedQuery(DISABLE).execute(Tuple.of(teamsTenantId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.<Void>succeededFuture();
      }
      String tenantId = rows.iterator().next().getString("tenant_id");
      return AuditLog.append(tx, AuditEvent.of(tenantId, AuditEventType.INSTALLATION_DISABLED, actor(removedBy), null,
          new JsonObject().put("platform", "teams").put("workspaceId", teamsTenantId)
              .put("id", rows.iterator().next().getLong("id")).put("conversation", conversationId)
              .put("reason", "bot_removed"))).<Void>mapEmpty();
    })).onSuccess(v -> changes.installationChanged(TeamsJobActivities.PLATFORM, teamsTenantId));
  }

  private static Future<String> newTenant(SqlConnection tx, String teamsTenantId, String addedBy) {
    String tenantId = newTenantId(teamsTenantId);
    return Tenants.createIfAbsent(tx, tenantId, "Teams " + teamsTenantId).compose(created -> !created
        ? Future.succeededFuture(tenantId)
        : AuditLog.append(tx, AuditEvent.of(tenantId, AuditEventType.TENANT_CREATED, actor(addedBy), null,
            new JsonObject().put("name", "Teams " + teamsTenantId).put("via", "teams_conversation_update")))
            .map(tenantId));
  }

  /** The Switchboard tenant a Teams tenant nobody holds gets. */
  private static String newTenantId(String teamsTenantId) {
    return "teams-" + teamsTenantId.toLowerCase(Locale.ROOT);
  }

  private static String actor(String user) {
    return user == null ? "teams" : "teams:user:" + user;
  }
}

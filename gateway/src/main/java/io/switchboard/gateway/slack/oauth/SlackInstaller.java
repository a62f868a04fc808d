package io.switchboard.gateway.slack.oauth;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.gateway.UnprovenBindings;
import io.switchboard.gateway.slack.SlackBotTokens;
import io.switchboard.tenancy.InstallationChanges;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.SlackInstallation;
import io.switchboard.tenancy.Tenants;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.Locale;
import java.util.Optional;

/**
 * Binds a Slack workspace that completed OAuth to a tenant: the tenant a tenant admin's install link
 * named, else the tenant that already holds the workspace (a re-install, also after an uninstall),
 * else a new tenant named after it. A workspace never moves between tenants, except from one that
 * only claimed it without proof ({@link UnprovenBindings}): OAuth proves the workspace, so the
 * install never lands in a tenant that merely named its id. Then stores the
 * bot token in that tenant's secret store and enables the installation with a reference to the
 * secret, auditing each step ({@code tenant.created}, {@code installation.added}).
 */
public final class SlackInstaller {

  private static final String BOUND_TENANT = """
      SELECT tenant_id FROM chat_installations WHERE platform = 'slack' AND workspace_id = $1 FOR UPDATE""";

  private static final String BIND = """
      INSERT INTO chat_installations (tenant_id, platform, workspace_id, enterprise_id, app_id, bot_user_id,
                                      bot_token_secret, scopes, verified_via)
      VALUES ($1, 'slack', $2, $3, $4, $5, $6, $7, 'slack_oauth')
      ON CONFLICT (platform, workspace_id) DO UPDATE
        SET enabled = true, enterprise_id = EXCLUDED.enterprise_id, app_id = EXCLUDED.app_id,
            bot_user_id = EXCLUDED.bot_user_id, bot_token_secret = EXCLUDED.bot_token_secret, scopes = EXCLUDED.scopes,
            verified_via = EXCLUDED.verified_via
        WHERE chat_installations.tenant_id = EXCLUDED.tenant_id
      RETURNING id""";

  /** The workspace is bound to another tenant than the one the install link named. */
  public static final class BoundElsewhere extends RuntimeException {
    BoundElsewhere(String workspaceId) {
      super("Slack workspace " + workspaceId + " is installed for another Switchboard tenant already; "
          + "it stays there. Uninstall it there first.");
    }
  }

  /** Where a finished installation went. */
  public record Installed(String tenantId, String workspaceId, boolean newTenant) {
  }

  private final Pool pool;
  private final SlackBotTokens tokens;
  private final InstallationChanges changes;

  public SlackInstaller(Pool pool, SlackBotTokens tokens, InstallationChanges changes) {
    this.pool = pool;
    this.tokens = tokens;
    this.changes = changes;
  }

  /** @param linkedTenant the tenant an admin's install link named; empty for a public install */
  Future<Installed> install(OAuthInstallation installation, Optional<String> linkedTenant) {
    return pool.withTransaction(tx -> tenantFor(tx, installation, linkedTenant))
        .compose(installed -> tokens.store(installed.tenantId(), installation.workspaceId(), installation.botToken())
            .compose(v -> pool.withTransaction(tx -> bind(tx, installed.tenantId(), installation)))
            .map(installed))
        .onSuccess(installed -> changes.installationChanged(SlackInstallation.PLATFORM, installation.workspaceId()));
  }

  private static Future<Installed> tenantFor(SqlConnection tx, OAuthInstallation installation,
                                            Optional<String> linkedTenant) {
    String provenFor = linkedTenant.orElse(publicTenantId(installation));
    return UnprovenBindings.displace(tx, SlackInstallation.PLATFORM, installation.workspaceId(), provenFor,
            InstallationProof.SLACK_OAUTH)
        .compose(displaced -> tx.preparedQuery(BOUND_TENANT).execute(Tuple.of(installation.workspaceId())))
        .compose(rows -> {
      if (rows.size() == 1) {
        String bound = rows.iterator().next().getString(0);
        return linkedTenant.isPresent() && !linkedTenant.get().equals(bound)
            ? Future.failedFuture(new BoundElsewhere(installation.workspaceId()))
            : Future.succeededFuture(new Installed(bound, installation.workspaceId(), false));
      }
      if (linkedTenant.isPresent()) {
        return Tenants.find(tx, linkedTenant.get()).compose(tenant -> tenant.isPresent()
            ? Future.succeededFuture(new Installed(linkedTenant.get(), installation.workspaceId(), false))
            : Future.failedFuture(new IllegalStateException("the tenant of the install link is gone")));
      }
      String tenantId = publicTenantId(installation);
      return Tenants.createIfAbsent(tx, tenantId, installation.workspaceName()).compose(created -> !created
          ? Future.succeededFuture(new Installed(tenantId, installation.workspaceId(), false))
          : AuditLog.append(tx, AuditEvent.of(tenantId, AuditEventType.TENANT_CREATED, installation.installedBy(),
                  null, new JsonObject().put("name", installation.workspaceName()).put("via", "slack_oauth")))
              .map(r -> new Installed(tenantId, installation.workspaceId(), true)));
    });
  }

  /** The tenant a public install of a workspace nobody holds creates. */
  private static String publicTenantId(OAuthInstallation installation) {
    return "slack-" + installation.workspaceId().toLowerCase(Locale.ROOT);
  }

  private static Future<Void> bind(SqlConnection tx, String tenantId, OAuthInstallation installation) {
    return tx.preparedQuery(BIND).execute(Tuple.of(tenantId, installation.workspaceId(),
            installation.enterpriseId().orElse(null), installation.appId(), installation.botUserId(),
            SlackBotTokens.secretName(installation.workspaceId()), installation.scopes()))
        .compose(rows -> rows.size() == 1
            ? AuditLog.append(tx, AuditEvent.of(tenantId, AuditEventType.INSTALLATION_ADDED, installation.installedBy(),
                null, new JsonObject().put("platform", "slack").put("workspaceId", installation.workspaceId())
                    .put("enterpriseId", installation.enterpriseId().orElse(null)).put("appId", installation.appId())
                    .put("scopes", installation.scopes()).put("via", "slack_oauth"))).<Void>mapEmpty()
            : Future.failedFuture(new IllegalStateException("the workspace moved to another tenant meanwhile")));
  }
}

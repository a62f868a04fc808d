package io.switchboard.gateway.slack;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.tenancy.InstallationChanges;
import io.switchboard.tenancy.SlackInstallation;
import io.switchboard.tenancy.SlackSigningSecrets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Disables a tenant's Slack installation when Slack says the app is gone ({@code app_uninstalled})
 * or its bot token was revoked ({@code tokens_revoked}): the installation is disabled and audited
 * ({@code installation.disabled}) in one transaction, the dead bot token (and the signing secret of
 * the tenant's own app, if it was one) is deleted from the tenant's secret store, and the cached
 * installation is forgotten.
 */
public final class SlackUninstalls {

  private static final Logger LOG = LoggerFactory.getLogger(SlackUninstalls.class);

  private static final String DISABLE = """
      UPDATE chat_installations SET enabled = false
      WHERE tenant_id = $1 AND platform = 'slack' AND workspace_id = $2 AND enabled RETURNING id""";

  private final Pool pool;
  private final SlackBotTokens tokens;
  private final SlackSigningSecrets signingSecrets;
  private final InstallationChanges changes;

  public SlackUninstalls(Pool pool, SlackBotTokens tokens, SlackSigningSecrets signingSecrets,
                         InstallationChanges changes) {
    this.pool = pool;
    this.tokens = tokens;
    this.signingSecrets = signingSecrets;
    this.changes = changes;
  }

  /** @param reason the Slack event that caused it, e.g. {@code app_uninstalled} */
  public Future<Void> disable(String tenantId, String workspaceId, String reason) {
    return pool.withTransaction(tx -> tx.preparedQuery(DISABLE).execute(Tuple.of(tenantId, workspaceId))
            .compose(rows -> rows.size() == 0 ? Future.<Void>succeededFuture()
                : AuditLog.append(tx, AuditEvent.of(tenantId, AuditEventType.INSTALLATION_DISABLED, "slack", null,
                    new JsonObject().put("platform", "slack").put("workspaceId", workspaceId)
                        .put("id", rows.iterator().next().getLong(0)).put("reason", reason))).mapEmpty()))
        .onSuccess(v -> changes.installationChanged(SlackInstallation.PLATFORM, workspaceId))
        .compose(v -> tokens.delete(tenantId, workspaceId)
            .onFailure(e -> LOG.warn("Deleting the revoked bot token of {} failed: {}", workspaceId, e.toString()))
            .<Void>mapEmpty().recover(e -> Future.succeededFuture()))
        .compose(v -> signingSecrets.forget(tenantId, workspaceId));
  }
}

package io.switchboard.gateway.slack.oauth;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.gateway.OutrankedBindings;
import io.switchboard.gateway.slack.SlackBotTokens;
import io.switchboard.tenancy.InstallationChanges;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.tenancy.SlackInstallation;
import io.switchboard.tenancy.SlackSigningSecrets;
import io.switchboard.tenancy.Tenants;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Binds a Slack workspace that completed OAuth to a tenant: the tenant a tenant admin's install link
 * named, else the tenant that already holds the workspace (a re-install, also after an uninstall),
 * else a new tenant named after it. A workspace never moves between tenants, except from one that
 * only claimed it without proof ({@link OutrankedBindings}): OAuth proves the workspace, so the
 * install never lands in a tenant that merely named its id. Then stores the
 * bot token in that tenant's secret store and enables the installation with a reference to the
 * secret, auditing each step ({@code tenant.created}, {@code installation.added}). The installation
 * is then of the shared app, whose signing secret is the configuration's: a tenant's own app that
 * had the workspace before gives way, and its signing secret leaves the store (so does that of a
 * tenant that only claimed the workspace).
 */
public final class SlackInstaller {

  private static final String BOUND_TENANT = """
      SELECT tenant_id FROM chat_installations WHERE platform = 'slack' AND workspace_id = $1 FOR UPDATE""";

  private static final String BIND = """
      INSERT INTO chat_installations (tenant_id, platform, workspace_id, enterprise_id, app_id, bot_user_id,
                                      bot_token_secret, scopes, verified_via)
      VALUES ($1, 'slack', $2, $3, $4, $5, $6, $7, 'slack_oauth')
      ON CONFLICT (platform, workspace_id) DO UPDATE
        SET enabled = true, own_app = false, signing_secret = NULL, enterprise_id = EXCLUDED.enterprise_id,
            app_id = EXCLUDED.app_id,
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
  private final SlackSigningSecrets signingSecrets;
  private final InstallationChanges changes;

  public SlackInstaller(Pool pool, SlackBotTokens tokens, SlackSigningSecrets signingSecrets,
                        InstallationChanges changes) {
    this.pool = pool;
    this.tokens = tokens;
    this.signingSecrets = signingSecrets;
    this.changes = changes;
  }

  /** @param linkedTenant the tenant an admin's install link named; empty for a public install */
  Future<Installed> install(OAuthInstallation installation, Optional<String> linkedTenant) {
    AtomicReference<Optional<String>> displaced = new AtomicReference<>(Optional.empty());
    return pool.withTransaction(tx -> tenantFor(tx, installation, linkedTenant, displaced))
        .compose(installed -> tokens.store(installed.tenantId(), installation.workspaceId(), installation.botToken())
            .compose(v -> pool.withTransaction(tx -> bind(tx, installed.tenantId(), installation)))
            .compose(v -> signingSecrets.forget(installed.tenantId(), installation.workspaceId()))
            .compose(v -> displaced.get().isPresent()
                ? signingSecrets.forget(displaced.get().get(), installation.workspaceId())
                : Future.succeededFuture())
            .map(installed))
        .onSuccess(installed -> changes.installationChanged(SlackInstallation.PLATFORM, installation.workspaceId()));
  }

  /** @param displaced set to the tenant that lost the workspace, if one had only claimed it */
  private static Future<Installed> tenantFor(SqlConnection tx, OAuthInstallation installation,
                                            Optional<String> linkedTenant,
                                            AtomicReference<Optional<String>> displaced) {
    String provenFor = linkedTenant.orElse(publicTenantId(installation));
    return OutrankedBindings.displace(tx, SlackInstallation.PLATFORM, installation.workspaceId(), provenFor,
            InstallationProof.SLACK_OAUTH)
        .compose(gone -> {
          displaced.set(gone.map(Installations.Displaced::tenantId));
          return tx.preparedQuery(BOUND_TENANT).execute(Tuple.of(installation.workspaceId()));
        })
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

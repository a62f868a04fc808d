package io.switchboard.gateway;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.tenancy.InstallationChanges;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.tenancy.WorkspaceClaims;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Binds a Teams tenant or Discord guild to the tenant whose claim code an admin of that workspace
 * ran there ({@code verify <code>}, {@link WorkspaceClaims}). The platform adapter has verified the
 * request's signature and that the sender administers the workspace; this redeems the claim and
 * binds the workspace in one transaction, audited {@code installation.added} (via
 * {@code claim_code}) in the claiming tenant. The workspace is taken from another tenant only when
 * that binding is weaker ({@link OutrankedBindings}: a bare claim, a disabled binding, or the Teams
 * bot added by any member); otherwise nothing changes and the claim stays unused.
 */
public final class WorkspaceClaimVerification {

  /** What the workspace admin is told; {@code bound} when the workspace is now the claiming tenant's. */
  public record Outcome(boolean bound, String message) {
  }

  private static final String HOLDER = """
      SELECT tenant_id FROM chat_installations WHERE platform = $1 AND workspace_id = $2""";

  private static final String UNUSABLE = "This code is unknown, used or expired, or it was made for another "
      + "workspace. Ask your Switchboard tenant admin for a new one (POST /api/v1/installations/claims).";

  private final Pool pool;
  private final InstallationChanges changes;

  public WorkspaceClaimVerification(Pool pool, InstallationChanges changes) {
    this.pool = pool;
    this.changes = changes;
  }

  /**
   * @param workspaceId the workspace the signed request came from
   * @param admin       the workspace admin who ran the command, as an audit actor ({@code discord:user:<id>})
   */
  public Future<Outcome> verify(String platform, String workspaceId, String admin, String code) {
    return pool.withTransaction(tx -> WorkspaceClaims.redeem(tx, code, platform, workspaceId, admin)
            .compose(redeemed -> redeemed.isEmpty()
                ? Future.failedFuture(new Refused(UNUSABLE))
                : bind(tx, platform, workspaceId, admin, redeemed.get())))
        .onSuccess(outcome -> changes.installationChanged(platform, workspaceId))
        .recover(failure -> failure instanceof Refused refused
            ? Future.succeededFuture(new Outcome(false, refused.getMessage()))
            : Future.failedFuture(failure));
  }

  private static Future<Outcome> bind(SqlConnection tx, String platform, String workspaceId, String admin,
                                      WorkspaceClaims.Redeemed claim) {
    String tenantId = claim.tenantId();
    return OutrankedBindings.displace(tx, platform, workspaceId, tenantId, InstallationProof.CLAIM_CODE)
        .compose(displaced -> Installations.add(tx, tenantId, platform, workspaceId, false, null, null,
            InstallationProof.CLAIM_CODE))
        .compose(added -> {
          if (added.isPresent()) {
            return AuditLog.append(tx, AuditEvent.of(tenantId, AuditEventType.INSTALLATION_ADDED, admin, null,
                    new JsonObject().put("installationId", added.get().id()).put("platform", platform)
                        .put("workspaceId", workspaceId).put("ownApp", false)
                        .put("verifiedVia", InstallationProof.CLAIM_CODE.wire()).put("claimId", claim.claimId())))
                .map(new Outcome(true, "This " + noun(platform) + " is now bound to Switchboard tenant '" + tenantId
                    + "'. Its members' commands run under that tenant's policy."));
          }
          return tx.preparedQuery(HOLDER).execute(Tuple.of(platform, workspaceId)).compose(rows ->
              rows.size() == 1 && tenantId.equals(rows.iterator().next().getString("tenant_id"))
                  ? Future.succeededFuture(new Outcome(true, "This " + noun(platform)
                      + " was bound to Switchboard tenant '" + tenantId + "' already."))
                  : Future.failedFuture(new Refused("This " + noun(platform) + " is bound to another Switchboard "
                      + "tenant. It moves only once that tenant disables its installation, or by the operator.")));
        });
  }

  private static String noun(String platform) {
    return "teams".equals(platform) ? "Teams organisation" : "server";
  }

  /** A claim that cannot bind: the transaction rolls back (the claim stays unused) and the admin is told why. */
  private static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }
}

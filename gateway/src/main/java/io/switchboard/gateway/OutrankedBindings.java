package io.switchboard.gateway;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;

import java.util.Optional;

/**
 * Makes room for a proven binding: a workspace that another tenant holds with a weaker binding is
 * taken from that tenant, audited {@code installation.displaced} in its log, inside the proven
 * binding's transaction. Every proof outranks a bare claim (bound before proofs were required); the
 * workspace admin's claim code also outranks a disabled binding and one a member made by adding the
 * Teams bot ({@link InstallationProof#outranksMemberBindings}). Any other proven binding of another
 * tenant is never touched.
 */
public final class OutrankedBindings {

  private OutrankedBindings() {
  }

  /**
   * @param provenFor the tenant the proven binding is for; its own binding stays (the proof upgrades
   *                  an unproven one)
   */
  public static Future<Optional<Installations.Displaced>> displace(SqlConnection tx, String platform,
                                                                   String workspaceId, String provenFor,
                                                                   InstallationProof proof) {
    return Installations.displaceOutranked(tx, platform, workspaceId, provenFor, proof).compose(displaced -> {
      if (displaced.isEmpty()) {
        return Future.succeededFuture(displaced);
      }
      Installations.Displaced gone = displaced.get();
      return AuditLog.append(tx, AuditEvent.of(gone.tenantId(), AuditEventType.INSTALLATION_DISPLACED, proof.wire(),
              null, new JsonObject().put("installationId", gone.installationId()).put("platform", platform)
                  .put("workspaceId", workspaceId).put("provenBy", proof.wire())))
          .map(displaced);
    });
  }
}

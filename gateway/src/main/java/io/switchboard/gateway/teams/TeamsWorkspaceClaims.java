package io.switchboard.gateway.teams;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.WorkspaceClaimVerification;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code verify <claim code>} sent to the bot in Teams, from any Teams tenant (installed or not): a
 * Global or Teams Administrator of the Teams tenant ({@link GraphDirectoryRoles}) binds it to the
 * Switchboard tenant that made the code ({@link WorkspaceClaimVerification}). Anyone else, or a
 * question Graph cannot answer, binds nothing and is told why. The answer is a text reply in the
 * thread, sent after the activity is acknowledged; the binding itself is written before.
 */
final class TeamsWorkspaceClaims {

  private static final Logger LOG = LoggerFactory.getLogger(TeamsWorkspaceClaims.class);

  private final GraphDirectoryRoles roles;
  private final WorkspaceClaimVerification claims;
  private final TeamsConnector connector;

  TeamsWorkspaceClaims(GraphDirectoryRoles roles, WorkspaceClaimVerification claims, TeamsConnector connector) {
    this.roles = roles;
    this.claims = claims;
    this.connector = connector;
  }

  /** Completes once the binding (if any) is written; the reply follows. */
  Future<Void> verify(String teamsTenantId, TeamsActivity activity, String code) {
    String user = activity.fromAadObjectId().orElseThrow(() ->
        new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "a message needs from.aadObjectId"));
    return roles.administers(teamsTenantId, user)
        .compose(administers -> administers
            ? claims.verify(TeamsJobActivities.PLATFORM, teamsTenantId, TeamsJobActivities.PLATFORM + ":user:" + user,
                code).map(WorkspaceClaimVerification.Outcome::message)
            : Future.succeededFuture("Only a Global Administrator or Teams Administrator of this organisation can "
                + "bind it to a Switchboard tenant."),
            failure -> failure instanceof TeamsConnectorFailure graph
                ? Future.succeededFuture("Switchboard could not ask Microsoft Graph whether you administer this "
                    + "organisation, so nothing was bound (" + graph.getMessage() + ").")
                : Future.failedFuture(failure))
        .onSuccess(message -> connector.reply(activity.serviceUrl(), activity.conversationId(), activity.id(),
                TeamsCards.text(message))
            .onFailure(e -> LOG.warn("Answering a claim verification in Teams failed: {}", e.toString())))
        .mapEmpty();
  }
}

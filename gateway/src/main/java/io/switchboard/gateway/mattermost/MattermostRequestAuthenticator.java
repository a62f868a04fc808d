package io.switchboard.gateway.mattermost;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.tenancy.secrets.SecretStoreException;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Decides whether a request comes from an installed Mattermost team before anything acts on it. A
 * slash command names its team ({@code team_id}) and carries the command's token: the team's
 * installation is looked up only to read that token from the tenant's secret store, and the request
 * is believed when the token matches (compared in constant time). A button click names its team in
 * the button's context and carries the {@link ActionProof} made with the team's button key. Missing
 * token or proof: 401 {@code missing_signature}; no such team (or no credentials kept for it): 401
 * {@code unknown_workspace}; a token or proof that does not match: 401 {@code bad_signature}; the
 * store cannot be read now: 503 {@code secret_store_unavailable}.
 */
public final class MattermostRequestAuthenticator {

  private static final Logger LOG = LoggerFactory.getLogger(MattermostRequestAuthenticator.class);

  private final MattermostTeams teams;
  private final MattermostSecrets secrets;

  public MattermostRequestAuthenticator(MattermostTeams teams, MattermostSecrets secrets) {
    this.teams = teams;
    this.secrets = secrets;
  }

  /** The team of a slash command, once its token matches the team's. */
  public Future<VerifiedTeam> command(Optional<String> teamId, Optional<String> token) {
    if (token.isEmpty()) {
      return refuse(ErrorCode.MISSING_SIGNATURE, "the slash command token is missing");
    }
    return team(teamId).compose(team -> equal(token.get(), team.credentials().commandToken())
        ? Future.succeededFuture(team)
        : refuse(ErrorCode.BAD_SIGNATURE, "the slash command token does not match this team's"));
  }

  /** The team of a button click, once the button's proof is the team's. */
  public Future<VerifiedTeam> click(Optional<String> teamId, String action, String value, Optional<String> proof) {
    if (proof.isEmpty()) {
      return refuse(ErrorCode.MISSING_SIGNATURE, "the button's proof is missing");
    }
    return team(teamId).compose(team -> ActionProof.verify(team.credentials().actionKey(), team.teamId(), action,
        value, proof.get()) ? Future.succeededFuture(team)
        : refuse(ErrorCode.BAD_SIGNATURE, "the button's proof does not match: Switchboard did not make it"));
  }

  private Future<VerifiedTeam> team(Optional<String> teamId) {
    if (teamId.isEmpty() || !MattermostReplyTo.isId(teamId.get())) {
      // Unverified input: refused before it is looked up, as no installation could have such an id.
      return refuse(ErrorCode.UNKNOWN_WORKSPACE, "the request names no valid Mattermost team id");
    }
    return teams.find(teamId.get()).compose(found -> {
      if (found.isEmpty()) {
        return refuse(ErrorCode.UNKNOWN_WORKSPACE, "Switchboard is not installed in this Mattermost team");
      }
      MattermostInstallation installation = found.get();
      return secrets.find(installation.tenantId(), installation.teamId())
          .recover(MattermostRequestAuthenticator::storeUnavailable)
          .compose(credentials -> credentials.isEmpty()
              ? refuse(ErrorCode.UNKNOWN_WORKSPACE, "Switchboard keeps no credentials for this Mattermost team")
              : Future.succeededFuture(new VerifiedTeam(installation, credentials.get())));
    });
  }

  /** The store's message names the tenant, which an unauthenticated caller must not learn: logged, not answered. */
  private static Future<Optional<MattermostCredentials>> storeUnavailable(Throwable failure) {
    if (!(failure instanceof SecretStoreException store)) {
      return Future.failedFuture(failure);
    }
    LOG.warn("A Mattermost request was refused: the team's credentials cannot be read ({}): {}", store.reason(),
        store.getMessage());
    return refuse(ErrorCode.SECRET_STORE_UNAVAILABLE, "the credentials of this Mattermost team cannot be read now; "
        + "try again later");
  }

  private static boolean equal(String given, String expected) {
    return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  private static <T> Future<T> refuse(ErrorCode code, String detail) {
    return Future.failedFuture(new SwitchboardException(code, detail));
  }
}

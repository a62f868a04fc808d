package io.switchboard.gateway.mattermost;

import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.tenancy.secrets.WorkspaceSecrets;
import io.vertx.core.Future;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a Mattermost team's credentials live: in its tenant's {@link SecretStore}, as one secret
 * {@code mattermost-installation.<team id>} ({@link MattermostCredentials} as JSON), written when a
 * tenant admin binds the team and deleted when the installation is disabled. Reads always name the
 * tenant, so a team id alone never reaches another tenant's tokens.
 */
public final class MattermostSecrets {

  static final String PREFIX = "mattermost-installation.";

  private final WorkspaceSecrets secrets;

  public MattermostSecrets(SecretStore store) {
    this.secrets = new WorkspaceSecrets(store, PREFIX);
  }

  /** The team's credentials, or empty when none (or no readable ones) are kept. */
  public Future<Optional<MattermostCredentials>> find(String tenantId, String teamId) {
    return secrets.find(tenantId, teamId).map(found -> found.flatMap(MattermostCredentials::fromJson));
  }

  /** Keeps {@code credentials} while {@code binding} runs; see {@link WorkspaceSecrets#storedWhile}. */
  public <T> Future<T> storedWhile(String tenantId, String teamId, MattermostCredentials credentials,
                                   Supplier<Future<T>> binding) {
    return secrets.storedWhile(tenantId, teamId, credentials.toJson().encode(), binding);
  }

  public Future<Void> forget(String tenantId, String teamId) {
    return secrets.delete(tenantId, teamId).mapEmpty();
  }
}

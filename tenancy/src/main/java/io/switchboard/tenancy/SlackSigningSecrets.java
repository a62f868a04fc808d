package io.switchboard.tenancy;

import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.tenancy.secrets.WorkspaceSecrets;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the signing secret of a tenant's own Slack app lives: in the tenant's {@link SecretStore},
 * under {@code slack-signing-secret.<workspace>}, never in {@code chat_installations} (issue 11). The
 * installation row only says that it is of the tenant's own app ({@code own_app}); the secret is
 * read by the tenant of that row, so a workspace id alone never reaches another tenant's secret.
 */
public final class SlackSigningSecrets {

  private static final Logger LOG = LoggerFactory.getLogger(SlackSigningSecrets.class);

  private static final String PREFIX = "slack-signing-secret.";

  private final WorkspaceSecrets secrets;

  public SlackSigningSecrets(SecretStore store) {
    this.secrets = new WorkspaceSecrets(store, PREFIX);
  }

  /** The secret name that holds the signing secret of {@code workspaceId}'s own Slack app. */
  public static String secretName(String workspaceId) {
    return PREFIX + workspaceId;
  }

  public Future<Optional<String>> find(String tenantId, String workspaceId) {
    return secrets.find(tenantId, workspaceId);
  }

  public Future<Void> store(String tenantId, String workspaceId, String signingSecret) {
    return secrets.store(tenantId, workspaceId, signingSecret);
  }

  public Future<Boolean> delete(String tenantId, String workspaceId) {
    return secrets.delete(tenantId, workspaceId);
  }

  /**
   * Keeps {@code signingSecret} for the workspace while {@code binding} runs; a binding that fails
   * puts back what the tenant had kept before, or deletes it ({@link WorkspaceSecrets#storedWhile}).
   */
  public <T> Future<T> storedWhile(String tenantId, String workspaceId, String signingSecret,
                                   Supplier<Future<T>> binding) {
    return secrets.storedWhile(tenantId, workspaceId, signingSecret, binding);
  }

  /**
   * Removes the signing secret after the workspace went to the shared app (or away); a failure is
   * logged, not raised: the row no longer says own app, so nothing reads what is left.
   */
  public Future<Void> forget(String tenantId, String workspaceId) {
    return delete(tenantId, workspaceId)
        .onFailure(e -> LOG.warn("Deleting the signing secret of Slack workspace {} (tenant {}) failed: {}",
            workspaceId, tenantId, e.toString()))
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }
}

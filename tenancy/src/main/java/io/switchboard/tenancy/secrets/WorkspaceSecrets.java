package io.switchboard.tenancy.secrets;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * One kind of secret that a chat installation keeps in its tenant's {@link SecretStore}, one per
 * workspace, named {@code <prefix><workspace id>} (a Slack app's bot token, its signing secret).
 * Every read and write names the tenant, so a workspace id alone never reaches another tenant's
 * secret.
 */
public final class WorkspaceSecrets {

  private static final Logger LOG = LoggerFactory.getLogger(WorkspaceSecrets.class);

  private final SecretStore secrets;
  private final String prefix;

  /** @param prefix what the secret names start with, e.g. {@code slack-bot-token.} */
  public WorkspaceSecrets(SecretStore secrets, String prefix) {
    this.secrets = secrets;
    this.prefix = prefix;
  }

  /** The secret name that holds this kind of secret of {@code workspaceId}. */
  public String secretName(String workspaceId) {
    return prefix + workspaceId;
  }

  public Future<Void> store(String tenantId, String workspaceId, String value) {
    return secrets.put(tenantId, secretName(workspaceId), value).mapEmpty();
  }

  public Future<Optional<String>> find(String tenantId, String workspaceId) {
    return secrets.get(tenantId, secretName(workspaceId));
  }

  public Future<Boolean> delete(String tenantId, String workspaceId) {
    return secrets.delete(tenantId, secretName(workspaceId));
  }

  /**
   * Stores {@code value} for the workspace while {@code binding} runs, for a binding that needs it;
   * when the binding fails (the workspace is bound already, the database is down), puts back what the
   * tenant kept before, or deletes it if there was nothing, and fails with the binding's failure. So
   * a refused binding leaves no secret behind and never replaces a working one. A failure to store
   * fails before the binding runs.
   */
  public <T> Future<T> storedWhile(String tenantId, String workspaceId, String value, Supplier<Future<T>> binding) {
    return find(tenantId, workspaceId).compose(kept -> store(tenantId, workspaceId, value)
        .compose(stored -> binding.get()
            .recover(failure -> (kept.isPresent()
                ? store(tenantId, workspaceId, kept.get())
                : delete(tenantId, workspaceId).<Void>mapEmpty())
                .onFailure(e -> LOG.warn("Putting back secret '{}' of tenant '{}' after a failed binding failed: {}",
                    secretName(workspaceId), tenantId, e.toString()))
                .transform(restored -> Future.<T>failedFuture(failure)))));
  }
}

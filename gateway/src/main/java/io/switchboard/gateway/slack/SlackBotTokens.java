package io.switchboard.gateway.slack;

import io.switchboard.gateway.slack.webapi.SlackApiFailure;
import io.switchboard.tenancy.secrets.SecretStore;
import io.vertx.core.Future;

import java.util.Optional;

/**
 * Where an installation's bot token lives: in its tenant's {@link SecretStore}, under
 * {@code slack-bot-token.<workspace>}, never in a plaintext column. Reads and writes always name the
 * tenant, so a workspace id alone never reaches another tenant's token.
 */
public final class SlackBotTokens {

  private static final String PREFIX = "slack-bot-token.";

  private final SecretStore secrets;

  public SlackBotTokens(SecretStore secrets) {
    this.secrets = secrets;
  }

  /** The secret name that holds the bot token of {@code workspaceId}. */
  public static String secretName(String workspaceId) {
    return PREFIX + workspaceId;
  }

  public Future<Void> store(String tenantId, String workspaceId, String token) {
    return secrets.put(tenantId, secretName(workspaceId), token).mapEmpty();
  }

  public Future<Optional<String>> find(String tenantId, String workspaceId) {
    return secrets.get(tenantId, secretName(workspaceId));
  }

  /** The bot token, or a failed future ({@link SlackApiFailure} {@code no_bot_token}) when there is none. */
  public Future<String> require(String tenantId, String workspaceId) {
    return find(tenantId, workspaceId).compose(token -> token.isPresent()
        ? Future.succeededFuture(token.get())
        : Future.failedFuture(new SlackApiFailure("auth", "no_bot_token")));
  }

  public Future<Boolean> delete(String tenantId, String workspaceId) {
    return secrets.delete(tenantId, secretName(workspaceId));
  }
}

package io.switchboard.gateway.slack;

import io.switchboard.gateway.slack.webapi.SlackApiFailure;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.tenancy.secrets.WorkspaceSecrets;
import io.vertx.core.Future;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where an installation's bot token lives: in its tenant's {@link SecretStore}, under
 * {@code slack-bot-token.<workspace>}, never in a plaintext column. Reads and writes always name the
 * tenant, so a workspace id alone never reaches another tenant's token.
 */
public final class SlackBotTokens {

  private static final String PREFIX = "slack-bot-token.";

  private final WorkspaceSecrets tokens;

  public SlackBotTokens(SecretStore secrets) {
    this.tokens = new WorkspaceSecrets(secrets, PREFIX);
  }

  /** The secret name that holds the bot token of {@code workspaceId}. */
  public static String secretName(String workspaceId) {
    return PREFIX + workspaceId;
  }

  public Future<Void> store(String tenantId, String workspaceId, String token) {
    return tokens.store(tenantId, workspaceId, token);
  }

  public Future<Optional<String>> find(String tenantId, String workspaceId) {
    return tokens.find(tenantId, workspaceId);
  }

  /** The bot token, or a failed future ({@link SlackApiFailure} {@code no_bot_token}) when there is none. */
  public Future<String> require(String tenantId, String workspaceId) {
    return find(tenantId, workspaceId).compose(token -> token.isPresent()
        ? Future.succeededFuture(token.get())
        : Future.failedFuture(new SlackApiFailure("auth", "no_bot_token")));
  }

  public Future<Boolean> delete(String tenantId, String workspaceId) {
    return tokens.delete(tenantId, workspaceId);
  }

  /**
   * Keeps {@code token} for the workspace while {@code binding} runs; a binding that fails puts back
   * the token the tenant had kept before ({@link WorkspaceSecrets#storedWhile}).
   */
  public <T> Future<T> storedWhile(String tenantId, String workspaceId, String token, Supplier<Future<T>> binding) {
    return tokens.storedWhile(tenantId, workspaceId, token, binding);
  }
}

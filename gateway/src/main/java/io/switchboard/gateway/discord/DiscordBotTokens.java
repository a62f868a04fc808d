package io.switchboard.gateway.discord;

import io.switchboard.tenancy.secrets.SecretStore;
import io.vertx.core.Future;

import java.util.Optional;

/**
 * Where a guild's bot token lives: in its tenant's {@link SecretStore}, under
 * {@code discord-bot-token.<guild>} (an admin stores it with {@code PUT /api/v1/secrets/{name}}).
 * Switchboard needs it only to post a result after the interaction token expired. Reads always name
 * the tenant, so a guild id alone never reaches another tenant's token.
 */
public final class DiscordBotTokens {

  private static final String PREFIX = "discord-bot-token.";

  private final SecretStore secrets;

  public DiscordBotTokens(SecretStore secrets) {
    this.secrets = secrets;
  }

  /** The secret name that holds the bot token of {@code guildId}. */
  public static String secretName(String guildId) {
    return PREFIX + guildId;
  }

  public Future<Optional<String>> find(String tenantId, String guildId) {
    return secrets.get(tenantId, secretName(guildId));
  }
}

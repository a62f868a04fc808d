package io.switchboard.gateway.mattermost;

import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * What Switchboard keeps of one Mattermost installation, as one secret in the tenant's store
 * ({@link MattermostSecrets}): the server's base URL, the slash command's token (which Mattermost sends
 * with every command), the bot account's access token (for posts and edits) and the key that signs
 * the context of Switchboard's buttons ({@link ActionProof}). {@link #toString()} names no secret.
 *
 * @param serverUrl    the server's base URL without a trailing slash, e.g. {@code https://chat.example.com}
 * @param commandToken the slash command's token
 * @param botToken     the bot account's access token
 * @param actionKey    the button key (base64url, 32 random bytes)
 */
public record MattermostCredentials(String serverUrl, String commandToken, String botToken, String actionKey) {

  public JsonObject toJson() {
    return new JsonObject().put("serverUrl", serverUrl).put("commandToken", commandToken).put("botToken", botToken)
        .put("actionKey", actionKey);
  }

  /** The credentials a stored secret holds, or empty when it is not such a secret. */
  public static Optional<MattermostCredentials> fromJson(String stored) {
    try {
      JsonObject json = new JsonObject(stored);
      String server = json.getString("serverUrl");
      String command = json.getString("commandToken");
      String bot = json.getString("botToken");
      String key = json.getString("actionKey");
      return server == null || command == null || bot == null || key == null ? Optional.empty()
          : Optional.of(new MattermostCredentials(server, command, bot, key));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "MattermostCredentials[serverUrl=" + serverUrl + "]";
  }
}

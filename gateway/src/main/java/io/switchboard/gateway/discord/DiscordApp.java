package io.switchboard.gateway.discord;

import java.util.Optional;

/**
 * The shared Switchboard Discord application: where Discord's HTTP API is, and the application's
 * identity. Guilds installed with their own application carry its id and key instead.
 *
 * @param apiUrl        Discord's API base, without a trailing {@code /} (tests point it at a stand-in)
 * @param applicationId the application id (Developer Portal, General Information)
 * @param publicKey     the application's Ed25519 public key, 64 hex digits; interactions are verified with it
 */
public record DiscordApp(String apiUrl, Optional<String> applicationId, Optional<String> publicKey) {

  public DiscordApp {
    if (!apiUrl.startsWith("http://") && !apiUrl.startsWith("https://")) {
      throw new IllegalArgumentException("SWITCHBOARD_DISCORD_API_URL must be an http(s) URL");
    }
    apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
    if (publicKey.isPresent() && !publicKey.get().matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("SWITCHBOARD_DISCORD_PUBLIC_KEY must be 64 hex digits (an Ed25519 key)");
    }
    if (applicationId.isPresent() && !applicationId.get().matches("[0-9]{1,20}")) {
      throw new IllegalArgumentException("SWITCHBOARD_DISCORD_APPLICATION_ID must be a Discord id (digits)");
    }
  }
}

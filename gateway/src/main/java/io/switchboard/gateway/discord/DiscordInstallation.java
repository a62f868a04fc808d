package io.switchboard.gateway.discord;

import java.util.Optional;

/**
 * A Discord guild bound to a tenant.
 *
 * @param tenantId      the tenant the guild's commands run for
 * @param guildId       the guild (server) id
 * @param applicationId the tenant's own Discord application, if it brought one
 * @param publicKey     that application's Ed25519 public key (hex); empty for the shared application
 */
public record DiscordInstallation(String tenantId, String guildId, Optional<String> applicationId,
                                  Optional<String> publicKey) {
}

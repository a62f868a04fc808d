package io.switchboard.gateway.discord;

import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * An interaction whose signature checked out: its JSON payload, and the installation of the guild it
 * names (empty for a PING, a direct message, or a guild that has not installed Switchboard).
 */
public record VerifiedInteraction(JsonObject payload, Optional<DiscordInstallation> installation) {
}

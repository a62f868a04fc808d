package io.switchboard.gateway.platform;

import io.switchboard.gateway.pacing.PlatformPacing;

import java.util.Optional;

/**
 * A chat platform's settings, read from the environment next to the platform's code when the node
 * starts (a malformed value stops the node, naming the variable), and how the platform is built from
 * them. Reading and building are apart because the shared services (the pacer among them) are made
 * from every platform's settings before any platform is built.
 */
public interface PlatformSettings {

  /** The platform's name ({@link ChatPlatform#name()}). */
  String platform();

  /** How its outbound calls are paced; empty for a platform that delivers without a rate limit (the sandbox). */
  Optional<PlatformPacing> outboundPacing();

  /** Whether the platform is served at all: one switched off (the sandbox, by default) is not built. */
  default boolean enabled() {
    return true;
  }

  /** Builds the platform. Runs on a worker thread: it may load large libraries. */
  ChatPlatform create(GatewayServices services);
}

package io.switchboard.gateway.sandbox;

import io.switchboard.core.config.Environment;
import io.switchboard.gateway.pacing.PlatformPacing;
import io.switchboard.gateway.platform.ChatPlatform;
import io.switchboard.gateway.platform.GatewayServices;
import io.switchboard.gateway.platform.PlatformSettings;

import java.time.Duration;
import java.util.Optional;

/**
 * The sandbox web chat's settings.
 *
 * @param enabled     {@code SWITCHBOARD_SANDBOX_ENABLED}; on by default on the embedded node (no
 *                    {@code SWITCHBOARD_DATABASE_URL}), off otherwise. Off, none of its routes exist
 * @param sessionIdle {@code SWITCHBOARD_SANDBOX_SESSION_IDLE_HOURS}: how long a session may go without a
 *                    new message before it and its messages are deleted
 * @param allowRemote {@code SWITCHBOARD_SANDBOX_ALLOW_REMOTE}: whether browsers off this machine may use it
 */
public record SandboxSettings(boolean enabled, Duration sessionIdle, boolean allowRemote) implements PlatformSettings {

  public static final Duration DEFAULT_SESSION_IDLE = Duration.ofHours(24);

  public static SandboxSettings fromEnv(Environment env) {
    return new SandboxSettings(
        env.bool("SWITCHBOARD_SANDBOX_ENABLED", env.optional("SWITCHBOARD_DATABASE_URL").isEmpty()),
        env.hours("SWITCHBOARD_SANDBOX_SESSION_IDLE_HOURS", DEFAULT_SESSION_IDLE),
        env.bool("SWITCHBOARD_SANDBOX_ALLOW_REMOTE", false));
  }

  @Override
  public String platform() {
    return SandboxChat.PLATFORM;
  }

  /** Answers go to the browser's own session: nothing to pace. */
  @Override
  public Optional<PlatformPacing> outboundPacing() {
    return Optional.empty();
  }

  @Override
  public ChatPlatform create(GatewayServices services) {
    return new SandboxPlatform(this, services);
  }
}

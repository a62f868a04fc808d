package io.switchboard.gateway.discord;

import io.switchboard.core.config.Environment;
import io.switchboard.core.config.WorkspaceRate;
import io.switchboard.gateway.pacing.PlatformPacing;
import io.switchboard.gateway.platform.ChatPlatform;
import io.switchboard.gateway.platform.GatewayServices;
import io.switchboard.gateway.platform.PlatformSettings;

import java.time.Duration;
import java.util.Optional;

/**
 * Discord's settings: the shared application ({@code SWITCHBOARD_DISCORD_API_URL},
 * {@code SWITCHBOARD_DISCORD_APPLICATION_ID}, {@code SWITCHBOARD_DISCORD_PUBLIC_KEY}) and pacing
 * ({@code SWITCHBOARD_PACING_DISCORD_*}).
 *
 * @param app    the shared application
 * @param pacing Discord publishes no fixed per-route numbers (each bucket is announced in response
 *               headers; 50 requests per second per bot globally). One call a second per channel stays
 *               under the commonly observed webhook bucket of 5 per 5 s; 25 posts and 25 edits a second
 *               per guild stay inside the global 50.
 */
public record DiscordSettings(DiscordApp app, PlatformPacing pacing) implements PlatformSettings {

  public static final String DEFAULT_API_URL = "https://discord.com/api/v10";
  public static final PlatformPacing DEFAULT_PACING =
      new PlatformPacing(Duration.ofSeconds(1), new WorkspaceRate(1500, 1500));

  public static DiscordSettings fromEnv(Environment env) {
    return new DiscordSettings(new DiscordApp(env.string("SWITCHBOARD_DISCORD_API_URL", DEFAULT_API_URL),
        env.optional("SWITCHBOARD_DISCORD_APPLICATION_ID"), env.optional("SWITCHBOARD_DISCORD_PUBLIC_KEY")),
        PlatformPacing.fromEnv(env, DiscordCommands.PLATFORM, DEFAULT_PACING));
  }

  @Override
  public String platform() {
    return DiscordCommands.PLATFORM;
  }

  @Override
  public Optional<PlatformPacing> outboundPacing() {
    return Optional.of(pacing);
  }

  @Override
  public ChatPlatform create(GatewayServices services) {
    return new DiscordPlatform(this, services);
  }
}

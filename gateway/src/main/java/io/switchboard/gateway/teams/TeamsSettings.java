package io.switchboard.gateway.teams;

import io.switchboard.core.config.Environment;
import io.switchboard.core.config.WorkspaceRate;
import io.switchboard.gateway.pacing.PlatformPacing;
import io.switchboard.gateway.platform.ChatPlatform;
import io.switchboard.gateway.platform.GatewayServices;
import io.switchboard.gateway.platform.PlatformSettings;

import java.time.Duration;
import java.util.Optional;

/**
 * Microsoft Teams' settings: the bot's registration ({@code SWITCHBOARD_TEAMS_*}, {@link TeamsApp}) and
 * pacing ({@code SWITCHBOARD_PACING_TEAMS_*}).
 *
 * @param app    the bot registered with the Bot Framework
 * @param pacing the Bot Framework allows, per bot per conversation, 7 calls a second, 8 per 2 s, 60 per
 *               30 s and 1800 per hour: one every 2 s keeps a busy conversation inside the hourly limit.
 *               Teams allows 50 requests a second per app per tenant, all operations together: 25 posts
 *               and 25 edits a second stay inside it
 */
public record TeamsSettings(TeamsApp app, PlatformPacing pacing) implements PlatformSettings {

  public static final PlatformPacing DEFAULT_PACING =
      new PlatformPacing(Duration.ofSeconds(2), new WorkspaceRate(1500, 1500));

  public static TeamsSettings fromEnv(Environment env) {
    return new TeamsSettings(TeamsApp.fromEnv(env), PlatformPacing.fromEnv(env, TeamsJobActivities.PLATFORM,
        DEFAULT_PACING));
  }

  @Override
  public String platform() {
    return TeamsJobActivities.PLATFORM;
  }

  @Override
  public Optional<PlatformPacing> outboundPacing() {
    return Optional.of(pacing);
  }

  @Override
  public ChatPlatform create(GatewayServices services) {
    return new TeamsPlatform(TeamsBot.create(app, services));
  }
}

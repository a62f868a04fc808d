package io.switchboard.gateway.platform;

import io.switchboard.core.config.Environment;
import io.switchboard.gateway.discord.DiscordSettings;
import io.switchboard.gateway.mattermost.MattermostSettings;
import io.switchboard.gateway.sandbox.SandboxSettings;
import io.switchboard.gateway.slack.SlackSettings;
import io.switchboard.gateway.teams.TeamsSettings;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The chat platforms this gateway serves, each configured from its own {@code SWITCHBOARD_<PLATFORM>_*}
 * variables. Adding a platform is one line here.
 */
public final class ChatPlatforms {

  private ChatPlatforms() {
  }

  /**
   * The settings of every platform that is switched on, read and checked now (a malformed value fails
   * naming its variable).
   */
  public static List<PlatformSettings> installed(Environment env) {
    return distinct(Stream.<PlatformSettings>of(
        SlackSettings.fromEnv(env),
        TeamsSettings.fromEnv(env),
        DiscordSettings.fromEnv(env),
        MattermostSettings.fromEnv(env),
        SandboxSettings.fromEnv(env)).filter(PlatformSettings::enabled).toList());
  }

  private static List<PlatformSettings> distinct(List<PlatformSettings> platforms) {
    Set<String> names = new HashSet<>();
    for (PlatformSettings platform : platforms) {
      if (!names.add(platform.platform())) {
        throw new IllegalStateException("two chat platforms named '" + platform.platform() + "'");
      }
    }
    return platforms;
  }
}

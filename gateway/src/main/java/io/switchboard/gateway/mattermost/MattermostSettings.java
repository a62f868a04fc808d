package io.switchboard.gateway.mattermost;

import io.switchboard.core.config.Environment;
import io.switchboard.core.config.WorkspaceRate;
import io.switchboard.gateway.pacing.PlatformPacing;
import io.switchboard.gateway.platform.ChatPlatform;
import io.switchboard.gateway.platform.GatewayServices;
import io.switchboard.gateway.platform.PlatformSettings;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Mattermost's settings, from {@code SWITCHBOARD_MATTERMOST_*}:
 * <ul>
 *   <li>{@code SWITCHBOARD_MATTERMOST_ACTIONS_URL}: the absolute URL at which Mattermost servers reach
 *       {@code POST /mattermost/actions}, written into every button; unset, messages carry no buttons
 *       (approvals are then voted with {@code approve <id>} / {@code deny <id>}, jobs cancelled with
 *       {@code cancel <id>});</li>
 *   <li>{@code SWITCHBOARD_MATTERMOST_ALLOW_HTTP} ({@code false}): whether an installation's server URL may
 *       be plain {@code http://} (a lab server, the tests' stand-in); otherwise only {@code https://}.</li>
 * </ul>
 * Pacing ({@code SWITCHBOARD_PACING_MATTERMOST_*}, {@link PlatformPacing}) defaults to
 * {@link #DEFAULT_PACING}: Mattermost's documented default rate limit (System Console &gt; Environment &gt;
 * Rate Limiting: {@code RateLimitSettings.PerSec} 10 requests a second with {@code MaxBurst} 100, per
 * token or address when enabled) holds every call of one bot token, so one team's posts and edits
 * together stay at 8 a second (240 + 240 a minute) and one channel gets at most one call a second.
 *
 * @param actionsUrl where buttons send their clicks, if buttons are wanted
 * @param allowHttp  whether installations may name an {@code http://} server
 * @param pacing     the outbound pacing
 */
public record MattermostSettings(Optional<String> actionsUrl, boolean allowHttp, PlatformPacing pacing)
    implements PlatformSettings {

  /** The platform's name: installations, jobs, policy subjects ({@code mattermost:user:<id>}), metrics. */
  public static final String PLATFORM = "mattermost";

  /** Inside Mattermost's default limit of 10 requests a second per token (see the class comment). */
  public static final PlatformPacing DEFAULT_PACING =
      new PlatformPacing(Duration.ofSeconds(1), new WorkspaceRate(240, 240));

  public MattermostSettings {
    actionsUrl.ifPresent(MattermostSettings::checkActionsUrl);
  }

  public static MattermostSettings fromEnv(Environment env) {
    return new MattermostSettings(env.optional("SWITCHBOARD_MATTERMOST_ACTIONS_URL"),
        env.bool("SWITCHBOARD_MATTERMOST_ALLOW_HTTP", false),
        PlatformPacing.fromEnv(env, PLATFORM, DEFAULT_PACING));
  }

  private static void checkActionsUrl(String url) {
    try {
      URI uri = new URI(url);
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (Exception e) {
      throw new IllegalArgumentException("SWITCHBOARD_MATTERMOST_ACTIONS_URL must be an absolute http(s) URL");
    }
  }

  @Override
  public String platform() {
    return PLATFORM;
  }

  @Override
  public Optional<PlatformPacing> outboundPacing() {
    return Optional.of(pacing);
  }

  @Override
  public ChatPlatform create(GatewayServices services) {
    return new MattermostPlatform(this, services);
  }
}

package io.switchboard.gateway.slack;

import io.switchboard.core.config.Environment;
import io.switchboard.core.config.PublicUrl;
import io.switchboard.core.config.WorkspaceRate;
import io.switchboard.gateway.pacing.PlatformPacing;
import io.switchboard.gateway.platform.ChatPlatform;
import io.switchboard.gateway.platform.GatewayServices;
import io.switchboard.gateway.platform.PlatformSettings;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Slack's settings: the shared app ({@code SWITCHBOARD_SLACK_*}, {@link SlackApp}), the shared app's
 * signing secret, where {@code response_url}s may point, pacing ({@code SWITCHBOARD_PACING_SLACK_*}),
 * and the gateways' public address for the app manifest ({@code SWITCHBOARD_PUBLIC_URL}).
 *
 * @param app                 the shared Slack app
 * @param signingSecret       {@code SWITCHBOARD_SLACK_SIGNING_SECRET}: the shared app's signing secret; a
 *                            workspace of a tenant's own app is verified with that app's secret instead
 * @param responseUrlPrefixes {@code SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES}: the only URL prefixes a
 *                            {@code response_url} may have (answers are never posted anywhere else)
 * @param pacing              Slack allows "about one message per second" per channel
 *                            ({@code chat.postMessage}); workspace-wide, {@code chat.postMessage} "several
 *                            hundred per minute" and {@code chat.update} Tier 3 ("50+ per minute")
 * @param publicUrl           {@code SWITCHBOARD_PUBLIC_URL}: where Slack reaches the gateways, for the
 *                            URLs of {@code GET /slack/manifest}; empty: that route answers 503
 */
public record SlackSettings(SlackApp app, Optional<String> signingSecret, List<String> responseUrlPrefixes,
                            PlatformPacing pacing, Optional<PublicUrl> publicUrl) implements PlatformSettings {

  public static final String DEFAULT_API_URL = "https://slack.com/api/";
  public static final String DEFAULT_AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize";
  public static final String DEFAULT_SCOPES =
      "commands,chat:write,app_mentions:read,im:history,usergroups:read,files:write";
  public static final String DEFAULT_RESPONSE_URL_PREFIX = "https://hooks.slack.com/";
  public static final PlatformPacing DEFAULT_PACING =
      new PlatformPacing(Duration.ofSeconds(1), new WorkspaceRate(200, 50));

  public static SlackSettings fromEnv(Environment env) {
    return new SlackSettings(
        new SlackApp(
            env.string("SWITCHBOARD_SLACK_API_URL", DEFAULT_API_URL),
            env.string("SWITCHBOARD_SLACK_AUTHORIZE_URL", DEFAULT_AUTHORIZE_URL),
            env.optional("SWITCHBOARD_SLACK_CLIENT_ID"),
            env.optional("SWITCHBOARD_SLACK_CLIENT_SECRET"),
            env.optional("SWITCHBOARD_SLACK_STATE_SECRET"),
            env.optional("SWITCHBOARD_SLACK_REDIRECT_URI"),
            env.list("SWITCHBOARD_SLACK_SCOPES", DEFAULT_SCOPES)),
        env.optional("SWITCHBOARD_SLACK_SIGNING_SECRET"),
        env.list("SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", DEFAULT_RESPONSE_URL_PREFIX),
        PlatformPacing.fromEnv(env, SignedSlackEndpoint.PLATFORM, DEFAULT_PACING),
        PublicUrl.fromEnv(env));
  }

  @Override
  public String platform() {
    return SignedSlackEndpoint.PLATFORM;
  }

  @Override
  public Optional<PlatformPacing> outboundPacing() {
    return Optional.of(pacing);
  }

  @Override
  public ChatPlatform create(GatewayServices services) {
    return new SlackPlatform(this, services);
  }

  @Override
  public String toString() {
    return "SlackSettings[app=" + app + ", responseUrlPrefixes=" + responseUrlPrefixes + ", pacing=" + pacing
        + ", publicUrl=" + publicUrl.map(PublicUrl::base).orElse("-") + "]";
  }
}

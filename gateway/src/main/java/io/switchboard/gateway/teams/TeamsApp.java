package io.switchboard.gateway.teams;

import io.switchboard.core.config.Environment;

import java.util.Optional;

/**
 * The Switchboard bot registered with the Microsoft Bot Framework: its Microsoft app id and password,
 * where the Bot Framework's OpenID metadata (signing keys of incoming activities) is, where bot
 * tokens for the connector are issued, and where Microsoft Graph and its sign-in endpoint are (group
 * membership for {@code teams:group:} bindings). Without an app id and password,
 * {@code POST /api/messages} refuses every activity (503).
 *
 * @param appId               the bot's Microsoft app id; the audience of every incoming token
 * @param appPassword         the app's client secret, exchanged for connector tokens
 * @param openIdMetadataUrl   the Bot Framework's OpenID metadata (tests point it at a loopback stand-in)
 * @param tokenUrl            the OAuth 2 token endpoint for connector tokens (client credentials)
 * @param graphUrl            Microsoft Graph's root, without {@code /v1.0}
 * @param loginUrl            the Microsoft identity platform's root; Graph tokens come from
 *                            {@code {loginUrl}/{Teams tenant id}/oauth2/v2.0/token}
 */
public record TeamsApp(Optional<String> appId, Optional<String> appPassword, String openIdMetadataUrl,
                       String tokenUrl, String graphUrl, String loginUrl) {

  public static final String DEFAULT_OPENID_METADATA_URL =
      "https://login.botframework.com/v1/.well-known/openidconfiguration";
  public static final String DEFAULT_TOKEN_URL =
      "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token";
  public static final String DEFAULT_GRAPH_URL = "https://graph.microsoft.com";
  public static final String DEFAULT_LOGIN_URL = "https://login.microsoftonline.com";
  /** The scope connector tokens are asked for. */
  public static final String CONNECTOR_SCOPE = "https://api.botframework.com/.default";
  /** The scope Graph tokens are asked for: the application permissions an admin consented to. */
  public static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";

  public TeamsApp {
    requireHttp(openIdMetadataUrl, "SWITCHBOARD_TEAMS_OPENID_METADATA_URL");
    requireHttp(tokenUrl, "SWITCHBOARD_TEAMS_TOKEN_URL");
    requireHttp(graphUrl, "SWITCHBOARD_TEAMS_GRAPH_URL");
    requireHttp(loginUrl, "SWITCHBOARD_TEAMS_LOGIN_URL");
    graphUrl = withoutTrailingSlash(graphUrl);
    loginUrl = withoutTrailingSlash(loginUrl);
    appId = appId.filter(id -> !id.isBlank());
    appPassword = appPassword.filter(password -> !password.isBlank());
  }

  /** Reads {@code SWITCHBOARD_TEAMS_*} from the environment. */
  public static TeamsApp fromEnv(Environment env) {
    return new TeamsApp(env.optional("SWITCHBOARD_TEAMS_APP_ID"), env.optional("SWITCHBOARD_TEAMS_APP_PASSWORD"),
        env.string("SWITCHBOARD_TEAMS_OPENID_METADATA_URL", DEFAULT_OPENID_METADATA_URL),
        env.string("SWITCHBOARD_TEAMS_TOKEN_URL", DEFAULT_TOKEN_URL),
        env.string("SWITCHBOARD_TEAMS_GRAPH_URL", DEFAULT_GRAPH_URL),
        env.string("SWITCHBOARD_TEAMS_LOGIN_URL", DEFAULT_LOGIN_URL));
  }

  /** Whether the bot is configured (app id and password). */
  public boolean enabled() {
    return appId.isPresent() && appPassword.isPresent();
  }

  @Override
  public String toString() {
    return "TeamsApp[appId=" + appId.orElse("-") + ", openIdMetadataUrl=" + openIdMetadataUrl + ", tokenUrl="
        + tokenUrl + ", graphUrl=" + graphUrl + ", loginUrl=" + loginUrl + "]";
  }

  private static String withoutTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static void requireHttp(String url, String variable) {
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException(variable + " must be an http(s) URL");
    }
  }
}

package io.switchboard.gateway.slack;

import java.util.List;
import java.util.Optional;

/**
 * The shared Switchboard Slack app: where its Web API is, and its OAuth client for installations.
 *
 * @param apiUrl       the Web API methods prefix, ending in {@code /} (tests point it at a stand-in)
 * @param authorizeUrl where {@code GET /slack/install} sends the browser
 * @param clientId     the app's OAuth client id; without it and the secret, installing is unavailable (503)
 * @param clientSecret the app's OAuth client secret
 * @param stateSecret  the key that signs OAuth {@code state}; defaults to the client secret
 * @param redirectUri  the OAuth redirect URL registered with the app, sent with both OAuth steps when set
 * @param scopes       the bot scopes asked for
 */
public record SlackApp(String apiUrl, String authorizeUrl, Optional<String> clientId, Optional<String> clientSecret,
                       Optional<String> stateSecret, Optional<String> redirectUri, List<String> scopes) {

  public SlackApp {
    if (!apiUrl.startsWith("http://") && !apiUrl.startsWith("https://")) {
      throw new IllegalArgumentException("SWITCHBOARD_SLACK_API_URL must be an http(s) URL");
    }
    apiUrl = apiUrl.endsWith("/") ? apiUrl : apiUrl + "/";
    stateSecret = stateSecret.or(() -> clientSecret);
  }

  /** Whether installing through OAuth is configured. */
  public boolean oauthEnabled() {
    return clientId.isPresent() && clientSecret.isPresent();
  }

  /** Names no secret. */
  @Override
  public String toString() {
    return "SlackApp[apiUrl=" + apiUrl + ", authorizeUrl=" + authorizeUrl + ", clientId=" + clientId.orElse("-")
        + ", redirectUri=" + redirectUri.orElse("-") + ", scopes=" + scopes + "]";
  }
}

package io.switchboard.gateway.teams;

import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;

import java.time.Clock;

/**
 * The bot's access token for the Bot Framework connector: a {@link ClientCredentialsToken} from the
 * configured token endpoint with the app id and password and scope {@value TeamsApp#CONNECTOR_SCOPE},
 * shared by every tenant (it is the app's token, not a tenant's). Use from one event loop.
 */
public final class TeamsBotTokens {

  private final ClientCredentialsToken token;

  public TeamsBotTokens(WebClient client, TeamsApp app, Clock clock) {
    this.token = new ClientCredentialsToken(client, app.tokenUrl(), app.appId().orElseThrow(),
        app.appPassword().orElseThrow(), TeamsApp.CONNECTOR_SCOPE, "token", clock);
  }

  /** A token valid for at least another minute. */
  public Future<String> current() {
    return token.current();
  }

  /** Forgets the token, e.g. after the connector refused it. */
  public void invalidate(String refused) {
    token.invalidate(refused);
  }
}

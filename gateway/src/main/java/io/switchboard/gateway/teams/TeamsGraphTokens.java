package io.switchboard.gateway.teams;

import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Microsoft Graph tokens of the bot's app, one per customer Entra (Teams) tenant: the
 * client-credentials grant at {@code {login}/{Teams tenant id}/oauth2/v2.0/token} with scope
 * {@value TeamsApp#GRAPH_SCOPE}, each a {@link ClientCredentialsToken} kept until a minute before it
 * expires. A token is only ever handed out for the Teams tenant it was issued in, so one customer's
 * token never reads another's directory. Use from one event loop.
 */
public final class TeamsGraphTokens {

  private final WebClient client;
  private final TeamsApp app;
  private final Clock clock;
  private final Map<String, ClientCredentialsToken> byTeamsTenant = new ConcurrentHashMap<>();

  public TeamsGraphTokens(WebClient client, TeamsApp app, Clock clock) {
    this.client = client;
    this.app = app;
    this.clock = clock;
  }

  /** A Graph token for {@code teamsTenantId}'s directory, valid for at least another minute. */
  public Future<String> current(String teamsTenantId) {
    return tokenOf(teamsTenantId).current();
  }

  /** Forgets {@code teamsTenantId}'s token if it is still {@code refused}. */
  public void invalidate(String teamsTenantId, String refused) {
    tokenOf(teamsTenantId).invalidate(refused);
  }

  private ClientCredentialsToken tokenOf(String teamsTenantId) {
    return byTeamsTenant.computeIfAbsent(teamsTenantId, tenant -> new ClientCredentialsToken(client,
        app.loginUrl() + "/" + URLEncoder.encode(tenant, StandardCharsets.UTF_8) + "/oauth2/v2.0/token",
        app.appId().orElseThrow(), app.appPassword().orElseThrow(), TeamsApp.GRAPH_SCOPE, "graph.token", clock));
  }
}

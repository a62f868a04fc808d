package io.switchboard.gateway.teams;

import io.switchboard.core.config.TeamsApp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The bot's access token for the Bot Framework connector: the OAuth 2 client-credentials grant at
 * the configured token endpoint with the app id and password, kept until a minute before it expires
 * and shared by every tenant (it is the app's token, not a tenant's). One request at a time: callers
 * that ask while a token is being fetched wait for that one. Use from one event loop.
 */
public final class TeamsBotTokens {

  private static final Duration EARLY = Duration.ofMinutes(1);
  private static final long TIMEOUT_MILLIS = 10_000;

  private final WebClient client;
  private final TeamsApp app;
  private final Clock clock;
  private Future<String> fetching;
  private String token;
  private Instant expiresAt = Instant.MIN;

  public TeamsBotTokens(WebClient client, TeamsApp app, Clock clock) {
    this.client = client;
    this.app = app;
    this.clock = clock;
  }

  /** A token valid for at least another minute. */
  public Future<String> current() {
    if (token != null && clock.instant().isBefore(expiresAt)) {
      return Future.succeededFuture(token);
    }
    if (fetching == null) {
      fetching = fetch().onComplete(ar -> fetching = null);
    }
    return fetching;
  }

  /** Forgets the token, e.g. after the connector refused it. */
  public void invalidate(String refused) {
    if (refused.equals(token)) {
      token = null;
    }
  }

  private Future<String> fetch() {
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "client_credentials")
        .add("client_id", app.appId().orElseThrow())
        .add("client_secret", app.appPassword().orElseThrow())
        .add("scope", TeamsApp.CONNECTOR_SCOPE);
    Instant asked = clock.instant();
    return client.postAbs(app.tokenUrl()).timeout(TIMEOUT_MILLIS).sendForm(form).compose(response -> {
      JsonObject body = response.statusCode() == 200 ? safeJson(response.bodyAsString()) : null;
      if (body == null || !(body.getValue("access_token") instanceof String issued)) {
        return Future.failedFuture(new TeamsConnectorFailure("token", response.statusCode(),
            "the token endpoint gave no access_token"));
      }
      long lifetime = body.getValue("expires_in") instanceof Number n ? n.longValue() : 3600;
      token = issued;
      expiresAt = asked.plusSeconds(lifetime).minus(EARLY);
      return Future.succeededFuture(issued);
    });
  }

  private static JsonObject safeJson(String text) {
    try {
      return text == null ? null : new JsonObject(text);
    } catch (RuntimeException e) {
      return null;
    }
  }
}

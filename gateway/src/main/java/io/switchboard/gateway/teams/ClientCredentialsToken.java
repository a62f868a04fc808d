package io.switchboard.gateway.teams;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One access token from one OAuth 2 token endpoint with the client-credentials grant (client id and
 * secret, one scope), kept until a minute before it expires. One request at a time: callers that ask
 * while a token is being fetched wait for that one. A refused or unreachable endpoint fails with a
 * {@link TeamsConnectorFailure} of operation {@code operation}. Use from one event loop.
 */
public final class ClientCredentialsToken {

  private static final Duration EARLY = Duration.ofMinutes(1);
  private static final long TIMEOUT_MILLIS = 10_000;

  private final WebClient client;
  private final String tokenUrl;
  private final String clientId;
  private final String clientSecret;
  private final String scope;
  private final String operation;
  private final Clock clock;
  private Future<String> fetching;
  private String token;
  private Instant expiresAt = Instant.MIN;

  /** @param operation names the token in failures, e.g. {@code token} or {@code graph.token} */
  public ClientCredentialsToken(WebClient client, String tokenUrl, String clientId, String clientSecret, String scope,
                                String operation, Clock clock) {
    this.client = client;
    this.tokenUrl = tokenUrl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.scope = scope;
    this.operation = operation;
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

  /** Forgets the token if it is still {@code refused}, e.g. after the service refused it. */
  public void invalidate(String refused) {
    if (refused.equals(token)) {
      token = null;
    }
  }

  private Future<String> fetch() {
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "client_credentials")
        .add("client_id", clientId)
        .add("client_secret", clientSecret)
        .add("scope", scope);
    Instant asked = clock.instant();
    return client.postAbs(tokenUrl).timeout(TIMEOUT_MILLIS).sendForm(form)
        .recover(e -> Future.failedFuture(new TeamsConnectorFailure(operation, 0, e.toString())))
        .compose(response -> {
          JsonObject body = response.statusCode() == 200 ? safeJson(response.bodyAsString()) : null;
          if (body == null || !(body.getValue("access_token") instanceof String issued)) {
            return Future.failedFuture(new TeamsConnectorFailure(operation, response.statusCode(),
                "the token endpoint gave no access_token" + errorOf(response.bodyAsString())));
          }
          long lifetime = body.getValue("expires_in") instanceof Number n ? n.longValue() : 3600;
          token = issued;
          expiresAt = asked.plusSeconds(lifetime).minus(EARLY);
          return Future.succeededFuture(issued);
        });
  }

  /** The OAuth error code of a refusal ({@code invalid_client}, ...), never the description's secrets. */
  private static String errorOf(String text) {
    JsonObject body = safeJson(text);
    return body != null && body.getValue("error") instanceof String error ? " (" + error + ")" : "";
  }

  private static JsonObject safeJson(String text) {
    try {
      return text == null ? null : new JsonObject(text);
    } catch (RuntimeException e) {
      return null;
    }
  }
}

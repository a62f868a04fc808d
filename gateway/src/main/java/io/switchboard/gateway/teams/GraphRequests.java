package io.switchboard.gateway.teams;

import io.switchboard.gateway.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * One Microsoft Graph request of the bot's app in a customer's Teams tenant, asked with that tenant's
 * Graph token ({@link TeamsGraphTokens}). A 429 is retried after its {@code Retry-After} at most
 * {@value #MAX_RETRIES} times and only when the wait is at most {@link #MAX_WAIT} (a chat request
 * waits for the answer); a 401 forgets the token; a 403 names the application permission the
 * question needs. Any answer but a 200 with a JSON object fails with a {@link TeamsConnectorFailure}.
 * Every call is counted ({@link GatewayMetrics#teamsGraphCall}). Non-blocking (Vert.x web client and timers).
 */
final class GraphRequests {

  static final int MAX_RETRIES = 2;
  static final Duration MAX_WAIT = Duration.ofSeconds(5);
  private static final long TIMEOUT_MILLIS = 5_000;

  /** What is asked: the operation's name (for failures), the method, and the application permission it needs. */
  record Question(String operation, HttpMethod method, String permission) {
  }

  private final Vertx vertx;
  private final WebClient client;
  private final TeamsGraphTokens tokens;
  private final GatewayMetrics metrics;

  GraphRequests(Vertx vertx, WebClient client, TeamsGraphTokens tokens, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.client = client;
    this.tokens = tokens;
    this.metrics = metrics;
  }

  /** Asks {@code url} in {@code teamsTenantId}'s directory, with {@code body} (null for none); answers the JSON. */
  Future<JsonObject> ask(String teamsTenantId, Question question, String url, JsonObject body) {
    return tokens.current(teamsTenantId).onFailure(e -> metrics.teamsGraphCall("token_failed"))
        .compose(token -> send(teamsTenantId, question, url, body, token, 0));
  }

  private Future<JsonObject> send(String teamsTenantId, Question question, String url, JsonObject body, String token,
                                  int retries) {
    HttpRequest<Buffer> request = client.requestAbs(question.method(), url).bearerTokenAuthentication(token)
        .timeout(TIMEOUT_MILLIS);
    return (body == null ? request.send() : request.sendJsonObject(body))
        .recover(e -> {
          metrics.teamsGraphCall("unreachable");
          return Future.failedFuture(new TeamsConnectorFailure(question.operation(), 0, e.toString()));
        })
        .compose(response -> answer(teamsTenantId, question, url, body, token, retries, response));
  }

  private Future<JsonObject> answer(String teamsTenantId, Question question, String url, JsonObject body, String token,
                                    int retries, HttpResponse<Buffer> response) {
    int status = response.statusCode();
    JsonObject json = safeJson(response);
    if (status == 200 && json != null) {
      metrics.teamsGraphCall("ok");
      return Future.succeededFuture(json);
    }
    if (status == 429) {
      metrics.teamsGraphCall("rate_limited");
      Duration wait = retryAfter(response);
      if (retries < MAX_RETRIES && wait.compareTo(MAX_WAIT) <= 0) {
        return after(wait, () -> send(teamsTenantId, question, url, body, token, retries + 1));
      }
      return Future.failedFuture(new TeamsConnectorFailure(question.operation(), status, "rate limited by Graph "
          + (retries + 1) + " times, last asked to wait " + wait.toSeconds() + " s"));
    }
    if (status == 401) {
      tokens.invalidate(teamsTenantId, token);
    }
    metrics.teamsGraphCall(status == 403 ? "forbidden" : "http_" + status);
    return Future.failedFuture(new TeamsConnectorFailure(question.operation(), status, status == 403
        ? "Graph refused (" + errorCode(json) + "): the app needs the application permission " + question.permission()
            + " with admin consent in Teams tenant " + teamsTenantId
        : "Graph answered " + errorCode(json)));
  }

  private <T> Future<T> after(Duration wait, Supplier<Future<T>> then) {
    Promise<T> promise = Promise.promise();
    vertx.setTimer(Math.max(1, wait.toMillis()), id -> then.get().onComplete(promise));
    return promise.future();
  }

  /** Graph's {@code error.code} ({@code Authorization_RequestDenied}, ...), or that there was none. */
  private static String errorCode(JsonObject body) {
    return body != null && body.getValue("error") instanceof JsonObject error
        && error.getValue("code") instanceof String code ? code : "no error code";
  }

  private static Duration retryAfter(HttpResponse<Buffer> response) {
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(String.valueOf(response.getHeader("Retry-After")).strip())));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(1);
    }
  }

  private static JsonObject safeJson(HttpResponse<Buffer> response) {
    try {
      return response.bodyAsJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }
}

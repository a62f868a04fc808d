package io.switchboard.gateway.teams;

import io.switchboard.gateway.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The Bot Framework connector REST API at an activity's {@code serviceUrl} (trusted: it is the
 * signed {@code serviceurl} claim, or remembered from one, {@link TeamsServiceUrls}): reply to an
 * activity, post into a conversation unprompted, and replace an activity the bot sent. A
 * 429 is retried after its {@code Retry-After} (at most {@value #MAX_RETRIES} times, at most 60 s
 * each); a 401 fetches a new bot token once. Non-blocking (Vert.x web client).
 */
public final class TeamsConnector {

  static final int MAX_RETRIES = 3;
  private static final Duration MAX_WAIT = Duration.ofSeconds(60);
  private static final long TIMEOUT_MILLIS = 15_000;

  private final Vertx vertx;
  private final WebClient client;
  private final TeamsBotTokens tokens;
  private final GatewayMetrics metrics;

  public TeamsConnector(Vertx vertx, WebClient client, TeamsBotTokens tokens, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.client = client;
    this.tokens = tokens;
    this.metrics = metrics;
  }

  /** Posts {@code activity} as a reply to {@code replyToId}; answers the new activity's id. */
  public Future<String> reply(String serviceUrl, String conversationId, String replyToId, JsonObject activity) {
    String url = base(serviceUrl) + "v3/conversations/" + encode(conversationId) + "/activities/" + encode(replyToId);
    return posted("reply", url, activity);
  }

  /**
   * Posts {@code activity} into the conversation unprompted (a proactive message; for a channel's
   * conversation id, a new post in the channel); answers the new activity's id.
   */
  public Future<String> send(String serviceUrl, String conversationId, JsonObject activity) {
    return posted("send", base(serviceUrl) + "v3/conversations/" + encode(conversationId) + "/activities", activity);
  }

  private Future<String> posted(String operation, String url, JsonObject activity) {
    return send(operation, HttpMethod.POST, url, activity, 0, false).compose(response -> {
      JsonObject body = safeJson(response);
      return body != null && body.getValue("id") instanceof String id && !id.isBlank()
          ? Future.succeededFuture(id)
          : Future.failedFuture(new TeamsConnectorFailure(operation, response.statusCode(),
              "no activity id in the answer"));
    });
  }

  /** Replaces the bot's activity {@code activityId} with {@code activity}. */
  public Future<Void> update(String serviceUrl, String conversationId, String activityId, JsonObject activity) {
    String url = base(serviceUrl) + "v3/conversations/" + encode(conversationId) + "/activities/" + encode(activityId);
    return send("update", HttpMethod.PUT, url, activity.copy().put("id", activityId), 0, false).mapEmpty();
  }

  private Future<HttpResponse<Buffer>> send(String operation, HttpMethod method, String url, JsonObject activity,
                                            int retries, boolean newToken) {
    return tokens.current().compose(token -> client.requestAbs(method, url).bearerTokenAuthentication(token)
        .timeout(TIMEOUT_MILLIS).sendJsonObject(activity)
        .recover(e -> Future.failedFuture(new TeamsConnectorFailure(operation, 0, e.toString())))
        .compose(response -> {
          int status = response.statusCode();
          if (status >= 200 && status < 300) {
            return Future.succeededFuture(response);
          }
          if (status == 429) {
            metrics.outboundRateLimited("teams");
          }
          if (status == 429 && retries < MAX_RETRIES) {
            return after(retryAfter(response), () -> send(operation, method, url, activity, retries + 1, newToken));
          }
          if (status == 401 && !newToken) {
            tokens.invalidate(token);
            return send(operation, method, url, activity, retries, true);
          }
          return Future.failedFuture(new TeamsConnectorFailure(operation, status, String.valueOf(response.bodyAsString())));
        }));
  }

  private <T> Future<T> after(Duration wait, Supplier<Future<T>> then) {
    Promise<T> promise = Promise.promise();
    vertx.setTimer(Math.max(1, wait.toMillis()), id -> then.get().onComplete(promise));
    return promise.future();
  }

  private static JsonObject safeJson(HttpResponse<Buffer> response) {
    try {
      return response.bodyAsJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Duration retryAfter(HttpResponse<Buffer> response) {
    try {
      long seconds = Long.parseLong(String.valueOf(response.getHeader("Retry-After")).strip());
      return Duration.ofSeconds(Math.min(Math.max(0, seconds), MAX_WAIT.toSeconds()));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(1);
    }
  }

  private static String base(String serviceUrl) {
    return serviceUrl.endsWith("/") ? serviceUrl : serviceUrl + "/";
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}

package io.switchboard.gateway.mattermost;

import io.switchboard.gateway.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

/**
 * The Mattermost REST API v4 calls Switchboard makes on a team's server, as its bot account (the bot's
 * access token as {@code Authorization: Bearer}), non-blocking: create a post, patch a post (message and
 * props replaced), the bot itself ({@code GET /users/me}), its teams ({@code GET /users/me/teams}) and a
 * user's groups ({@code GET /users/{id}/groups}). A 429 (Mattermost's rate limit, when the server
 * enables it) is waited out and retried, at most {@link #MAX_RETRIES} times and at most
 * {@link #MAX_WAIT} each, after {@code Retry-After} or else {@code X-Ratelimit-Reset} (seconds), or one
 * second; any other non-2xx fails with a {@link MattermostApiFailure}.
 */
public final class MattermostApi {

  static final int MAX_RETRIES = 3;
  static final Duration MAX_WAIT = Duration.ofSeconds(60);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(MattermostApi.class);

  private final Vertx vertx;
  private final WebClient client;
  private final GatewayMetrics metrics;

  public MattermostApi(Vertx vertx, WebClient client, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.client = client;
    this.metrics = metrics;
  }

  /** {@code POST /api/v4/posts}: {@code post} ({@code message}, {@code props}) in the channel; the new post's id. */
  public Future<String> createPost(MattermostCredentials team, String channelId, JsonObject post) {
    JsonObject body = post.copy().put("channel_id", channelId);
    return call("create_post", HttpMethod.POST, team.serverUrl(), "/api/v4/posts", team.botToken(), Optional.of(body))
        .compose(response -> {
          Object id = json(response).map(created -> created.getValue("id")).orElse(null);
          return id instanceof String postId ? Future.succeededFuture(postId)
              : Future.failedFuture(new MattermostApiFailure("create_post", response.statusCode(), "no post id"));
        });
  }

  /** {@code PUT /api/v4/posts/{id}/patch}: the post's message and props become {@code post}'s. */
  public Future<Void> patchPost(MattermostCredentials team, String postId, JsonObject post) {
    return call("patch_post", HttpMethod.PUT, team.serverUrl(), "/api/v4/posts/" + postId + "/patch",
        team.botToken(), Optional.of(post)).mapEmpty();
  }

  /** {@code GET /api/v4/users/me}: the account of {@code token}. */
  public Future<JsonObject> me(String serverUrl, String token) {
    return call("users_me", HttpMethod.GET, serverUrl, "/api/v4/users/me", token, Optional.empty())
        .compose(response -> json(response).map(Future::succeededFuture).orElseGet(() ->
            Future.failedFuture(new MattermostApiFailure("users_me", response.statusCode(), "not a JSON object"))));
  }

  /** {@code GET /api/v4/users/me/teams}: the teams the account of {@code token} is a member of. */
  public Future<JsonArray> myTeams(String serverUrl, String token) {
    return call("users_me_teams", HttpMethod.GET, serverUrl, "/api/v4/users/me/teams", token, Optional.empty())
        .compose(response -> array(response, "users_me_teams"));
  }

  /** {@code GET /api/v4/users/{user_id}/groups}: the user's groups (server 5.24 and later). */
  public Future<JsonArray> userGroups(MattermostCredentials team, String userId) {
    return call("user_groups", HttpMethod.GET, team.serverUrl(), "/api/v4/users/" + userId + "/groups",
        team.botToken(), Optional.empty()).compose(response -> array(response, "user_groups"));
  }

  private Future<HttpResponse<Buffer>> call(String route, HttpMethod method, String serverUrl, String path,
                                            String token, Optional<JsonObject> body) {
    return send(route, method, serverUrl + path, token, body, 0);
  }

  private Future<HttpResponse<Buffer>> send(String route, HttpMethod method, String url, String token,
                                            Optional<JsonObject> body, int retries) {
    HttpRequest<Buffer> request = client.requestAbs(method, url).timeout(TIMEOUT.toMillis())
        .putHeader("Authorization", "Bearer " + token);
    Future<HttpResponse<Buffer>> sent = body.isPresent() ? request.sendJsonObject(body.get()) : request.send();
    return sent
        .recover(e -> Future.failedFuture(new MattermostApiFailure(route, 0, String.valueOf(e.getMessage()))))
        .compose(response -> {
          int status = response.statusCode();
          if (status >= 200 && status < 300) {
            return Future.succeededFuture(response);
          }
          if (status == 429) {
            metrics.outboundRateLimited("mattermost");
          }
          if (status == 429 && retries < MAX_RETRIES) {
            Duration wait = retryAfter(response);
            LOG.info("Mattermost rate-limited {}; retrying after {} ms", route, wait.toMillis());
            return later(wait).compose(v -> send(route, method, url, token, body, retries + 1));
          }
          return Future.failedFuture(new MattermostApiFailure(route, status, errorId(response)));
        });
  }

  /** How long Mattermost asks us to wait: {@code Retry-After}, else {@code X-Ratelimit-Reset}, else 1 s. */
  static Duration retryAfter(HttpResponse<Buffer> response) {
    Optional<Double> seconds = seconds(response.getHeader("Retry-After"))
        .or(() -> seconds(response.getHeader("X-Ratelimit-Reset")));
    long millis = (long) Math.ceil(Math.max(0, seconds.orElse(1.0)) * 1000);
    return Duration.ofMillis(Math.min(millis, MAX_WAIT.toMillis()));
  }

  private static Optional<Double> seconds(String header) {
    try {
      return header == null ? Optional.empty() : Optional.of(Double.parseDouble(header.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<JsonObject> json(HttpResponse<Buffer> response) {
    try {
      return Optional.ofNullable(response.bodyAsJsonObject());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Future<JsonArray> array(HttpResponse<Buffer> response, String route) {
    try {
      JsonArray array = response.bodyAsJsonArray();
      return array != null ? Future.succeededFuture(array)
          : Future.failedFuture(new MattermostApiFailure(route, response.statusCode(), "no JSON array"));
    } catch (RuntimeException e) {
      return Future.failedFuture(new MattermostApiFailure(route, response.statusCode(), "not a JSON array"));
    }
  }

  /** Mattermost's error id ({@code id} of the JSON error), never the message, which may echo input. */
  private static String errorId(HttpResponse<Buffer> response) {
    return json(response).map(body -> body.getValue("id") instanceof String id ? id : "").orElse("");
  }

  private Future<Void> later(Duration wait) {
    if (wait.isZero()) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(wait.toMillis(), id -> promise.complete());
    return promise.future();
  }
}

package io.switchboard.gateway.teams;

import io.switchboard.gateway.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Microsoft Graph's {@code POST /v1.0/users/{id}/checkMemberGroups}: which of some groups a user of a
 * Teams tenant is a transitive member of, asked with that tenant's Graph token ({@link TeamsGraphTokens})
 * in requests of at most {@value #MAX_IDS} group ids. A 429 is retried after its {@code Retry-After} at
 * most {@value #MAX_RETRIES} times and only when the wait is at most {@link #MAX_WAIT} (the command's
 * acknowledgement waits for the answer); a 401 forgets the token. Any other answer fails the whole
 * question with a {@link TeamsConnectorFailure}. Every call is counted
 * ({@link GatewayMetrics#teamsGraphCall}). Non-blocking (Vert.x web client and timers).
 */
public final class GraphMemberGroups {

  /** Graph's limit of group ids per {@code checkMemberGroups} request. */
  public static final int MAX_IDS = 20;
  static final int MAX_RETRIES = 2;
  static final Duration MAX_WAIT = Duration.ofSeconds(5);
  static final String OPERATION = "graph.checkMemberGroups";
  private static final long TIMEOUT_MILLIS = 5_000;

  private final Vertx vertx;
  private final WebClient client;
  private final String graphUrl;
  private final TeamsGraphTokens tokens;
  private final GatewayMetrics metrics;

  public GraphMemberGroups(Vertx vertx, WebClient client, String graphUrl, TeamsGraphTokens tokens,
                           GatewayMetrics metrics) {
    this.vertx = vertx;
    this.client = client;
    this.graphUrl = graphUrl;
    this.tokens = tokens;
    this.metrics = metrics;
  }

  /** The groups of {@code groupIds} that {@code userId} (an AAD object id) is a transitive member of. */
  public Future<Set<String>> memberOf(String teamsTenantId, String userId, Set<String> groupIds) {
    return tokens.current(teamsTenantId).onFailure(e -> metrics.teamsGraphCall("token_failed")).compose(token -> {
      List<String> ids = new ArrayList<>(new TreeSet<>(groupIds));
      List<Future<JsonArray>> chunks = new ArrayList<>();
      for (int from = 0; from < ids.size(); from += MAX_IDS) {
        List<String> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_IDS));
        chunks.add(check(teamsTenantId, token, userId, new JsonArray(new ArrayList<>(chunk)), 0));
      }
      return Future.all(chunks).map(all -> {
        Set<String> in = new TreeSet<>();
        for (Future<JsonArray> chunk : chunks) {
          chunk.result().stream().filter(String.class::isInstance).map(String.class::cast)
              .filter(groupIds::contains).forEach(in::add);
        }
        return in;
      });
    });
  }

  private Future<JsonArray> check(String teamsTenantId, String token, String userId, JsonArray groupIds, int retries) {
    String url = graphUrl + "/v1.0/users/" + URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20")
        + "/checkMemberGroups";
    return client.postAbs(url).bearerTokenAuthentication(token).timeout(TIMEOUT_MILLIS)
        .sendJsonObject(new JsonObject().put("groupIds", groupIds))
        .recover(e -> {
          metrics.teamsGraphCall("unreachable");
          return Future.failedFuture(new TeamsConnectorFailure(OPERATION, 0, e.toString()));
        })
        .compose(response -> answer(teamsTenantId, token, userId, groupIds, retries, response));
  }

  private Future<JsonArray> answer(String teamsTenantId, String token, String userId, JsonArray groupIds, int retries,
                                   HttpResponse<Buffer> response) {
    int status = response.statusCode();
    JsonObject body = safeJson(response);
    if (status == 200 && body != null && body.getValue("value") instanceof JsonArray value) {
      metrics.teamsGraphCall("ok");
      return Future.succeededFuture(value);
    }
    if (status == 429) {
      metrics.teamsGraphCall("rate_limited");
      Duration wait = retryAfter(response);
      if (retries < MAX_RETRIES && wait.compareTo(MAX_WAIT) <= 0) {
        return after(wait, () -> check(teamsTenantId, token, userId, groupIds, retries + 1));
      }
      return Future.failedFuture(new TeamsConnectorFailure(OPERATION, status, "rate limited by Graph "
          + (retries + 1) + " times, last asked to wait " + wait.toSeconds() + " s"));
    }
    if (status == 401) {
      tokens.invalidate(teamsTenantId, token);
    }
    metrics.teamsGraphCall(status == 403 ? "forbidden" : "http_" + status);
    return Future.failedFuture(new TeamsConnectorFailure(OPERATION, status, status == 403
        ? "Graph refused (" + errorCode(body) + "): the app needs the application permission GroupMember.Read.All "
            + "with admin consent in Teams tenant " + teamsTenantId
        : "Graph answered " + errorCode(body)));
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

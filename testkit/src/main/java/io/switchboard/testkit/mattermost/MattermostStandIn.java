package io.switchboard.testkit.mattermost;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.testkit.LoopbackHttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback stand-in for the Mattermost REST API v4 endpoints Switchboard uses, following Mattermost's
 * API reference: {@code POST /api/v4/posts} (201 with the new post, its {@code id} 26 lowercase
 * letters and digits), {@code PUT /api/v4/posts/{post_id}/patch} (200; 404 for an unknown post),
 * {@code GET /api/v4/users/me}, {@code GET /api/v4/users/me/teams} and
 * {@code GET /api/v4/users/{user_id}/groups}. Every call needs {@code Authorization: Bearer <token>} of
 * a known account (401 with Mattermost's JSON error otherwise); bodies are JSON (400 otherwise). When
 * told to, it answers HTTP 429 with {@code Retry-After} and the {@code X-Ratelimit-*} headers (or
 * {@code X-Ratelimit-Reset} alone), as Mattermost's rate limiter does. Every call is recorded.
 */
public final class MattermostStandIn implements AutoCloseable {

  /** One call as Switchboard made it; {@code status} is what the stand-in answered. */
  public record Call(String method, String route, String path, String authorization, JsonObject body, int status) {
  }

  /** An account: a bot or a person, and the teams it is a member of. */
  public record Account(String id, boolean bot, Set<String> teams) {
  }

  private static final Pattern PATCH = Pattern.compile("/api/v4/posts/([a-z0-9]+)/patch");
  private static final Pattern GROUPS = Pattern.compile("/api/v4/users/([A-Za-z0-9]+)/groups");

  private final LoopbackHttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Account> tokens = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> posts = new ConcurrentHashMap<>();
  private final List<String> created = new CopyOnWriteArrayList<>();
  private final Map<String, Set<String>> groups = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> rateLimits = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile String retryAfter = "0.05";
  private volatile boolean resetHeaderOnly;

  private MattermostStandIn() {
    this.server = LoopbackHttpServer.start(Map.of("/api/v4/", this::handle));
  }

  public static MattermostStandIn start() {
    return new MattermostStandIn();
  }

  /** The server's base URL, as an installation names it. */
  public String url() {
    return server.url();
  }

  /**
   * A gateway's configuration for this stand-in: installations may name its {@code http://} URL, and
   * buttons carry an actions URL (tests post clicks to the gateway themselves).
   */
  public Map<String, String> env() {
    return Map.of("SWITCHBOARD_MATTERMOST_ALLOW_HTTP", "true",
        "SWITCHBOARD_MATTERMOST_ACTIONS_URL", "http://127.0.0.1:9/mattermost/actions");
  }

  /** Makes {@code token} an account's access token. */
  public MattermostStandIn account(String token, Account account) {
    tokens.put(token, account);
    return this;
  }

  /** Puts the user in the groups. */
  public MattermostStandIn groups(String userId, Set<String> groupIds) {
    groups.put(userId, Set.copyOf(groupIds));
    return this;
  }

  /** The next {@code count} calls of {@code route} ({@code create_post}, {@code patch_post}, ...) are 429s. */
  public void rateLimit(String route, int count) {
    rateLimits.put(route, new AtomicInteger(count));
  }

  /** 429s say how long to wait in {@code X-Ratelimit-Reset} only (seconds), not {@code Retry-After}. */
  public void resetHeaderOnly(String seconds) {
    resetHeaderOnly = true;
    retryAfter = seconds;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The calls of {@code route} that succeeded. */
  public List<Call> succeeded(String route) {
    return calls.stream().filter(c -> c.route().equals(route) && c.status() / 100 == 2).toList();
  }

  /** A post as it is now (message, props, channel_id). */
  public JsonObject post(String postId) {
    return posts.get(postId);
  }

  /** The ids of the posts created, in order. */
  public List<String> createdPostIds() {
    return List.copyOf(created);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String route = route(method, path);
      JsonObject body = null;
      if (!raw.isEmpty()) {
        try {
          body = new JsonObject(raw);
        } catch (DecodeException e) {
          respond(exchange, new Call(method, route, path, authorization, null, 400), error("bad JSON"));
          return;
        }
      }
      Account account = authorization != null && authorization.startsWith("Bearer ")
          ? tokens.get(authorization.substring("Bearer ".length())) : null;
      if (account == null) {
        respond(exchange, new Call(method, route, path, authorization, body, 401),
            error("api.context.session_expired.app_error"));
        return;
      }
      AtomicInteger limited = rateLimits.get(route);
      if (limited != null && limited.getAndDecrement() > 0) {
        if (!resetHeaderOnly) {
          exchange.getResponseHeaders().add("Retry-After", retryAfter);
        }
        exchange.getResponseHeaders().add("X-Ratelimit-Limit", "10");
        exchange.getResponseHeaders().add("X-Ratelimit-Remaining", "0");
        exchange.getResponseHeaders().add("X-Ratelimit-Reset", retryAfter);
        respond(exchange, new Call(method, route, path, authorization, body, 429), error("too many requests"));
        return;
      }
      Call call = new Call(method, route, path, authorization, body, 200);
      switch (route) {
        case "create_post" -> {
          if (body == null || body.getString("channel_id") == null) {
            respond(exchange, withStatus(call, 400), error("api.post.create_post.channel_id"));
            return;
          }
          String id = newId();
          JsonObject post = body.copy().put("id", id).put("user_id", account.id());
          posts.put(id, post);
          created.add(id);
          respond(exchange, withStatus(call, 201), post);
        }
        case "patch_post" -> {
          Matcher m = PATCH.matcher(path);
          m.matches();
          JsonObject post = posts.get(m.group(1));
          if (post == null || body == null) {
            respond(exchange, withStatus(call, 404), error("app.post.get.app_error"));
            return;
          }
          body.forEach(entry -> post.put(entry.getKey(), entry.getValue()));
          respond(exchange, call, post);
        }
        case "users_me" -> respond(exchange, call, new JsonObject().put("id", account.id())
            .put("username", account.bot() ? "switchboard" : "someone").put("is_bot", account.bot()));
        case "users_me_teams" -> {
          JsonArray teams = new JsonArray();
          account.teams().forEach(team -> teams.add(new JsonObject().put("id", team).put("name", "team-" + team)));
          respond(exchange, call, teams);
        }
        case "user_groups" -> {
          Matcher m = GROUPS.matcher(path);
          m.matches();
          JsonArray found = new JsonArray();
          groups.getOrDefault(m.group(1), Set.of()).forEach(g -> found.add(new JsonObject().put("id", g)));
          respond(exchange, call, found);
        }
        default -> respond(exchange, withStatus(call, 404), error("api.context.404.app_error"));
      }
    }
  }

  private static String route(String method, String path) {
    if ("POST".equals(method) && "/api/v4/posts".equals(path)) {
      return "create_post";
    }
    if ("PUT".equals(method) && PATCH.matcher(path).matches()) {
      return "patch_post";
    }
    if ("GET".equals(method) && "/api/v4/users/me".equals(path)) {
      return "users_me";
    }
    if ("GET".equals(method) && "/api/v4/users/me/teams".equals(path)) {
      return "users_me_teams";
    }
    if ("GET".equals(method) && GROUPS.matcher(path).matches()) {
      return "user_groups";
    }
    return "unknown";
  }

  private String newId() {
    String digits = Long.toString(ids.incrementAndGet(), 36);
    return "p".repeat(26 - digits.length()) + digits;
  }

  private static Call withStatus(Call call, int status) {
    return new Call(call.method(), call.route(), call.path(), call.authorization(), call.body(), status);
  }

  private static JsonObject error(String id) {
    return new JsonObject().put("id", id).put("message", id).put("status_code", 0);
  }

  private void respond(HttpExchange exchange, Call call, Object json) throws IOException {
    calls.add(call);
    LoopbackHttpServer.respond(exchange, call.status(), LoopbackHttpServer.JSON, json.toString());
  }

  @Override
  public void close() {
    server.close();
  }
}

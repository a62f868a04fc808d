package io.switchboard.testkit.slack;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.testkit.LoopbackHttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback stand-in for the Slack Web API methods Switchboard uses, following Slack's documented
 * behaviour: arguments form- or JSON-encoded; {@code ok:true|false} with HTTP 200 for method errors;
 * a bearer token required for chat methods ({@code not_authed}, {@code invalid_auth}); the OAuth
 * client in Basic auth or form fields for {@code oauth.v2.access}, whose codes work once
 * ({@code invalid_code}); file uploads the way Slack's upload flow takes them
 * ({@code files.getUploadURLExternal} answers a loopback upload URL, the bytes are POSTed there, and
 * {@code files.completeUploadExternal} shares the uploaded files into a channel or thread);
 * {@code views.open} with a {@code trigger_id} that works once ({@code exchanged_trigger_id} after,
 * {@code expired_trigger_id} when told to) and a modal {@code view} checked against Slack's limits;
 * and HTTP 429 with {@code Retry-After} when told to rate-limit. Every call is recorded.
 */
public final class SlackApiStandIn implements AutoCloseable {

  public static final String CLIENT_ID = "1111.2222";
  public static final String CLIENT_SECRET = "standin-client-secret";

  /** One call as Switchboard made it: the method, its bearer token (or null), its arguments, and when it arrived (monotonic ms). */
  public record Call(String method, String token, Map<String, String> args, long atMillis) {

    Call(String method, String token, Map<String, String> args) {
      this(method, token, args, System.nanoTime() / 1_000_000);
    }
  }

  /** A file shared by {@code files.completeUploadExternal}: where, under which title, with which bytes. */
  public record SharedFile(String id, String filename, String title, String channel, String threadTs,
                           byte[] content) {

    public String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  /** A file announced by {@code files.getUploadURLExternal}; its bytes once POSTed to its upload URL. */
  private record PendingFile(String filename, int length, byte[] content) {
  }

  private final LoopbackHttpServer server;
  private final Map<String, PendingFile> pendingFiles = new ConcurrentHashMap<>();
  private final List<SharedFile> sharedFiles = new CopyOnWriteArrayList<>();
  private final AtomicInteger failingUploads = new AtomicInteger();
  private final AtomicInteger fileIds = new AtomicInteger();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
  private final Map<String, String> tokenTeams = new ConcurrentHashMap<>();
  private final Set<String> userTokens = ConcurrentHashMap.newKeySet();
  private final Map<String, JsonObject> codes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> rateLimits = new ConcurrentHashMap<>();
  private final Set<String> postedTs = ConcurrentHashMap.newKeySet();
  private final Map<String, List<String>> userGroups = new ConcurrentHashMap<>();
  private final AtomicLong clock = new AtomicLong(1_700_000_000L);
  private final Set<String> usedTriggers = ConcurrentHashMap.newKeySet();
  private final AtomicInteger expiringTriggers = new AtomicInteger();
  private final AtomicInteger viewIds = new AtomicInteger();
  private final List<JsonObject> openedViews = new CopyOnWriteArrayList<>();
  private volatile int retryAfterSeconds = 1;

  private SlackApiStandIn() {
    this.server = LoopbackHttpServer.start(Map.of("/api/", this::handle, "/upload/", this::upload));
  }

  public static SlackApiStandIn start() {
    return new SlackApiStandIn();
  }

  /** The value for {@code SWITCHBOARD_SLACK_API_URL}. */
  public String apiUrl() {
    return server.url() + "/api/";
  }

  /** A bot token the stand-in accepts, as if the app were installed already. */
  public void acceptToken(String token) {
    validTokens.add(token);
  }

  /** A bot token of workspace {@code teamId}, as {@code auth.test} names it. */
  public void acceptBotToken(String token, String teamId) {
    validTokens.add(token);
    tokenTeams.put(token, teamId);
  }

  /** A user token of workspace {@code teamId}: {@code auth.test} names the team but no bot. */
  public void acceptUserToken(String token, String teamId) {
    acceptBotToken(token, teamId);
    userTokens.add(token);
  }

  public void revokeToken(String token) {
    validTokens.remove(token);
  }

  /** An OAuth code that {@code oauth.v2.access} exchanges once for a bot token of {@code team}. */
  public void issueCode(String code, String teamId, String teamName, String botToken) {
    codes.put(code, new JsonObject().put("ok", true).put("app_id", "A0SWITCH").put("access_token", botToken)
        .put("token_type", "bot").put("scope", "commands,chat:write,app_mentions:read,im:history,usergroups:read,files:write")
        .put("bot_user_id", "U0BOT").put("team", new JsonObject().put("id", teamId).put("name", teamName))
        .putNull("enterprise").put("is_enterprise_install", false)
        .put("authed_user", new JsonObject().put("id", "U0INSTALLER")));
  }

  /** An OAuth code for an Enterprise Grid organisation-wide install (no team, the organisation instead). */
  public void issueOrgCode(String code, String enterpriseId, String enterpriseName, String botToken) {
    codes.put(code, new JsonObject().put("ok", true).put("app_id", "A0SWITCH").put("access_token", botToken)
        .put("token_type", "bot").put("scope", "commands,chat:write").put("bot_user_id", "U0BOT").putNull("team")
        .put("enterprise", new JsonObject().put("id", enterpriseId).put("name", enterpriseName))
        .put("is_enterprise_install", true).put("authed_user", new JsonObject().put("id", "U0INSTALLER")));
  }

  /** A user group ({@code S...}) and its members, as {@code usergroups.users.list} answers them. */
  public void userGroup(String id, String... users) {
    userGroups.put(id, List.of(users));
  }

  /** The next {@code times} calls of {@code method} get HTTP 429 with {@code Retry-After}. */
  public void rateLimit(String method, int times, int retryAfter) {
    this.retryAfterSeconds = retryAfter;
    rateLimits.put(method, new AtomicInteger(times));
  }

  /** The next {@code times} POSTs of file bytes to an upload URL are answered with HTTP 500. */
  public void failUploads(int times) {
    failingUploads.set(times);
  }

  /** The next {@code times} calls of {@code views.open} find their trigger expired ({@code expired_trigger_id}). */
  public void expireTriggers(int times) {
    expiringTriggers.set(times);
  }

  /** The views opened so far, as {@code views.open} answered them (with their ids). */
  public List<JsonObject> openedViews() {
    return List.copyOf(openedViews);
  }

  /** The files shared into channels so far. */
  public List<SharedFile> sharedFiles() {
    return List.copyOf(sharedFiles);
  }

  public List<Call> calls() {
    return calls;
  }

  /** The successful calls of one method (rate-limited and refused ones excluded). */
  public List<Call> calls(String method) {
    return calls.stream().filter(c -> c.method().equals(method) && !"refused".equals(c.args().get("_outcome")))
        .toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestURI().getPath().substring("/api/".length());
      Map<String, String> args = arguments(exchange);
      String token = bearer(exchange);
      AtomicInteger limited = rateLimits.get(method);
      if (limited != null && limited.getAndDecrement() > 0) {
        args.put("_outcome", "refused");
        calls.add(new Call(method, token, args));
        exchange.getResponseHeaders().add("Retry-After", Integer.toString(retryAfterSeconds));
        send(exchange, 429, new JsonObject().put("ok", false).put("error", "ratelimited"));
        return;
      }
      JsonObject answer = answer(method, token, args, exchange);
      if (!answer.getBoolean("ok")) {
        args.put("_outcome", "refused");
      }
      calls.add(new Call(method, token, args));
      send(exchange, 200, answer);
    }
  }

  private JsonObject answer(String method, String token, Map<String, String> args, HttpExchange exchange) {
    if (method.equals("oauth.v2.access")) {
      return oauthAccess(args, exchange);
    }
    if (token == null) {
      return error("not_authed");
    }
    if (!validTokens.contains(token)) {
      return error("invalid_auth");
    }
    return switch (method) {
      case "auth.test" -> authTest(token);
      case "chat.postMessage" -> {
        if (args.get("channel") == null) {
          yield error("channel_not_found");
        }
        String ts = clock.incrementAndGet() + ".000100";
        postedTs.add(args.get("channel") + "/" + ts);
        yield new JsonObject().put("ok", true).put("channel", args.get("channel")).put("ts", ts)
            .put("message", new JsonObject().put("text", args.get("text")).put("ts", ts));
      }
      case "chat.update" -> postedTs.contains(args.get("channel") + "/" + args.get("ts"))
          ? new JsonObject().put("ok", true).put("channel", args.get("channel")).put("ts", args.get("ts"))
              .put("text", args.get("text"))
          : error("message_not_found");
      case "chat.postEphemeral" -> args.get("user") == null
          ? error("user_not_in_channel")
          : new JsonObject().put("ok", true).put("message_ts", clock.incrementAndGet() + ".000200");
      case "files.getUploadURLExternal" -> uploadUrl(args);
      case "files.completeUploadExternal" -> completeUpload(args);
      case "views.open" -> openView(args);
      case "usergroups.users.list" -> userGroups.containsKey(args.get("usergroup"))
          ? new JsonObject().put("ok", true).put("users", new JsonArray(userGroups.get(args.get("usergroup"))))
          : error("no_such_subteam");
      default -> error("unknown_method");
    };
  }

  /** Who the token is, as Slack answers for a token of a workspace (not an organisation-wide install). */
  private JsonObject authTest(String token) {
    String team = tokenTeams.getOrDefault(token, "T0STANDIN");
    JsonObject identity = new JsonObject().put("ok", true).put("url", "https://" + team.toLowerCase() + ".slack.com/")
        .put("team", "Workspace " + team).put("team_id", team).put("is_enterprise_install", false);
    return userTokens.contains(token)
        ? identity.put("user", "someone").put("user_id", "U0SOMEONE")
        : identity.put("user", "switchboard").put("user_id", "U0BOT").put("bot_id", "B0BOT");
  }

  /**
   * A trigger opens one view, within 3 s of its interaction; the view must be a modal with a title of
   * at most 24 characters, at most 100 blocks, unique block ids, and {@code private_metadata} of at
   * most 3,000 characters. Answers the view as Slack stores it: with its id, an empty state, a hash.
   */
  private JsonObject openView(Map<String, String> args) {
    String trigger = args.get("trigger_id");
    JsonObject view;
    try {
      view = new JsonObject(String.valueOf(args.get("view")));
    } catch (RuntimeException e) {
      return error("invalid_arguments");
    }
    if (trigger == null || trigger.isBlank()) {
      return error("invalid_arguments");
    }
    if (expiringTriggers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return error("expired_trigger_id");
    }
    if (!usedTriggers.add(trigger)) {
      return error("exchanged_trigger_id");
    }
    if (!validModal(view)) {
      return error("invalid_arguments");
    }
    String id = "V0STANDIN" + viewIds.incrementAndGet();
    JsonObject opened = view.copy().put("id", id).put("team_id", "T0STANDIN")
        .put("state", new JsonObject().put("values", new JsonObject())).put("hash", "1700000000.hash" + id)
        .put("root_view_id", id).put("app_id", "A0SWITCH").put("bot_id", "B0BOT");
    openedViews.add(opened);
    return new JsonObject().put("ok", true).put("view", opened);
  }

  private static boolean validModal(JsonObject view) {
    JsonObject title = view.getValue("title") instanceof JsonObject t ? t : null;
    JsonArray blocks = view.getValue("blocks") instanceof JsonArray b ? b : null;
    if (!"modal".equals(view.getValue("type")) || title == null || !(title.getValue("text") instanceof String text)
        || text.isEmpty() || text.length() > 24 || blocks == null || blocks.size() > 100
        || String.valueOf(view.getValue("private_metadata", "")).length() > 3000) {
      return false;
    }
    Set<String> blockIds = new HashSet<>();
    for (Object block : blocks) {
      if (!(block instanceof JsonObject b) || b.getString("block_id") != null && !blockIds.add(b.getString("block_id"))) {
        return false;
      }
      if ("input".equals(b.getString("type")) && (!(b.getValue("label") instanceof JsonObject)
          || !(b.getValue("element") instanceof JsonObject element) || element.getString("type") == null)) {
        return false;
      }
    }
    return true;
  }

  /** Slack wants the file's name and its exact length in bytes up front. */
  private JsonObject uploadUrl(Map<String, String> args) {
    String filename = args.get("filename");
    int length;
    try {
      length = Integer.parseInt(String.valueOf(args.get("length")));
    } catch (NumberFormatException e) {
      return error("invalid_arguments");
    }
    if (filename == null || filename.isBlank() || length <= 0) {
      return error("invalid_arguments");
    }
    String id = "F0STANDIN" + fileIds.incrementAndGet();
    pendingFiles.put(id, new PendingFile(filename, length, null));
    return new JsonObject().put("ok", true).put("file_id", id)
        .put("upload_url", server.url() + "/upload/v1/" + id);
  }

  /** Shares files whose bytes arrived (of the announced length) into {@code channel_id}, under {@code thread_ts}. */
  private JsonObject completeUpload(Map<String, String> args) {
    JsonArray files;
    try {
      files = new JsonArray(String.valueOf(args.get("files")));
    } catch (RuntimeException e) {
      return error("invalid_arguments");
    }
    if (files.isEmpty() || (args.get("thread_ts") != null && args.get("channel_id") == null)) {
      return error("invalid_arguments");
    }
    JsonArray done = new JsonArray();
    for (Object entry : files) {
      JsonObject file = (JsonObject) entry;
      PendingFile pending = pendingFiles.get(file.getString("id"));
      if (pending == null || pending.content() == null || pending.content().length != pending.length()) {
        return error("file_not_found");
      }
    }
    for (Object entry : files) {
      JsonObject file = (JsonObject) entry;
      PendingFile pending = pendingFiles.remove(file.getString("id"));
      String title = file.getString("title", pending.filename());
      sharedFiles.add(new SharedFile(file.getString("id"), pending.filename(), title, args.get("channel_id"),
          args.get("thread_ts"), pending.content()));
      done.add(new JsonObject().put("id", file.getString("id")).put("name", pending.filename()).put("title", title));
    }
    return new JsonObject().put("ok", true).put("files", done);
  }

  /** The upload URL: takes the file's bytes (a raw body) and answers {@code OK - <length>}, as Slack does. */
  private void upload(HttpExchange exchange) throws IOException {
    try (exchange) {
      String id = exchange.getRequestURI().getPath().substring("/upload/v1/".length());
      byte[] content = exchange.getRequestBody().readAllBytes();
      PendingFile pending = pendingFiles.get(id);
      int status;
      String answer;
      if (!"POST".equals(exchange.getRequestMethod()) || pending == null) {
        status = 404;
        answer = "not found";
      } else if (failingUploads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        status = 500;
        answer = "internal error";
      } else {
        pendingFiles.put(id, new PendingFile(pending.filename(), pending.length(), content));
        status = 200;
        answer = "OK - " + content.length;
      }
      calls.add(new Call("upload", null, new HashMap<>(Map.of("file_id", id, "_outcome",
          status == 200 ? "ok" : "refused"))));
      LoopbackHttpServer.respond(exchange, status, null, answer);
    }
  }

  private JsonObject oauthAccess(Map<String, String> args, HttpExchange exchange) {
    String clientId = args.get("client_id");
    String clientSecret = args.get("client_secret");
    String basic = exchange.getRequestHeaders().getFirst("Authorization");
    if (basic != null && basic.startsWith("Basic ")) {
      String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8).split(":", 2);
      clientId = pair[0];
      clientSecret = pair.length > 1 ? pair[1] : null;
    }
    if (!CLIENT_ID.equals(clientId)) {
      return error("invalid_client_id");
    }
    if (!CLIENT_SECRET.equals(clientSecret)) {
      return error("bad_client_secret");
    }
    JsonObject installation = args.get("code") == null ? null : codes.remove(args.get("code"));
    if (installation == null) {
      return error("invalid_code");
    }
    validTokens.add(installation.getString("access_token"));
    return installation;
  }

  private static String bearer(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    return header != null && header.startsWith("Bearer ") ? header.substring(7) : null;
  }

  private static Map<String, String> arguments(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
    Map<String, String> args = new HashMap<>();
    if (contentType.startsWith("application/json")) {
      new JsonObject(body).forEach(e -> args.put(e.getKey(), e.getValue() == null ? null : e.getValue().toString()));
      return args;
    }
    for (String pair : body.split("&")) {
      if (!pair.isEmpty()) {
        String[] kv = pair.split("=", 2);
        args.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
    }
    return args;
  }

  private static JsonObject error(String code) {
    return new JsonObject().put("ok", false).put("error", code);
  }

  private static void send(HttpExchange exchange, int status, JsonObject body) throws IOException {
    LoopbackHttpServer.respond(exchange, status, LoopbackHttpServer.JSON_UTF8, body.encode());
  }

  @Override
  public void close() {
    server.close();
  }
}

package io.switchboard.testkit.discord;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.testkit.LoopbackHttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * A loopback stand-in for the Discord HTTP API endpoints Switchboard uses, following Discord's
 * documentation: {@code PATCH /webhooks/{application.id}/{interaction.token}/messages/@original} and
 * {@code POST /webhooks/{application.id}/{interaction.token}} (authorised by the interaction token
 * alone: an unknown or expired token is 401 with JSON code 50027, a deleted original 404 code 10008),
 * {@code POST /channels/{channel.id}/messages} (needs {@code Authorization: Bot <token>}; answers the
 * message with its {@code id}) and {@code PATCH /channels/{channel.id}/messages/{message.id}} (the bot's
 * own message in that channel; a deleted or unknown one is 404 with JSON code 10008), with JSON bodies
 * or, to upload files, {@code multipart/form-data} with a {@code payload_json} part and {@code files[n]}
 * parts, each of which the payload's {@code attachments} must name by {@code id: n} (400 code 50035
 * otherwise; any other body is 400 code 50109), and, when told to, HTTP 429 with a JSON body
 * {@code {"message","retry_after","global"}} ({@code retry_after} in fractional seconds) and the
 * {@code Retry-After} header. Every call is recorded, refused ones too.
 */
public final class DiscordApiStandIn implements AutoCloseable {

  /**
   * One call as Switchboard made it; {@code body} is the JSON body or the multipart's {@code payload_json},
   * {@code files} the uploaded files; {@code status} is what the stand-in answered; arrival in monotonic ms.
   */
  public record Call(String method, String route, String path, String authorization, JsonObject body,
                     List<UploadedFile> files, int status, long atMillis) {
  }

  /** A {@code files[n]} part of a multipart call. */
  public record UploadedFile(String field, String filename, String contentType, String text) {
  }

  /** A request body as read: the JSON (null when unreadable) and the files uploaded with it. */
  private record Body(JsonObject json, List<UploadedFile> files, boolean filesNamed) {
  }

  private static final Pattern ORIGINAL = Pattern.compile("/api/v10/webhooks/(\\d+)/([^/]+)/messages/@original");
  private static final Pattern FOLLOW_UP = Pattern.compile("/api/v10/webhooks/(\\d+)/([^/]+)");
  private static final Pattern CHANNEL_MESSAGE = Pattern.compile("/api/v10/channels/(\\d+)/messages");
  private static final Pattern CHANNEL_MESSAGE_ID = Pattern.compile("/api/v10/channels/(\\d+)/messages/(\\d+)");

  private final LoopbackHttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Set<String> liveTokens = ConcurrentHashMap.newKeySet();
  private final Set<String> deletedOriginals = ConcurrentHashMap.newKeySet();
  private final Set<String> botTokens = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> rateLimits = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> originals = new ConcurrentHashMap<>();
  /** The bot's channel messages as last posted or edited, by "channel/message id". */
  private final Map<String, JsonObject> channelMessages = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong(900_000_000_000_000_000L);
  private volatile double retryAfterSeconds = 0.05;
  private volatile boolean headerOnly;

  private DiscordApiStandIn() {
    this.server = LoopbackHttpServer.start(Map.of("/api/v10/", this::handle));
  }

  public static DiscordApiStandIn start() {
    return new DiscordApiStandIn();
  }

  /** The value for {@code SWITCHBOARD_DISCORD_API_URL}. */
  public String apiUrl() {
    return server.url() + "/api/v10";
  }

  /**
   * A gateway's configuration for this stand-in, with the shared Discord application of this id and
   * public key (64 hex digits, as the Developer Portal shows it).
   */
  public Map<String, String> env(String applicationId, String publicKeyHex) {
    return Map.of("SWITCHBOARD_DISCORD_API_URL", apiUrl(), "SWITCHBOARD_DISCORD_APPLICATION_ID", applicationId,
        "SWITCHBOARD_DISCORD_PUBLIC_KEY", publicKeyHex);
  }

  /** An interaction token Discord has issued (and whose original response exists), as when it sends an interaction. */
  public void issueToken(String token) {
    liveTokens.add(token);
  }

  /** The token has passed its 15 minutes. */
  public void expireToken(String token) {
    liveTokens.remove(token);
  }

  /** Someone deleted the interaction's original response. */
  public void deleteOriginal(String token) {
    deletedOriginals.add(token);
  }

  /** Someone deleted the channel message {@code messageId}. */
  public void deleteMessage(String channelId, String messageId) {
    channelMessages.remove(channelId + "/" + messageId);
  }

  /** The bot's channel message as last posted or edited, or null (never posted, or deleted). */
  public JsonObject channelMessage(String channelId, String messageId) {
    return channelMessages.get(channelId + "/" + messageId);
  }

  public void acceptBotToken(String token) {
    botTokens.add(token);
  }

  /**
   * The next {@code times} calls of {@code route} ({@code edit_original}, {@code follow_up}, {@code create_message},
   * {@code edit_message}) get a 429.
   */
  public void rateLimit(String route, int times, double retryAfter) {
    rateLimits.put(route, new AtomicInteger(times));
    this.retryAfterSeconds = retryAfter;
    this.headerOnly = false;
  }

  /** Like {@link #rateLimit}, but the 429 says how long to wait only in {@code Retry-After} (whole seconds), as a proxy might. */
  public void rateLimitByHeader(String route, int times, int retryAfterSeconds) {
    rateLimit(route, times, retryAfterSeconds);
    this.headerOnly = true;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** Calls of one route ({@code edit_original}, {@code follow_up}, {@code create_message}, {@code edit_message}) that succeeded. */
  public List<Call> succeeded(String route) {
    return calls.stream().filter(call -> call.route().equals(route) && call.status() / 100 == 2).toList();
  }

  /** The original response of the interaction as last edited, or null. */
  public JsonObject original(String token) {
    return originals.get(token);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      byte[] raw = exchange.getRequestBody().readAllBytes();
      Matcher original = ORIGINAL.matcher(path);
      Matcher followUp = FOLLOW_UP.matcher(path);
      Matcher channel = CHANNEL_MESSAGE.matcher(path);
      Matcher channelMessage = CHANNEL_MESSAGE_ID.matcher(path);
      String route = original.matches() && method.equals("PATCH") ? "edit_original"
          : followUp.matches() && method.equals("POST") ? "follow_up"
          : channel.matches() && method.equals("POST") ? "create_message"
          : channelMessage.matches() && method.equals("PATCH") ? "edit_message" : null;
      Body read = parse(raw, exchange.getRequestHeaders().getFirst("Content-Type"));
      JsonObject body = read.json();
      List<UploadedFile> files = read.files();
      if (route == null) {
        record(method, "unknown", path, authorization, body, files, 404);
        respond(exchange, 404, new JsonObject().put("message", "404: Not Found").put("code", 0));
        return;
      }
      if (body == null) {
        record(method, route, path, authorization, null, files, 400);
        respond(exchange, 400, new JsonObject().put("message", "Cannot send an empty message").put("code", 50006));
        return;
      }
      if (!read.filesNamed() || !files.isEmpty() && route.equals("edit_message")) {
        record(method, route, path, authorization, body, files, 400);
        respond(exchange, 400, new JsonObject().put("message", "Invalid Form Body").put("code", 50035));
        return;
      }
      AtomicInteger limited = rateLimits.get(route);
      if (limited != null && limited.getAndDecrement() > 0) {
        record(method, route, path, authorization, body, files, 429);
        exchange.getResponseHeaders().add("Retry-After", Long.toString((long) Math.ceil(retryAfterSeconds)));
        exchange.getResponseHeaders().add("X-RateLimit-Scope", "user");
        respond(exchange, 429, headerOnly ? new JsonObject().put("message", "You are being rate limited.")
            : new JsonObject().put("message", "You are being rate limited.").put("retry_after", retryAfterSeconds)
                .put("global", false));
        return;
      }
      int status;
      JsonObject answer;
      if (route.equals("create_message")) {
        boolean authorised = authorization != null && authorization.startsWith("Bot ")
            && botTokens.contains(authorization.substring(4));
        status = authorised ? 200 : 401;
        answer = authorised ? message(body, channel.group(1)) : new JsonObject().put("message", "401: Unauthorized").put("code", 0);
        if (authorised) {
          channelMessages.put(channel.group(1) + "/" + answer.getString("id"), body);
        }
      } else if (route.equals("edit_message")) {
        boolean authorised = authorization != null && authorization.startsWith("Bot ")
            && botTokens.contains(authorization.substring(4));
        String key = channelMessage.group(1) + "/" + channelMessage.group(2);
        if (!authorised) {
          status = 401;
          answer = new JsonObject().put("message", "401: Unauthorized").put("code", 0);
        } else if (!channelMessages.containsKey(key)) {
          status = 404;
          answer = new JsonObject().put("message", "Unknown Message").put("code", 10008);
        } else {
          status = 200;
          channelMessages.put(key, body);
          answer = body.copy().put("id", channelMessage.group(2)).put("channel_id", channelMessage.group(1));
        }
      } else {
        String token = route.equals("edit_original") ? original.group(2) : followUp.group(2);
        if (!liveTokens.contains(token)) {
          status = 401;
          answer = new JsonObject().put("message", "Invalid Webhook Token").put("code", 50027);
        } else if (route.equals("edit_original") && deletedOriginals.contains(token)) {
          status = 404;
          answer = new JsonObject().put("message", "Unknown Message").put("code", 10008);
        } else {
          status = 200;
          answer = message(body, "0");
          if (route.equals("edit_original")) {
            originals.put(token, body);
          }
        }
      }
      record(method, route, path, authorization, body, files, status);
      respond(exchange, status, answer);
    }
  }

  private JsonObject message(JsonObject body, String channelId) {
    return body.copy().put("id", Long.toString(ids.incrementAndGet())).put("channel_id", channelId);
  }

  private void record(String method, String route, String path, String authorization, JsonObject body,
                      List<UploadedFile> files, int status) {
    calls.add(new Call(method, route, path, authorization, body, files, status, System.nanoTime() / 1_000_000));
  }

  private static Body parse(byte[] raw, String contentType) {
    if (contentType != null && contentType.startsWith("multipart/form-data")) {
      return multipart(raw, contentType);
    }
    if (contentType == null || !contentType.startsWith("application/json")) {
      return new Body(null, List.of(), true);
    }
    return new Body(json(new String(raw, StandardCharsets.UTF_8)), List.of(), true);
  }

  private static JsonObject json(String raw) {
    try {
      return new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  /** Reads a multipart/form-data body: {@code payload_json} and the {@code files[n]} parts. */
  private static Body multipart(byte[] raw, String contentType) {
    Matcher boundary = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
    if (!boundary.find()) {
      return new Body(null, List.of(), true);
    }
    String body = new String(raw, StandardCharsets.ISO_8859_1);
    JsonObject payload = null;
    List<UploadedFile> files = new ArrayList<>();
    for (String part : body.split("--" + Pattern.quote(boundary.group(1)))) {
      int split = part.indexOf("\r\n\r\n");
      if (split < 0) {
        continue;
      }
      String headers = part.substring(0, split);
      String content = part.substring(split + 4);
      content = content.endsWith("\r\n") ? content.substring(0, content.length() - 2) : content;
      String text = new String(content.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
      String name = headerParameter(headers, "name");
      String filename = headerParameter(headers, "filename");
      if ("payload_json".equals(name)) {
        payload = json(text);
      } else if (name != null && name.matches("files\\[\\d+]") && filename != null) {
        Matcher type = Pattern.compile("(?i)content-type:\\s*([^\r\n]+)").matcher(headers);
        files.add(new UploadedFile(name, filename, type.find() ? type.group(1).trim() : null, text));
      }
    }
    JsonObject json = payload;
    boolean named = json != null && files.stream().allMatch(file -> named(json, file));
    return new Body(json, List.copyOf(files), named);
  }

  private static boolean named(JsonObject payload, UploadedFile file) {
    long index = Long.parseLong(file.field().substring(6, file.field().length() - 1));
    return payload.getValue("attachments") instanceof JsonArray attachments && attachments.stream()
        .anyMatch(entry -> entry instanceof JsonObject attachment && attachment.getValue("id") instanceof Number id
            && id.longValue() == index && file.filename().equals(attachment.getString("filename")));
  }

  private static String headerParameter(String headers, String parameter) {
    Matcher matcher = Pattern.compile("(?i)[; ]" + parameter + "=\"([^\"]*)\"").matcher(headers);
    return matcher.find() ? matcher.group(1) : null;
  }

  private static void respond(HttpExchange exchange, int status, JsonObject body) throws IOException {
    LoopbackHttpServer.respond(exchange, status, LoopbackHttpServer.JSON, body.encode());
  }

  @Override
  public void close() {
    server.close();
  }
}

package io.switchboard.gateway.discord;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

/**
 * The Discord HTTP API calls Switchboard makes, non-blocking: edit an interaction's original response
 * and post a follow-up (both through the interaction webhook, authorised by the interaction token),
 * and create and edit a channel message with a bot token. The first three may carry a text file
 * ({@link DiscordAttachment}: multipart instead of JSON). A 429 is waited out and retried, at most
 * {@link #MAX_RETRIES} times and at most {@link #MAX_WAIT} each, after the JSON body's
 * {@code retry_after} (seconds, fractional) or else the {@code Retry-After} header; any other non-2xx
 * fails with a {@link DiscordApiFailure}.
 */
public final class DiscordApi {

  static final int MAX_RETRIES = 3;
  static final Duration MAX_WAIT = Duration.ofSeconds(60);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(DiscordApi.class);

  private final Vertx vertx;
  private final WebClient client;
  private final String baseUrl;
  private final GatewayMetrics metrics;

  /** @param baseUrl Discord's API base without a trailing slash, e.g. {@code https://discord.com/api/v10} */
  public DiscordApi(Vertx vertx, WebClient client, String baseUrl, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.client = client;
    this.baseUrl = baseUrl;
    this.metrics = metrics;
  }

  /** {@code PATCH /webhooks/{application.id}/{interaction.token}/messages/@original}. */
  public Future<Void> editOriginal(InteractionWebhook webhook, JsonObject message) {
    return editOriginal(webhook, message, Optional.empty());
  }

  /** {@link #editOriginal(InteractionWebhook, JsonObject)} with a file attached, if any. */
  public Future<Void> editOriginal(InteractionWebhook webhook, JsonObject message, Optional<DiscordAttachment> file) {
    return call("edit_original", HttpMethod.PATCH, webhook.path() + "/messages/@original", Optional.empty(), message,
        file);
  }

  /** {@code POST /webhooks/{application.id}/{interaction.token}}: a follow-up message, with a file attached, if any. */
  public Future<Void> followUp(InteractionWebhook webhook, JsonObject message, Optional<DiscordAttachment> file) {
    return call("follow_up", HttpMethod.POST, webhook.path(), Optional.empty(), message, file);
  }

  /** {@code POST /channels/{channel.id}/messages} as the bot; answers the new message's id. */
  public Future<String> createMessage(String botToken, String channelId, JsonObject message) {
    return createMessage(botToken, channelId, message, Optional.empty());
  }

  /** {@link #createMessage(String, String, JsonObject)} with a file attached, if any. */
  public Future<String> createMessage(String botToken, String channelId, JsonObject message,
                                     Optional<DiscordAttachment> file) {
    return send("create_message", HttpMethod.POST, "/channels/" + channelId + "/messages",
        Optional.of("Bot " + botToken), message, file, 0).compose(response -> {
          String id = messageId(response);
          return id != null ? Future.succeededFuture(id)
              : Future.failedFuture(new DiscordApiFailure("create_message", response.statusCode(), 0,
                  "no message id in the answer"));
        });
  }

  /** {@code PATCH /channels/{channel.id}/messages/{message.id}} as the bot: replaces the bot's message. */
  public Future<Void> editMessage(String botToken, String channelId, String messageId, JsonObject message) {
    return call("edit_message", HttpMethod.PATCH, "/channels/" + channelId + "/messages/" + messageId,
        Optional.of("Bot " + botToken), message, Optional.empty());
  }

  private Future<Void> call(String route, HttpMethod method, String path, Optional<String> authorization,
                            JsonObject message, Optional<DiscordAttachment> file) {
    return send(route, method, path, authorization, message, file, 0).mapEmpty();
  }

  private static String messageId(HttpResponse<Buffer> response) {
    try {
      JsonObject body = response.bodyAsJsonObject();
      return body != null && body.getValue("id") instanceof String id && !id.isBlank() ? id : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Future<HttpResponse<Buffer>> send(String route, HttpMethod method, String path, Optional<String> authorization,
                            JsonObject message, Optional<DiscordAttachment> file, int retries) {
    HttpRequest<Buffer> request = client.requestAbs(method, baseUrl + path).timeout(TIMEOUT.toMillis());
    authorization.ifPresent(value -> request.putHeader("Authorization", value));
    return (file.isPresent() ? request.sendMultipartForm(file.get().form(message)) : request.sendJsonObject(message))
        .recover(e -> {
          metrics.discordApiCall(route, "unreachable");
          return Future.failedFuture(new DiscordApiFailure(route, 0, 0, String.valueOf(e.getMessage())));
        })
        .compose(response -> {
          int status = response.statusCode();
          if (status >= 200 && status < 300) {
            metrics.discordApiCall(route, "ok");
            return Future.succeededFuture(response);
          }
          if (status == 429 && retries < MAX_RETRIES) {
            metrics.discordApiCall(route, "rate_limited");
            Duration wait = retryAfter(response);
            LOG.info("Discord rate-limited {}; retrying after {} ms", route, wait.toMillis());
            return later(wait).compose(v -> send(route, method, path, authorization, message, file, retries + 1));
          }
          metrics.discordApiCall(route, status == 429 ? "rate_limited" : "http_" + status);
          return Future.failedFuture(new DiscordApiFailure(route, status, errorCode(response), ""));
        });
  }

  /** How long Discord asks us to wait: {@code retry_after} in the body, else {@code Retry-After}, else 1 s. */
  static Duration retryAfter(HttpResponse<Buffer> response) {
    Double seconds = null;
    try {
      JsonObject body = response.bodyAsJsonObject();
      if (body != null && body.getValue("retry_after") instanceof Number n) {
        seconds = n.doubleValue();
      }
    } catch (RuntimeException e) {
      // not JSON: fall back to the header
    }
    if (seconds == null) {
      try {
        String header = response.getHeader("Retry-After");
        seconds = header == null ? 1.0 : Double.parseDouble(header.trim());
      } catch (NumberFormatException e) {
        seconds = 1.0;
      }
    }
    long millis = (long) Math.ceil(Math.max(0, seconds) * 1000);
    return Duration.ofMillis(Math.min(millis, MAX_WAIT.toMillis()));
  }

  private static int errorCode(HttpResponse<Buffer> response) {
    try {
      JsonObject body = response.bodyAsJsonObject();
      return body != null && body.getValue("code") instanceof Number n ? n.intValue() : 0;
    } catch (RuntimeException e) {
      return 0;
    }
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

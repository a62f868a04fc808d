package io.switchboard.gateway.slack.webapi;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.request.files.FilesCompleteUploadExternalRequest;
import com.slack.api.methods.response.oauth.OAuthV2AccessResponse;
import io.switchboard.gateway.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Slack Web API, through the Slack API Client for Java. The client blocks, so every call runs on
 * a small worker pool of its own, never on an event loop. A 429 is retried after its
 * {@code Retry-After} (at most {@link #MAX_RATE_LIMIT_RETRIES} times, each wait at most
 * {@link #MAX_RETRY_AFTER}, waited on a timer, not a thread); any other failure, {@code ok:false}
 * included, fails the future with a {@link SlackApiFailure}.
 */
public final class SlackWebApi {

  public static final int MAX_RATE_LIMIT_RETRIES = 3;
  public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);
  private static final String WORKER_POOL = "switchboard-slack-web-api";
  private static final int WORKER_POOL_SIZE = 8;
  /** How the POST of a file's bytes to its upload URL is named in metrics and failures. */
  static final String UPLOAD = "files.upload_url";
  private static final Logger LOG = LoggerFactory.getLogger(SlackWebApi.class);

  /** One blocking call of the client. */
  @FunctionalInterface
  public interface Call<T extends SlackApiTextResponse> {
    T on(MethodsClient client) throws IOException, SlackApiException;
  }

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final Slack slack;
  private final GatewayMetrics metrics;

  /** @param apiUrl the methods endpoint prefix, ending in {@code /} (e.g. {@code https://slack.com/api/}) */
  public SlackWebApi(Vertx vertx, String apiUrl, GatewayMetrics metrics) {
    this.metrics = metrics;
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(apiUrl);
    config.setStatsEnabled(false);
    config.setHttpClientCallTimeoutMillis(10_000);
    this.vertx = vertx;
    this.slack = Slack.getInstance(config);
    this.workers = vertx.createSharedWorkerExecutor(WORKER_POOL, WORKER_POOL_SIZE);
  }

  /** Calls {@code method} with the bot token (or none, for {@code oauth.v2.access}). */
  public <T extends SlackApiTextResponse> Future<T> call(String method, Optional<String> token, Call<T> call) {
    MethodsClient client = token.map(slack::methods).orElseGet(slack::methods);
    return attempt(method, client, call, 0);
  }

  private <T extends SlackApiTextResponse> Future<T> attempt(String method, MethodsClient client, Call<T> call,
                                                             int retries) {
    return workers.<T>executeBlocking(() -> call.on(client), false).transform(ar -> {
      if (ar.succeeded()) {
        T response = ar.result();
        metrics.slackApiCall(method, response.isOk() ? "ok" : "error");
        return response.isOk()
            ? Future.succeededFuture(response)
            : Future.failedFuture(new SlackApiFailure(method, String.valueOf(response.getError())));
      }
      if (ar.cause() instanceof SlackApiException http) {
        int status = http.getResponse().code();
        metrics.slackApiCall(method, status == 429 ? "rate_limited" : "http_error");
        Optional<Duration> wait = status == 429 ? retryAfter(http) : Optional.empty();
        if (wait.isPresent() && retries < MAX_RATE_LIMIT_RETRIES) {
          LOG.info("Slack rate-limited {}; retrying after {} s", method, wait.get().toSeconds());
          return vertx.timer(Math.max(1, wait.get().toMillis()), TimeUnit.MILLISECONDS)
              .compose(t -> attempt(method, client, call, retries + 1));
        }
        return Future.failedFuture(new SlackApiFailure(method, "http_" + status));
      }
      if (ar.cause() instanceof IOException) {
        metrics.slackApiCall(method, "unreachable");
        return Future.failedFuture(new SlackApiFailure(method, "unreachable"));
      }
      return Future.failedFuture(ar.cause());
    });
  }

  /** Slack's {@code Retry-After} in seconds; 1 s when it is missing or unreadable, never more than the bound. */
  private static Optional<Duration> retryAfter(SlackApiException e) {
    String header = e.getResponse().header("Retry-After");
    long seconds = 1;
    if (header != null) {
      try {
        seconds = Math.max(0, Long.parseLong(header.trim()));
      } catch (NumberFormatException ignored) {
        seconds = 1;
      }
    }
    Duration wait = Duration.ofSeconds(seconds);
    return wait.compareTo(MAX_RETRY_AFTER) > 0 ? Optional.empty() : Optional.of(wait);
  }

  /** {@code chat.postMessage}: posts a message (Block Kit JSON with {@code text} and {@code blocks}); answers its ts. */
  public Future<String> postMessage(String token, String channel, Optional<String> threadTs, JsonObject message) {
    return call("chat.postMessage", Optional.of(token), client -> client.chatPostMessage(r -> r
        .channel(channel).threadTs(threadTs.orElse(null)).text(message.getString("text"))
        .blocksAsString(blocks(message)).unfurlLinks(false).unfurlMedia(false)))
        .map(response -> response.getTs());
  }

  /** {@code chat.update}: replaces the text and blocks of the message {@code ts}. */
  public Future<Void> update(String token, String channel, String ts, JsonObject message) {
    return call("chat.update", Optional.of(token), client -> client.chatUpdate(r -> r
        .channel(channel).ts(ts).text(message.getString("text")).blocksAsString(blocks(message))))
        .mapEmpty();
  }

  /** {@code chat.postEphemeral}: a message only {@code user} sees, in the channel (or thread). */
  public Future<Void> postEphemeral(String token, String channel, String user, Optional<String> threadTs,
                                    JsonObject message) {
    return call("chat.postEphemeral", Optional.of(token), client -> client.chatPostEphemeral(r -> r
        .channel(channel).user(user).threadTs(threadTs.orElse(null)).text(message.getString("text"))
        .blocksAsString(blocks(message))))
        .mapEmpty();
  }

  /**
   * {@code views.open}: opens a modal for the user whose interaction gave {@code triggerId} (Slack
   * accepts a trigger once, within 3 s of the interaction, so a 429 is not waited out); answers the
   * view's id. Needs no scope beyond {@code commands}.
   */
  public Future<String> openView(String token, String triggerId, JsonObject view) {
    return attempt("views.open", slack.methods(token), client -> client.viewsOpen(r -> r
        .triggerId(triggerId).viewAsString(view.encode())), MAX_RATE_LIMIT_RETRIES)
        .map(response -> response.getView().getId());
  }

  /** {@code usergroups.users.list}: the user ids in a user group (needs the {@code usergroups:read} scope). */
  public Future<List<String>> userGroupMembers(String token, String usergroup) {
    return call("usergroups.users.list", Optional.of(token), client -> client.usergroupsUsersList(r -> r
        .usergroup(usergroup))).map(response -> response.getUsers() == null ? List.<String>of()
        : List.copyOf(response.getUsers()));
  }

  /**
   * Uploads {@code content} as a file into a thread with Slack's upload flow:
   * {@code files.getUploadURLExternal} (filename, length), a POST of the bytes to the upload URL it
   * answers, then {@code files.completeUploadExternal} sharing the file into {@code channel} under
   * {@code threadTs}. Needs the {@code files:write} scope. Answers the file's id.
   */
  public Future<String> uploadFile(String token, String channel, String threadTs, String filename, String title,
                                   byte[] content) {
    return call("files.getUploadURLExternal", Optional.of(token), client -> client.filesGetUploadURLExternal(r -> r
        .filename(filename).length(content.length)))
        .compose(target -> postBytes(target.getUploadUrl(), content).map(v -> target.getFileId()))
        .compose(fileId -> call("files.completeUploadExternal", Optional.of(token),
            client -> client.filesCompleteUploadExternal(r -> r.channelId(channel).threadTs(threadTs)
                .files(List.of(FilesCompleteUploadExternalRequest.FileDetails.builder().id(fileId).title(title)
                    .build()))))
            .map(done -> fileId));
  }

  /** The upload step of {@link #uploadFile}: the raw bytes to the URL Slack gave, on the worker pool. */
  private Future<Void> postBytes(String uploadUrl, byte[] content) {
    Request request = new Request.Builder().url(uploadUrl)
        .post(RequestBody.create(content, MediaType.get("application/octet-stream"))).build();
    return workers.<Integer>executeBlocking(() -> {
      try (Response response = slack.getHttpClient().getOkHttpClient().newCall(request).execute()) {
        return response.code();
      }
    }, false).transform(ar -> {
      if (ar.failed()) {
        metrics.slackApiCall(UPLOAD, "unreachable");
        return Future.failedFuture(new SlackApiFailure(UPLOAD, "unreachable"));
      }
      boolean ok = ar.result() / 100 == 2;
      metrics.slackApiCall(UPLOAD, ok ? "ok" : "http_error");
      return ok ? Future.succeededFuture() : Future.failedFuture(new SlackApiFailure(UPLOAD, "http_" + ar.result()));
    });
  }

  /** {@code oauth.v2.access}: exchanges an OAuth code for the installation's bot token. */
  public Future<OAuthV2AccessResponse> oauthV2Access(String clientId, String clientSecret, String code,
                                                     Optional<String> redirectUri) {
    return call("oauth.v2.access", Optional.empty(), client -> client.oauthV2Access(r -> r
        .clientId(clientId).clientSecret(clientSecret).code(code).redirectUri(redirectUri.orElse(null))));
  }

  private static String blocks(JsonObject message) {
    return message.getJsonArray("blocks") == null ? null : message.getJsonArray("blocks").encode();
  }

  /** Closes the client's connections and the worker pool. */
  public Future<Void> close() {
    try {
      slack.close();
    } catch (Exception e) {
      LOG.warn("Closing the Slack client failed: {}", e.toString());
    }
    return workers.close();
  }
}

package io.switchboard.executor.action.jenkins;

import io.switchboard.executor.action.ActionHttpClient;
import io.switchboard.executor.action.HttpAnswer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * One job's conversation with Jenkins: Basic authentication with the user and API token, the CSRF
 * crumb and the session cookie it is tied to, and the one request in flight, which
 * {@link #cancelInFlight()} resets. Requests never follow redirects, so the credentials only ever
 * go to the configured Jenkins.
 */
final class JenkinsSession {

  /**
   * No answer came. {@code connectFailed}: no request reached Jenkins (it cannot have acted on it);
   * otherwise it may have.
   */
  static final class TransportFailure extends RuntimeException {
    final boolean connectFailed;

    TransportFailure(String message, boolean connectFailed) {
      super(message, null, false, false);
      this.connectFailed = connectFailed;
    }
  }

  private final HttpClient client;
  private final Duration timeout;
  private final String authorization;
  private final Map<String, String> cookies = new ConcurrentHashMap<>();
  private volatile String crumbField;
  private volatile String crumb;
  private volatile HttpClientRequest inFlight;
  /** Bumped by {@link #cancelInFlight()}: a request begun before that is reset as soon as it exists. */
  private volatile int generation;

  JenkinsSession(HttpClient client, Duration timeout, String user, String token) {
    this.client = client;
    this.timeout = timeout;
    this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + token)
        .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Fetches a crumb from {@code GET <root>/crumbIssuer/api/json} and keeps it with the session cookie
   * Jenkins ties it to. A 404 means CSRF protection is off: requests go without a crumb. Any other
   * answer that is not 2xx is returned for the caller to judge.
   */
  Future<HttpAnswer> fetchCrumb(String root) {
    return send(HttpMethod.GET, root + "/crumbIssuer/api/json", null).map(response -> {
      if (response.ok()) {
        JsonObject json = response.json();
        crumbField = json.getString("crumbRequestField");
        crumb = json.getString("crumb");
      }
      return response;
    });
  }

  /** A GET or POST (with a form body, or none); POSTs carry the crumb when there is one. */
  Future<HttpAnswer> send(HttpMethod method, String url, String form) {
    return open(method, url, form != null)
        .compose(request -> ActionHttpClient.exchange(request, form == null ? null : Buffer.buffer(form),
            response -> response.body().map(body -> answered(response, body))))
        .recover(e -> Future.failedFuture(e instanceof TransportFailure ? e : new TransportFailure(describe(e), false)));
  }

  /**
   * A GET whose body keeps only its last {@code maxBytes} as it streams in, so a huge console log
   * never sits in memory whole; a line cut by that limit is left out.
   */
  Future<HttpAnswer> tail(String url, int maxBytes) {
    return open(HttpMethod.GET, url, false)
        .compose(request -> ActionHttpClient.exchange(request, null, response -> {
          Buffer[] kept = {Buffer.buffer()};
          boolean[] cut = {false};
          response.handler(chunk -> {
            kept[0].appendBuffer(chunk);
            if (kept[0].length() > 2 * maxBytes) {
              kept[0] = kept[0].getBuffer(kept[0].length() - maxBytes, kept[0].length());
              cut[0] = true;
            }
          });
          return response.end()
              .map(v -> {
                Buffer last = kept[0];
                if (last.length() > maxBytes) {
                  last = last.getBuffer(last.length() - maxBytes, last.length());
                  cut[0] = true;
                }
                // The first line kept is partial when the text was cut; it is dropped if a whole line follows.
                int firstBreak = cut[0] ? last.toString(StandardCharsets.ISO_8859_1).indexOf('\n') : -1;
                return answered(response, firstBreak >= 0 && firstBreak < last.length() - 1
                    ? last.getBuffer(firstBreak + 1, last.length()) : last);
              });
        }))
        .recover(e -> Future.failedFuture(e instanceof TransportFailure ? e : new TransportFailure(describe(e), false)));
  }

  /** Resets the request in flight, and one that is being opened right now. */
  void cancelInFlight() {
    generation++;
    HttpClientRequest request = inFlight;
    if (request != null) {
      request.reset();
    }
  }

  /** The text with the credentials, crumb and session cookies of this session replaced. */
  String scrub(String text) {
    if (text == null) {
      return null;
    }
    String scrubbed = text.replace(authorization.substring("Basic ".length()), "[redacted:basic-auth]");
    String c = crumb;
    if (c != null && !c.isEmpty()) {
      scrubbed = scrubbed.replace(c, "[redacted:crumb]");
    }
    for (String value : cookies.values()) {
      if (value.length() >= 4) {
        scrubbed = scrubbed.replace(value, "[redacted:cookie]");
      }
    }
    return scrubbed;
  }

  private Future<HttpClientRequest> open(HttpMethod method, String url, boolean form) {
    int opened = generation;
    RequestOptions options = new RequestOptions()
        .setMethod(method)
        .setAbsoluteURI(url)
        .setFollowRedirects(false)
        .setConnectTimeout(timeout.toMillis())
        .setIdleTimeout(timeout.toMillis())
        .putHeader("Authorization", authorization)
        .putHeader("User-Agent", "switchboard");
    if (!cookies.isEmpty()) {
      options.putHeader("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining("; ")));
    }
    if (method == HttpMethod.POST && crumbField != null && crumb != null) {
      options.putHeader(crumbField, crumb);
    }
    if (form) {
      options.putHeader("Content-Type", "application/x-www-form-urlencoded");
    }
    return client.request(options)
        .recover(e -> Future.failedFuture(new TransportFailure(describe(e), true)))
        .compose(request -> {
          inFlight = request;
          if (opened != generation) {
            request.reset();
            return Future.failedFuture(new TransportFailure("cancelled", false));
          }
          return Future.succeededFuture(request);
        });
  }

  private HttpAnswer answered(HttpClientResponse response, Buffer body) {
    for (String setCookie : response.cookies()) {
      String pair = setCookie.split(";", 2)[0];
      int eq = pair.indexOf('=');
      if (eq > 0) {
        cookies.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    return new HttpAnswer(response.statusCode(), response.headers(), body);
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}

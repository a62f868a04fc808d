package io.switchboard.executor.action.http;

import io.switchboard.executor.action.Action;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionHttpClient;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.tenancy.secrets.SecretStoreException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Calls a webhook: {@code {"method": "POST", "url": "https://hooks.example.com/deploy/{service}",
 * "params": {"service": "api"}, "headers": {"Authorization": "Bearer {{secret:hook-token}}"},
 * "body": {"ref": "main"}, "expectStatus": [200, 202]}}.
 *
 * <p>{@code {name}} placeholders in the URL are filled, URL-encoded, from {@code params}; header
 * values and the body may name the tenant's secrets as {@code {{secret:NAME}}}. The request carries
 * {@code Idempotency-Key} with the job's key, is never redirected, and is refused before any
 * connection when its host is not allowed ({@link HttpActionSettings}): without an allow-list the
 * host's addresses are resolved once, checked against private ranges and the connection is made to
 * the checked address, so DNS cannot be re-pointed between the check and the call.
 *
 * <p>An expected status (default any 2xx) succeeds with the status line and the start of the body;
 * 408, 425, 429 and 5xx, connection failures and timeouts are retryable; other statuses are final.
 * Stopping the job resets the request at once.
 */
public final class HttpAction implements Action {

  /** At most this much of a response is read; the connection is reset beyond it. */
  static final int MAX_RESPONSE_BYTES = 64 * 1024;
  /** At most this much of the response body goes into the result. */
  static final int MAX_OUTPUT_CHARS = 2000;

  private final HttpActionSettings settings;
  private final ActionHttpClient clients;

  public HttpAction(HttpActionSettings settings) {
    this.settings = settings;
    this.clients = new ActionHttpClient(new HttpClientOptions()
        .setMaxRedirects(0)
        .setDecompressionSupported(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis())));
  }

  @Override
  public String type() {
    return "http";
  }

  @Override
  public Future<ActionResult> run(ActionContext context) {
    HttpCall call;
    try {
      call = HttpCall.parse(context.arguments());
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(ActionResult.failure("http: " + e.getMessage()));
    }
    if (!settings.allowedHosts().isEmpty() && !settings.listed(call.host())) {
      return Future.succeededFuture(ActionResult.failure("http: host '" + call.host() + "' is not allowed: it is not on "
          + HttpActionSettings.ALLOWED_HOSTS + " of this executor"));
    }
    if (context.stop().isComplete()) {
      return Future.succeededFuture(ActionResult.failure("http: stopped before the request: " + context.stop().result()));
    }
    return secrets(context, call.secretNames())
        .compose(values -> target(context.vertx(), call)
            .compose(server -> send(context, call.withSecrets(values), server)))
        .recover(e -> Future.succeededFuture(e instanceof Outcome outcome ? outcome.result
            : ActionResult.retryableFailure("http: " + call.describe() + " failed: " + describe(e))));
  }

  // ---------------------------------------------------------------- secrets

  private static Future<Map<String, String>> secrets(ActionContext context, List<String> names) {
    Map<String, String> values = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (String name : names) {
      chain = chain.compose(v -> context.secrets().get(name)
          .recover(e -> Future.failedFuture(new Outcome(secretFailure(name, e))))
          .map(value -> {
            values.put(name, value);
            return null;
          }));
    }
    return chain.map(v -> values);
  }

  private static ActionResult secretFailure(String name, Throwable e) {
    if (e instanceof SecretStoreException store && store.reason() == SecretStoreException.Reason.UNAVAILABLE) {
      return ActionResult.retryableFailure("http: could not read secret '" + name + "': " + e.getMessage());
    }
    return ActionResult.failure("http: " + e.getMessage());
  }

  // ---------------------------------------------------------------- where to connect

  /** The address to connect to, checked; null when Vert.x may resolve the host itself. */
  private Future<InetAddress> target(Vertx vertx, HttpCall call) {
    if (!settings.allowedHosts().isEmpty() || settings.allowPrivate()) {
      return Future.succeededFuture(null);
    }
    String host = call.host();
    return vertx.executeBlocking(() -> InetAddress.getAllByName(host), false)
        .recover(e -> Future.failedFuture(new Outcome(ActionResult.retryableFailure(
            "http: cannot resolve host '" + host + "': " + describe(e)))))
        .compose(addresses -> {
          for (InetAddress address : addresses) {
            if (isPrivate(address)) {
              return Future.failedFuture(new Outcome(ActionResult.failure("http: host '" + host + "' is not allowed: "
                  + "it resolves to the internal address " + address.getHostAddress() + " (loopback, link-local and "
                  + "private addresses are refused unless " + HttpActionSettings.ALLOW_PRIVATE
                  + "=true or the host is on " + HttpActionSettings.ALLOWED_HOSTS + ")")));
            }
          }
          return Future.succeededFuture(addresses[0]);
        });
  }

  /** Loopback, link-local, private (RFC 1918, unique local, CGNAT), unspecified, multicast or broadcast. */
  static boolean isPrivate(InetAddress address) {
    if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
        || address.isAnyLocalAddress() || address.isMulticastAddress()) {
      return true;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first == 0 || first == 127 || (first == 100 && second >= 64 && second <= 127)
          || (first == 192 && second == 0 && (b[2] & 0xff) == 0) || (first == 198 && (second == 18 || second == 19))
          || first >= 240;
    }
    int first = b[0] & 0xff;
    if ((first & 0xfe) == 0xfc) {
      return true; // fc00::/7 unique local
    }
    boolean mapped = true; // ::ffff:a.b.c.d written out as IPv6
    for (int i = 0; i < 10; i++) {
      mapped &= b[i] == 0;
    }
    if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      try {
        return isPrivate(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
      } catch (UnknownHostException e) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- the call

  private Future<ActionResult> send(ActionContext context, HttpCall call, InetAddress server) {
    Vertx vertx = context.vertx();
    Promise<ActionResult> outcome = Promise.promise();
    AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
    AtomicBoolean finished = new AtomicBoolean();
    long timeoutMillis = settings.timeout().toMillis();
    long timer = vertx.setTimer(timeoutMillis, id -> finish(outcome, finished, inFlight,
        ActionResult.retryableFailure("http: " + call.describe() + " got no complete answer within "
            + timeoutMillis + " ms")));
    context.stop().onComplete(reason -> finish(outcome, finished, inFlight,
        ActionResult.failure("http: " + call.describe() + " stopped: " + reason.result())));
    outcome.future().onComplete(ar -> vertx.cancelTimer(timer));

    RequestOptions options = new RequestOptions()
        .setMethod(call.method())
        .setAbsoluteURI(call.uri().toString())
        .setFollowRedirects(false)
        .setConnectTimeout(timeoutMillis);
    if (server != null) {
      options.setServer(SocketAddress.inetSocketAddress(call.port(), server.getHostAddress()));
    }
    call.headers().forEach(options::putHeader);
    options.putHeader("Idempotency-Key", context.idempotencyKey());

    client(vertx).request(options)
        .compose(request -> {
          inFlight.set(request);
          if (finished.get()) {
            request.reset();
            return Future.failedFuture("stopped");
          }
          return ActionHttpClient.exchange(request, call.body(),
              response -> read(response, call, context.secrets(), outcome, finished, inFlight));
        })
        .onFailure(e -> finish(outcome, finished, inFlight, failure(call, e)));
    return outcome.future();
  }

  /** Reads at most {@link #MAX_RESPONSE_BYTES} of the body into the outcome, which it answers. */
  private Future<ActionResult> read(HttpClientResponse response, HttpCall call, JobSecrets secrets,
                                    Promise<ActionResult> outcome, AtomicBoolean finished,
                                    AtomicReference<HttpClientRequest> inFlight) {
    Buffer body = Buffer.buffer();
    AtomicBoolean truncated = new AtomicBoolean();
    response.exceptionHandler(e -> finish(outcome, finished, inFlight, failure(call, e)));
    response.handler(chunk -> {
      int room = MAX_RESPONSE_BYTES - body.length();
      if (chunk.length() > room) {
        body.appendBuffer(chunk, 0, Math.max(room, 0));
        truncated.set(true);
        finish(outcome, finished, inFlight, judge(response, call, secrets, body, true));
      } else {
        body.appendBuffer(chunk);
      }
    });
    response.endHandler(v -> {
      if (finished.compareAndSet(false, true)) {
        outcome.tryComplete(judge(response, call, secrets, body, truncated.get()));
      }
    });
    return outcome.future();
  }

  /** Completes the outcome once; resets the request if it is still going. */
  private static void finish(Promise<ActionResult> outcome, AtomicBoolean finished,
                             AtomicReference<HttpClientRequest> inFlight, ActionResult result) {
    if (finished.compareAndSet(false, true)) {
      HttpClientRequest request = inFlight.get();
      if (request != null) {
        request.reset();
      }
      outcome.tryComplete(result);
    }
  }

  /** The result for an answer; the body is redacted before it is cut, so no cut can leave part of a secret. */
  private static ActionResult judge(HttpClientResponse response, HttpCall call, JobSecrets secrets, Buffer body,
                                    boolean truncated) {
    int status = response.statusCode();
    String text = secrets.redact(body.toString(StandardCharsets.UTF_8));
    boolean more = truncated || text.length() > MAX_OUTPUT_CHARS;
    String snippet = text.length() > MAX_OUTPUT_CHARS ? text.substring(0, MAX_OUTPUT_CHARS) : text;
    String statusLine = call.describe() + " answered " + status
        + (response.statusMessage() == null || response.statusMessage().isBlank() ? "" : " " + response.statusMessage());
    String output = snippet.isBlank() ? statusLine : statusLine + "\n" + snippet + (more ? "\n[... truncated]" : "");
    if (call.expects(status)) {
      return ActionResult.success(output);
    }
    String error = output.replaceFirst("\n|$", " (expected " + call.expectedDescription() + ")\n").stripTrailing();
    if (status == 408 || status == 425 || status == 429 || status >= 500) {
      String retryAfter = response.getHeader("Retry-After");
      return ActionResult.retryableFailure("http: " + error
          + (retryAfter == null ? "" : "\nthe target asks to retry after " + retryAfter));
    }
    return ActionResult.failure("http: " + error);
  }

  private static ActionResult failure(HttpCall call, Throwable e) {
    if (e instanceof SSLException) {
      return ActionResult.failure("http: " + call.describe() + ": TLS with " + call.host() + " failed: " + describe(e));
    }
    String what = e instanceof ConnectException || e.getClass().getName().contains("Connect")
        ? "could not connect to " + call.host() + ": " : "failed: ";
    return ActionResult.retryableFailure("http: " + call.describe() + " " + what + describe(e));
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private HttpClient client(Vertx vertx) {
    return clients.on(vertx);
  }

  /** A failure that is already the action's answer. */
  static final class Outcome extends RuntimeException {
    final ActionResult result;

    Outcome(ActionResult result) {
      super(result.error(), null, false, false);
      this.result = result;
    }
  }
}

package io.switchboard.executor.action;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.switchboard.core.trace.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

import java.net.URI;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One Vert.x {@link HttpClient} per action instance, made on first use with the Vert.x instance the
 * job runs on (and made again if that instance changes, as it does between tests). Actions use the
 * core client rather than {@code WebClient} because only the core client's requests can be reset
 * when the job is told to stop. Every request goes out through {@link #exchange}, which reads its
 * response without a race, in a client span of the job's trace.
 */
public final class ActionHttpClient {

  private static final AttributeKey<String> HOST = AttributeKey.stringKey("server.address");
  private static final AttributeKey<Long> PORT = AttributeKey.longKey("server.port");

  private final HttpClientOptions options;
  private Vertx owner;
  private HttpClient client;

  public ActionHttpClient(HttpClientOptions options) {
    this.options = options;
  }

  public synchronized HttpClient on(Vertx vertx) {
    if (client == null || owner != vertx) {
      client = vertx.createHttpClient(new HttpClientOptions(options));
      owner = vertx;
    }
    return client;
  }

  /**
   * Ends {@code request} (with {@code body}, or none) and hands its response to {@code reader} the
   * moment the response's head arrives, on the request's own context and before any of its body is
   * delivered, so handlers the reader attaches (or its {@code body()}) see every byte.
   *
   * <p>Reading in a callback of {@code send()} instead is a race: such a callback may run later, on
   * another context, by when a small, fast response has already ended; Vert.x then refuses the
   * handlers ("Response already ended") and the call hangs until its timeout, or drops the body.
   * Here the reader is registered on the response before the request is even written.
   */
  public static <T> Future<T> exchange(HttpClientRequest request, Buffer body,
                                       Function<HttpClientResponse, Future<T>> reader) {
    Span span = clientSpan(request);
    Future<T> read = request.response()
        .andThen(ar -> {
          if (ar.succeeded()) {
            span.setAttribute(Tracing.HTTP_STATUS, (long) ar.result().statusCode());
          }
        })
        .compose(reader);
    if (body == null) {
      request.end();
    } else {
      request.end(body);
    }
    return Tracing.endWith(span, read);
  }

  /**
   * A client span for the call, a child of the job's run (the current span), its context sent along
   * in a W3C {@code traceparent} header. Its attributes name the method and the host, never the path
   * or query, which may carry the command's arguments.
   */
  private static Span clientSpan(HttpClientRequest request) {
    String host = null;
    int port = -1;
    try {
      URI target = URI.create(request.absoluteURI());
      host = target.getHost();
      port = target.getPort();
    } catch (IllegalArgumentException unparsable) {
      // The span goes without the server's address.
    }
    return clientSpan(request.getMethod().name(), host, port, request::putHeader);
  }

  /**
   * A client span for a call an action makes with its own client (the Kubernetes action's), as
   * {@link #exchange} makes one: a child of the job's run, named by the method, with the server's
   * address ({@code host} null when unknown) and never the path, its context added with
   * {@code header}. End it with {@link Tracing#endWith}.
   */
  public static Span clientSpan(String method, String host, int port, BiConsumer<String, String> header) {
    Span span = Tracing.startChild(method, SpanKind.CLIENT).setAttribute(Tracing.HTTP_METHOD, method);
    if (host != null) {
      span.setAttribute(HOST, host).setAttribute(PORT, (long) port);
    }
    Tracing.inject(span, header);
    return span;
  }
}

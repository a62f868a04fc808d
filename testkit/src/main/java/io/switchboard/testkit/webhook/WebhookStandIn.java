package io.switchboard.testkit.webhook;

import io.switchboard.testkit.Await;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback webhook receiver for the http action's tests. Paths:
 * {@code /status/<code>} answers that status (with {@code Retry-After: 7} on 429) and body
 * "status <code>"; {@code /echo} answers 200 with the request's Authorization header as the body,
 * {@code /echo-after/<n>} the same after {@code n} dots;
 * {@code /big} answers 200 with 200 KiB; {@code /hang} never answers; anything else answers
 * 200 OK "accepted". Every request is recorded with its headers and body.
 */
public final class WebhookStandIn {

  public record Received(String method, String uri, MultiMap headers, String body) {
  }

  public final List<Received> received = new CopyOnWriteArrayList<>();
  /** Connections closed by the client while their request was still unanswered. */
  public final AtomicInteger abandoned = new AtomicInteger();
  private final HttpServer server;

  public WebhookStandIn(Vertx vertx) {
    server = Await.result(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
  }

  public int port() {
    return server.actualPort();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      received.add(new Received(request.method().name(), request.uri(), MultiMap.caseInsensitiveMultiMap()
          .addAll(request.headers()), body.toString()));
      String path = request.path();
      if (path.startsWith("/status/")) {
        int status = Integer.parseInt(path.substring("/status/".length()));
        if (status == 429) {
          request.response().putHeader("Retry-After", "7");
        }
        request.response().setStatusCode(status).end("status " + status);
      } else if (path.startsWith("/echo-after/")) {
        int dots = Integer.parseInt(path.substring("/echo-after/".length()));
        request.response().end(".".repeat(dots) + request.getHeader("Authorization"));
      } else if (path.equals("/echo")) {
        request.response().end("you sent " + request.getHeader("Authorization"));
      } else if (path.equals("/big")) {
        request.response().end("x".repeat(200 * 1024));
      } else if (path.equals("/hang")) {
        request.connection().closeHandler(v -> abandoned.incrementAndGet());
      } else {
        request.response().end("accepted");
      }
    });
  }
}

package io.switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;

/**
 * The ceiling: a Vert.x 5 HTTP server that reads each request's body and answers {@code 200} with an
 * empty body, nothing else. {@code run.sh} also starts one as the sink for Switchboard's replies to
 * {@code response_url}.
 *
 * <p>Arguments: {@code <port> [host]} (host 127.0.0.1 by default). One event loop, as Switchboard's
 * HTTP server gets on a one-core {@code taskset}.
 */
public final class BareServer {

  private BareServer() {
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    String host = args.length > 1 ? args[1] : "127.0.0.1";
    Vertx vertx = Vertx.vertx();
    vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(request -> request.end().onComplete(done -> request.response().setStatusCode(200).end()))
        .listen()
        .onSuccess(server -> System.out.println("bare Vert.x server listening on " + host + ":" + server.actualPort()))
        .onFailure(failure -> {
          System.err.println("bare Vert.x server cannot listen on " + host + ":" + port + ": " + failure);
          System.exit(1);
        });
  }
}

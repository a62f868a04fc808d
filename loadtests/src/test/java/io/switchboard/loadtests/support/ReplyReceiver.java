package io.switchboard.loadtests.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Stands in for Slack's {@code response_url}s: a JDK {@code HttpServer} on {@code 127.0.0.1:port}
 * that hands every POST (path, body, arrival time) to a handler and answers 200 {@code ok}, so the
 * server never retries. Start the node with {@code SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES=} this
 * receiver's {@link #baseUrl()} followed by a slash, or it refuses the commands' {@code response_url}.
 */
public final class ReplyReceiver implements AutoCloseable {

  /** One POST: the request path, the body as text, and {@link System#nanoTime()} when it was read. */
  public record Post(String path, String body, long receivedNanos) {

    /** The last path segment ({@code /reply/<key>} gives {@code <key>}). */
    public String lastSegment() {
      return path.substring(path.lastIndexOf('/') + 1);
    }
  }

  private final int port;
  private final HttpServer server;
  private final ExecutorService executor;

  private ReplyReceiver(int port, HttpServer server, ExecutorService executor) {
    this.port = port;
    this.server = server;
    this.executor = executor;
  }

  /** Listens on {@code 127.0.0.1:port}; fails with a clear message when the port is taken. */
  public static ReplyReceiver start(int port, Consumer<Post> handler) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the reply receiver on 127.0.0.1:" + port
          + " (is the port in use? choose another with -DreplyPort=... and start the node with a matching "
          + "SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES)", e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "reply-receiver");
      t.setDaemon(true);
      return t;
    });
    server.createContext("/", exchange -> receive(exchange, handler));
    server.setExecutor(executor);
    server.start();
    return new ReplyReceiver(port, server, executor);
  }

  /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void receive(HttpExchange exchange, Consumer<Post> handler) throws IOException {
    try (exchange) {
      byte[] payload;
      try (InputStream in = exchange.getRequestBody()) {
        payload = in.readAllBytes();
      }
      long now = System.nanoTime();
      if ("POST".equalsIgnoreCase(exchange.getRequestMethod())) {
        try {
          handler.accept(new Post(exchange.getRequestURI().getPath(), new String(payload, StandardCharsets.UTF_8), now));
        } catch (RuntimeException e) { // answered 200 all the same: a retry would not help
          System.err.println("The reply receiver could not record a post to " + exchange.getRequestURI() + ": " + e);
        }
      }
      byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(200, ok.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(ok);
      }
    }
  }
}

package io.switchboard.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * The JDK HTTP server under the stand-ins that are built on it: bound to the loopback address, on a
 * free port unless told one, over HTTP or (with an {@link SSLContext}) HTTPS, with a handler per
 * path prefix (the longest matching prefix answers, as the JDK server chooses). Also the answer and
 * form helpers those stand-ins share.
 */
public final class LoopbackHttpServer implements AutoCloseable {

  /** The media type of a JSON answer. */
  public static final String JSON = "application/json";
  /** The media type of a JSON answer, with its charset named. */
  public static final String JSON_UTF8 = "application/json; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private LoopbackHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** A plain HTTP server on a free loopback port, on the JDK server's default (single) thread. */
  public static LoopbackHttpServer start(Map<String, HttpHandler> handlers) {
    return start(0, null, null, handlers);
  }

  /**
   * A server on loopback {@code port} (0: a free one), over HTTPS with {@code tls} (null: plain HTTP),
   * answering on {@code executor}'s threads (null: the JDK server's default), which {@link #close()}
   * shuts down.
   */
  public static LoopbackHttpServer start(int port, SSLContext tls, ExecutorService executor,
                                         Map<String, HttpHandler> handlers) {
    try {
      InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      HttpServer server;
      if (tls == null) {
        server = HttpServer.create(loopback, 0);
      } else {
        HttpsServer https = HttpsServer.create(loopback, 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        server = https;
      }
      if (executor != null) {
        server.setExecutor(executor);
      }
      handlers.forEach(server::createContext);
      server.start();
      return new LoopbackHttpServer(server, executor);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:<port>}, or {@code https://...} for a TLS server. */
  public String url() {
    return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + port();
  }

  @Override
  public void close() {
    server.stop(0);
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /**
   * Answers {@code status} with {@code body} as UTF-8, of {@code contentType} (null: no Content-Type
   * header). Leaves the exchange open: the caller closes it.
   */
  public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    respond(exchange, status, contentType, Map.of(), body);
  }

  /** Like {@link #respond(HttpExchange, int, String, String)}, with more headers. */
  public static void respond(HttpExchange exchange, int status, String contentType, Map<String, String> headers,
                             String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (contentType != null) {
      exchange.getResponseHeaders().add("Content-Type", contentType);
    }
    headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** Like {@link #respond(HttpExchange, int, String, Map, String)}, and closes the exchange. */
  public static void respondAndClose(HttpExchange exchange, int status, String contentType, Map<String, String> headers,
                                     String body) throws IOException {
    respond(exchange, status, contentType, headers, body);
    exchange.close();
  }

  /** The fields of a form-encoded body; a pair without {@code =} or with an empty name is left out. */
  public static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }
}

package io.switchboard.testkit.slack;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.testkit.LoopbackHttpServer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback stand-in for Slack's {@code response_url} endpoints (hooks.slack.com/commands/...):
 * accepts JSON message posts and answers {@code 200 ok} as Slack does, records every post, and can
 * be told to fail the next posts with 500 to exercise retries, or to hold its answers (a post is
 * recorded when it arrives, as Slack shows it, and answered when released).
 */
public final class SlackResponseUrlServer implements AutoCloseable {

  /** One message posted to a response URL. */
  public record Post(String path, JsonObject message) {
  }

  private final LoopbackHttpServer server;
  private final List<Post> posts = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresToGo = new AtomicInteger();
  private volatile CountDownLatch answers = new CountDownLatch(0);

  private SlackResponseUrlServer() {
    this.server = LoopbackHttpServer.start(Map.of("/commands/", this::handle));
  }

  public static SlackResponseUrlServer start() {
    return new SlackResponseUrlServer();
  }

  /** The prefix to allow in {@code SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES}. */
  public String prefix() {
    return server.url() + "/commands/";
  }

  /** A fresh response URL, as Slack gives one per command. */
  public String responseUrl(String id) {
    return prefix() + "T0/" + id;
  }

  public void failNext(int count) {
    failuresToGo.set(count);
  }

  /** How many of the failures {@link #failNext} asked for are still to come. */
  public int failuresPending() {
    return failuresToGo.get();
  }

  /** Posts arriving from now on are recorded but not answered until {@link #releaseAnswers()}. */
  public void holdAnswers() {
    answers = new CountDownLatch(1);
  }

  public void releaseAnswers() {
    answers.countDown();
  }

  public List<Post> posts() {
    return List.copyOf(posts);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    int status;
    String answer;
    if (!"POST".equals(exchange.getRequestMethod()) || contentType == null || !contentType.startsWith("application/json")) {
      status = 400;
      answer = "invalid_payload";
    } else if (failuresToGo.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      status = 500;
      answer = "internal_error";
    } else {
      posts.add(new Post(exchange.getRequestURI().getPath(), new JsonObject(new String(body, StandardCharsets.UTF_8))));
      status = 200;
      answer = "ok";
      try {
        answers.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    LoopbackHttpServer.respondAndClose(exchange, status, null, Map.of(), answer);
  }

  @Override
  public void close() {
    server.close();
  }
}

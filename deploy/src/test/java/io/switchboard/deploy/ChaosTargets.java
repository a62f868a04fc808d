package io.switchboard.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loopback targets of {@link ChaosTest} and {@link LocalClusterIT}, both slow enough that a kill lands mid-call:
 * <ul>
 *   <li>a ledger at {@code /effect} for the {@code http} action: records every call with its
 *       {@code Idempotency-Key}, so the test can count effects (one per key, as an idempotent target
 *       would apply them) apart from repeats (each must be a recorded attempt);</li>
 *   <li>Slack's {@code response_url} at {@code /commands/}: records each result when it arrives (Slack
 *       shows a message once it has it, whether or not the sender hears back).</li>
 * </ul>
 */
final class ChaosTargets implements AutoCloseable {

  /** One call of the {@code http} action. */
  record Call(String idempotencyKey, String body) {
  }

  /** One result (or a digest of several) posted to a response URL, and when it arrived. */
  record Reply(JsonObject message, java.time.Instant at) {
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Reply> replies = new CopyOnWriteArrayList<>();
  private final Duration effectTime;
  private final Duration replyTime;
  private final java.util.concurrent.atomic.AtomicInteger repliesCutOff = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger repliesHeld = new java.util.concurrent.atomic.AtomicInteger();
  private volatile java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(0);

  private ChaosTargets(Duration effectTime, Duration replyTime) {
    this.effectTime = effectTime;
    this.replyTime = replyTime;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(threads);
    server.createContext("/effect", this::effect);
    server.createContext("/commands/", this::reply);
    server.start();
  }

  static ChaosTargets start(Duration effectTime, Duration replyTime) {
    return new ChaosTargets(effectTime, replyTime);
  }

  String effectUrl() {
    return base() + "/effect";
  }

  /** The prefix to allow in {@code SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES}. */
  String responseUrlPrefix() {
    return base() + "/commands/";
  }

  String responseUrl(String id) {
    return responseUrlPrefix() + "T0DEMO/" + id;
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  List<Reply> replies() {
    return List.copyOf(replies);
  }

  /**
   * Gives the demo tenant, through the admin API of the gateway at {@code gatewayUrl}, a policy with
   * one command, {@code hook <n>}, whose {@code http} action posts {@code {"n": n}} to the ledger,
   * which Slack user {@code user} may run, with rate limits out of the way and up to 20 attempts.
   */
  void installHookPolicy(String gatewayUrl, String adminToken, String user) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String base = gatewayUrl + "/api/v1/policy";
    HttpResponse<String> current = http.send(HttpRequest.newBuilder(URI.create(base))
        .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
    JsonObject unlimited = new JsonObject().put("burst", 100_000).put("perMinute", 100_000);
    JsonObject policy = new JsonObject()
        .put("commands", new JsonArray().add(new JsonObject()
            .put("name", "hook").put("description", "Calls the chaos ledger").put("readOnly", true)
            .put("examples", new JsonArray().add("hook 1"))
            .put("arguments", new JsonArray().add(new JsonObject().put("name", "n").put("type", "integer").put("min", 1)))
            .put("action", new JsonObject().put("type", "http").put("parameters", new JsonObject()
                .put("method", "POST").put("url", effectUrl()).put("body", new JsonObject().put("n", "{{n}}"))))
            .put("maxAttempts", 20)))
        .put("roles", new JsonArray().add(new JsonObject().put("name", "operator")
            .put("permissions", new JsonArray().add(new JsonObject().put("commands", new JsonArray().add("hook"))))))
        .put("bindings", new JsonArray().add(new JsonObject().put("role", "operator")
            .put("subjects", new JsonArray().add("slack:user:" + user))))
        .put("rateLimits", new JsonObject().put("tenant", unlimited).put("user", unlimited).put("channel", unlimited));
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base))
        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
        .header("If-Match", current.headers().firstValue("ETag").orElseThrow())
        .PUT(HttpRequest.BodyPublishers.ofString(policy.encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
  }

  /** From now on, results are recorded but not answered until {@link #releaseReplies}: their senders hold them. */
  void holdReplies() {
    held = new java.util.concurrent.CountDownLatch(1);
  }

  void releaseReplies() {
    held.countDown();
  }

  /** Results being held unanswered right now. */
  int repliesHeld() {
    return repliesHeld.get();
  }

  /** Results whose sender was gone when the answer was due: a killed gateway held them. */
  int repliesCutOff() {
    return repliesCutOff.get();
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void effect(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    calls.add(new Call(exchange.getRequestHeaders().getFirst("Idempotency-Key"), body));
    answerAfter(exchange, effectTime, "applied");
  }

  private void reply(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    replies.add(new Reply(new JsonObject(new String(body, StandardCharsets.UTF_8)), java.time.Instant.now()));
    repliesHeld.incrementAndGet();
    try {
      held.await(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      repliesHeld.decrementAndGet();
    }
    if (!answerAfter(exchange, replyTime, "ok")) {
      repliesCutOff.incrementAndGet();
    }
  }

  /** Answers after {@code delay}; false when the caller was gone (what it sent is recorded, as the real target would have it). */
  private static boolean answerAfter(HttpExchange exchange, Duration delay, String answer) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    byte[] out = answer.getBytes(StandardCharsets.UTF_8);
    try (exchange) {
      exchange.sendResponseHeaders(200, out.length);
      exchange.getResponseBody().write(out);
      exchange.getResponseBody().flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}

package io.switchboard.testkit.prometheus;

import io.switchboard.testkit.Await;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback stand-in for the Prometheus HTTP API's instant query, as documented at
 * https://prometheus.io/docs/prometheus/latest/querying/api/: {@code GET /api/v1/query} with
 * {@code query} and optional {@code time} (RFC 3339 or Unix seconds) parameters, answering
 * {@code {"status":"success","data":{"resultType":...,"result":...}}}, or
 * {@code {"status":"error","errorType":...,"error":...}} with 400 (bad parameters), 422 (cannot be
 * executed) or 503 (timed out or aborted). Answers are canned per query; an unknown query matches no
 * series. It can also play an authenticating reverse proxy (401 without the expected bearer token),
 * an unavailable server, a proxy's HTML error page, and a server that never answers.
 */
public final class FakePrometheus {

  /** What a request looked like when it arrived. */
  public record Seen(String method, String path, MultiMap params, MultiMap headers) {
  }

  private record Canned(int status, JsonObject body) {
  }

  public final List<Seen> requests = new CopyOnWriteArrayList<>();
  public final AtomicInteger closedWhileHanging = new AtomicInteger();
  private final Map<String, Canned> answers = new ConcurrentHashMap<>();
  private volatile String requiredToken;
  private volatile boolean hang;
  private volatile int rawStatus;
  private volatile String rawBody;
  private final HttpServer server;

  public FakePrometheus(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(this::handle);
    Await.result(server.listen(0, "127.0.0.1"));
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public void close() {
    Await.result(server.close());
  }

  /** A successful answer to {@code query}. */
  public FakePrometheus answer(String query, String resultType, Object result) {
    answers.put(query, new Canned(200, new JsonObject().put("status", "success")
        .put("data", new JsonObject().put("resultType", resultType).put("result", result))));
    return this;
  }

  /** Adds Prometheus's optional {@code warnings} member to the canned answer to {@code query}. */
  public FakePrometheus warn(String query, String warning) {
    JsonObject body = answers.get(query).body();
    if (!body.containsKey("warnings")) {
      body.put("warnings", new JsonArray());
    }
    body.getJsonArray("warnings").add(warning);
    return this;
  }

  /** An error answer to {@code query}, e.g. 422 / execution. */
  public FakePrometheus reject(String query, int status, String errorType, String error) {
    answers.put(query, new Canned(status, error(errorType, error)));
    return this;
  }

  /** Every query is answered with this non-API status and body (e.g. a proxy's error page). */
  public FakePrometheus raw(int status, String body) {
    rawStatus = status;
    rawBody = body;
    return this;
  }

  public FakePrometheus requireToken(String token) {
    requiredToken = token;
    return this;
  }

  public FakePrometheus hang() {
    hang = true;
    return this;
  }

  public static JsonObject sample(Map<String, String> labels, String value) {
    JsonObject metric = new JsonObject();
    labels.forEach(metric::put);
    return new JsonObject().put("metric", metric).put("value", new JsonArray().add(1714564800.123).add(value));
  }

  private static JsonObject error(String errorType, String error) {
    return new JsonObject().put("status", "error").put("errorType", errorType).put("error", error);
  }

  private void handle(HttpServerRequest request) {
    requests.add(new Seen(request.method().name(), request.path(), MultiMap.caseInsensitiveMultiMap()
        .addAll(request.params()), MultiMap.caseInsensitiveMultiMap().addAll(request.headers())));
    String token = requiredToken;
    if (token != null && !("Bearer " + token).equals(request.getHeader("Authorization"))) {
      request.response().setStatusCode(401).putHeader("Content-Type", "text/plain").end("Unauthorized\n");
      return;
    }
    if (hang) {
      request.response().closeHandler(v -> closedWhileHanging.incrementAndGet());
      return;
    }
    if (rawBody != null) {
      request.response().setStatusCode(rawStatus).putHeader("Content-Type", "text/html").end(rawBody);
      return;
    }
    if (!request.path().equals("/api/v1/query")) {
      request.response().setStatusCode(404).end("404 page not found\n");
      return;
    }
    if (!"GET".equals(request.method().name()) && !"POST".equals(request.method().name())) {
      request.response().setStatusCode(405).end();
      return;
    }
    String query = request.getParam("query");
    if (query == null || query.isEmpty()) {
      json(request, 400, error("bad_data", "invalid parameter \"query\": 1:1: parse error: no expression found in input"));
      return;
    }
    String time = request.getParam("time");
    if (time != null && !validTime(time)) {
      json(request, 400, error("bad_data", "invalid parameter \"time\": cannot parse \"" + time + "\" to a valid timestamp"));
      return;
    }
    Canned canned = answers.get(query);
    if (canned == null) {
      json(request, 200, new JsonObject().put("status", "success")
          .put("data", new JsonObject().put("resultType", "vector").put("result", new JsonArray())));
      return;
    }
    json(request, canned.status(), canned.body());
  }

  private static boolean validTime(String time) {
    try {
      OffsetDateTime.parse(time, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      return true;
    } catch (DateTimeParseException e) {
      try {
        Double.parseDouble(time);
        return true;
      } catch (NumberFormatException notNumber) {
        return false;
      }
    }
  }

  private static void json(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}

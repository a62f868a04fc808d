package io.switchboard.executor.action.prometheus;

import io.switchboard.executor.action.Action;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionHttpClient;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.tenancy.secrets.SecretStoreException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * Runs one instant PromQL query ({@code GET /api/v1/query}) and formats the answer for chat:
 * read-only monitoring.
 *
 * <p>Arguments: {@code query} (PromQL, required), {@code time} (RFC 3339, optional; default: now on
 * the server), {@code tokenSecret} (optional: the name of the tenant secret holding a bearer token,
 * sent as {@code Authorization: Bearer ...}). Node settings: {@link PrometheusSettings}.
 *
 * <p>Outcomes: a bad query (HTTP 400 {@code bad_data}, 422 {@code execution}) is a final failure
 * quoting Prometheus's error; an unavailable server (503, other 5xx, 429, connection refused, time
 * limit) is a retryable failure. A query is read-only, so no idempotency key is sent: re-running it
 * is harmless. When {@link ActionContext#stop()} completes the request in flight is reset.
 */
public final class PrometheusQueryAction implements Action {

  public static final String TYPE = "prometheus";

  private static final Set<String> ARGUMENTS = Set.of("query", "time", "tokenSecret");
  private static final int MAX_QUERY_LENGTH = 10_000;
  private static final int MAX_OUTPUT_CHARS = 3_000;
  private static final int MAX_LINE_CHARS = 300;
  private static final int MAX_WARNINGS = 3;

  private final PrometheusSettings settings;
  private final ActionHttpClient clients;

  public PrometheusQueryAction(PrometheusSettings settings) {
    this.settings = settings;
    this.clients = new ActionHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis())));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Future<ActionResult> run(ActionContext context) {
    JsonObject args = context.arguments() == null ? new JsonObject() : context.arguments();
    for (String name : args.fieldNames()) {
      if (!ARGUMENTS.contains(name)) {
        return done(ActionResult.failure("prometheus: unknown argument '" + name
            + "' (it takes 'query', 'time' and 'tokenSecret')"));
      }
    }
    Object queryValue = args.getValue("query");
    if (!(queryValue instanceof String query) || query.isBlank()) {
      return done(ActionResult.failure("prometheus needs a 'query' argument: a PromQL expression, e.g. \"up\""));
    }
    if (query.length() > MAX_QUERY_LENGTH) {
      return done(ActionResult.failure("prometheus: the 'query' argument is longer than " + MAX_QUERY_LENGTH
          + " characters"));
    }
    Object timeValue = args.getValue("time");
    if (timeValue != null) {
      if (!(timeValue instanceof String time) || !isRfc3339(time)) {
        return done(ActionResult.failure("prometheus: the 'time' argument must be an RFC 3339 timestamp such as "
            + "\"2024-05-01T12:00:00Z\", not " + describe(timeValue)));
      }
    }
    Object secretValue = args.getValue("tokenSecret");
    if (secretValue != null && (!(secretValue instanceof String secretName) || secretName.isBlank())) {
      return done(ActionResult.failure("prometheus: the 'tokenSecret' argument must be the name of a secret, not "
          + describe(secretValue)));
    }
    if (context.stop().isComplete()) {
      return done(ActionResult.failure("prometheus: stopped before the query was sent: " + context.stop().result()));
    }
    String secretName = (String) secretValue;
    Future<String> token = secretName == null ? Future.succeededFuture(null) : context.secrets().get(secretName);
    return token.transform(read -> {
      if (read.failed()) {
        return done(secretFailure(secretName, read.cause()));
      }
      return query(context, query.strip(), (String) timeValue, read.result());
    });
  }

  private Future<ActionResult> query(ActionContext context, String query, String time, String token) {
    String uri = settings.queryEndpoint() + "?query=" + encode(query) + (time == null ? "" : "&time=" + encode(time));
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setAbsoluteURI(uri)
        .setTimeout(settings.timeout().toMillis())
        .putHeader("Accept", "application/json");
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    Promise<ActionResult> result = Promise.promise();
    context.stop().onSuccess(reason -> result.tryComplete(ActionResult.failure("prometheus: stopped: " + reason)));
    client(context.vertx()).request(options).compose(request -> {
      // Reset the request in flight as soon as the job must stop (also if it already had to).
      context.stop().onComplete(stopped -> request.reset());
      return send(request);
    }).onComplete(answer -> {
      if (answer.succeeded()) {
        result.tryComplete(interpret(query, time, answer.result().status(), answer.result().body()));
      } else {
        result.tryComplete(transportFailure(answer.cause()));
      }
    });
    return result.future();
  }

  private record Answer(int status, Buffer body) {
  }

  private static Future<Answer> send(HttpClientRequest request) {
    return ActionHttpClient.exchange(request, null,
        response -> response.body().map(body -> new Answer(response.statusCode(), body)));
  }

  // ------------------------------------------------------------------ interpreting the answer

  private ActionResult interpret(String query, String time, int status, Buffer body) {
    JsonObject json = null;
    try {
      if (body.length() > 0) {
        json = new JsonObject(body);
      }
    } catch (DecodeException | ClassCastException e) {
      // not JSON: a proxy's error page, say; handled by status below
    }
    if (json != null && "error".equals(json.getValue("status"))) {
      String error = "Prometheus " + (json.getValue("errorType") == null ? "error" : json.getValue("errorType"))
          + " (HTTP " + status + "): " + oneLine(String.valueOf(json.getValue("error")), 500);
      return transient_(status) ? ActionResult.retryableFailure(error) : ActionResult.failure(error);
    }
    if (status == 200 && json != null && "success".equals(json.getValue("status"))
        && json.getValue("data") instanceof JsonObject data) {
      try {
        return ActionResult.success(format(query, time, data, json));
      } catch (ClassCastException | IllegalArgumentException | IndexOutOfBoundsException | NullPointerException e) {
        return ActionResult.failure("Prometheus answered with a result this action does not understand: "
            + oneLine(body.toString(), 200));
      }
    }
    if (status == 401 || status == 403) {
      return ActionResult.failure("Prometheus refused the request (HTTP " + status + "): check the bearer token "
          + "named by 'tokenSecret'");
    }
    String error = "Prometheus answered HTTP " + status + " without a query result"
        + (body.length() == 0 ? "" : ": " + oneLine(body.toString(), 200));
    return transient_(status) ? ActionResult.retryableFailure(error) : ActionResult.failure(error);
  }

  private static boolean transient_(int status) {
    return status == 429 || status >= 500;
  }

  private String format(String query, String time, JsonObject data, JsonObject answer) {
    String type = data.getString("resultType");
    String head = "`" + oneLine(query, 200) + "`" + (time == null ? "" : " at " + time) + " → ";
    List<String> lines = new ArrayList<>();
    switch (type == null ? "" : type) {
      case "scalar" -> lines.add(head + "scalar " + data.getJsonArray("result").getValue(1));
      case "string" -> lines.add(head + "string " + oneLine(String.valueOf(data.getJsonArray("result").getValue(1)),
          MAX_LINE_CHARS));
      case "vector", "matrix" -> series(head, type, data.getJsonArray("result"), lines);
      default -> throw new IllegalArgumentException("unknown resultType " + type);
    }
    for (String key : List.of("warnings", "infos")) {
      if (answer.getValue(key) instanceof JsonArray notes) {
        for (int i = 0; i < notes.size() && i < MAX_WARNINGS; i++) {
          lines.add((key.equals("warnings") ? "warning: " : "info: ") + oneLine(String.valueOf(notes.getValue(i)),
              MAX_LINE_CHARS));
        }
      }
    }
    return String.join("\n", lines);
  }

  private record Row(String metric, String value) {
  }

  private void series(String head, String type, JsonArray result, List<String> lines) {
    boolean matrix = type.equals("matrix");
    if (result.isEmpty()) {
      lines.add(head + "no data (the query matched no series)");
      return;
    }
    List<Row> rows = new ArrayList<>(result.size());
    for (int i = 0; i < result.size(); i++) {
      JsonObject entry = result.getJsonObject(i);
      String metric = metric(entry.getJsonObject("metric", new JsonObject()));
      String value;
      if (matrix) {
        JsonArray values = entry.getJsonArray("values", new JsonArray());
        JsonArray last = values.isEmpty() ? null : values.getJsonArray(values.size() - 1);
        value = (last == null ? "-" : String.valueOf(last.getValue(1)))
            + "  (" + values.size() + (values.size() == 1 ? " sample)" : " samples)");
      } else {
        value = String.valueOf(entry.getJsonArray("value").getValue(1));
      }
      rows.add(new Row(oneLine(metric, MAX_LINE_CHARS), value));
    }
    rows.sort(Comparator.comparing(Row::metric));
    int n = rows.size();
    lines.add(head + n + " series" + (matrix ? " (range; last sample shown)" : ""));
    int width = 0;
    int shown = Math.min(n, settings.maxSeries());
    for (int i = 0; i < shown; i++) {
      width = Math.max(width, rows.get(i).metric().length());
    }
    int used = lines.get(0).length();
    int listed = 0;
    for (int i = 0; i < shown; i++) {
      Row row = rows.get(i);
      String line = row.metric() + " ".repeat(width - row.metric().length()) + "  " + row.value();
      if (used + line.length() + 1 > MAX_OUTPUT_CHARS - 60) {
        break;
      }
      lines.add(line);
      used += line.length() + 1;
      listed++;
    }
    if (listed < n) {
      lines.add("… and " + (n - listed) + " more");
    }
  }

  /** {@code name{a="1", b="2"}} in Prometheus's notation, labels sorted by name. */
  static String metric(JsonObject labels) {
    Map<String, String> sorted = new TreeMap<>();
    labels.forEach(e -> sorted.put(e.getKey(), String.valueOf(e.getValue())));
    String name = sorted.remove("__name__");
    StringBuilder text = new StringBuilder(name == null ? "" : name);
    if (!sorted.isEmpty() || name == null) {
      text.append('{');
      boolean first = true;
      for (Map.Entry<String, String> label : sorted.entrySet()) {
        if (!first) {
          text.append(", ");
        }
        first = false;
        text.append(label.getKey()).append("=\"").append(label.getValue()
            .replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
      }
      text.append('}');
    }
    return text.toString();
  }

  // ------------------------------------------------------------------ failures

  private static ActionResult transportFailure(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return ActionResult.retryableFailure("Prometheus is unreachable: " + oneLine(t.getMessage(), 300));
      }
      if (t instanceof UnknownHostException) {
        return ActionResult.retryableFailure("Prometheus's host is unknown: " + oneLine(t.getMessage(), 300));
      }
      if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
        return ActionResult.retryableFailure("Prometheus did not answer in time: " + oneLine(t.getMessage(), 300));
      }
    }
    return ActionResult.retryableFailure("the request to Prometheus failed: "
        + oneLine(String.valueOf(cause.getMessage()), 300));
  }

  private static ActionResult secretFailure(String name, Throwable cause) {
    String message = "prometheus: cannot read the token secret: " + cause.getMessage();
    if (cause instanceof SecretStoreException store && store.reason() == SecretStoreException.Reason.UNAVAILABLE) {
      return ActionResult.retryableFailure(message);
    }
    if (cause instanceof IllegalStateException || cause instanceof IllegalArgumentException
        || cause instanceof SecretStoreException) {
      return ActionResult.failure(message);
    }
    return ActionResult.retryableFailure("prometheus: the secret store failed reading '" + name + "'");
  }

  // ------------------------------------------------------------------ helpers

  private HttpClient client(Vertx vertx) {
    return clients.on(vertx);
  }

  private static boolean isRfc3339(String time) {
    try {
      OffsetDateTime.parse(time, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String describe(Object value) {
    return value instanceof String s ? "'" + oneLine(s, 80) + "'" : "a " + (value == null ? "null"
        : value instanceof JsonObject ? "JSON object" : value instanceof JsonArray ? "JSON array"
        : value.getClass().getSimpleName().toLowerCase());
  }

  private static String oneLine(String text, int max) {
    String flat = text == null ? "" : text.replaceAll("\\s+", " ").strip();
    return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
  }

  private static Future<ActionResult> done(ActionResult result) {
    return Future.succeededFuture(result);
  }
}

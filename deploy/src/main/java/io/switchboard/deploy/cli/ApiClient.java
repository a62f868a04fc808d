package io.switchboard.deploy.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The admin REST API over blocking HTTP ({@link HttpClient}, on the CLI's own thread: nothing here
 * runs on a Vert.x event loop). An answer of 400 or more becomes a {@link CliFailure} with the
 * problem's {@code detail}, the {@link Exit} code for its status and a hint for what to do. The
 * token is sent, never shown.
 */
final class ApiClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final ConnectionOptions.Connection connection;

  ApiClient(ConnectionOptions.Connection connection) {
    this.connection = connection;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** An answer below 400. */
  record Response(int status, String body, Optional<String> etag) {

    JsonObject json() {
      return new JsonObject(body);
    }
  }

  Response get(String path) {
    return send("GET", path, null, Map.of());
  }

  Response post(String path, JsonObject body) {
    return send("POST", path, body == null ? null : body.encode(), Map.of());
  }

  Response delete(String path) {
    return send("DELETE", path, null, Map.of());
  }

  Response send(String method, String path, String body, Map<String, String> headers) {
    HttpResponse<String> response = exchange(request(method, path, body, headers),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (response.statusCode() >= 400) {
      throw failure(response.statusCode(), response.body());
    }
    return new Response(response.statusCode(), response.body(), response.headers().firstValue("ETag"));
  }

  /**
   * Hands an answer below 400 to {@code lines} line by line as it arrives (an audit export, however
   * long); the timeout covers the wait for its start only. An answer that breaks off is a failure.
   */
  void download(String path, Consumer<String> lines) {
    HttpResponse<Stream<String>> response = exchange(request("GET", path, null, Map.of()),
        HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> body = response.body()) {
      if (response.statusCode() >= 400) {
        throw failure(response.statusCode(), body.collect(Collectors.joining("\n")));
      }
      body.forEach(lines);
    } catch (UncheckedIOException e) {
      throw unreachable("the answer broke off: " + e.getCause().getMessage());
    }
  }

  private HttpRequest request(String method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(connection.base() + path))
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + connection.token())
        .header("Accept", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    return request.build();
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("no connection within 10 s");
    } catch (HttpTimeoutException e) {
      throw unreachable("no answer within " + TIMEOUT.toSeconds() + " s");
    } catch (ConnectException e) {
      throw unreachable("connection refused");
    } catch (IOException e) {
      throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(Exit.FAILED, "interrupted");
    }
  }

  private CliFailure unreachable(String why) {
    return new CliFailure(Exit.UNREACHABLE, "cannot reach Switchboard at " + connection.base() + " (" + why
        + "). Is it running there? The address came from " + connection.urlSource()
        + "; set --url or SWITCHBOARD_URL to another");
  }

  private CliFailure failure(int status, String body) {
    JsonObject problem = problem(body);
    StringBuilder message = new StringBuilder(Optional.ofNullable(problem.getString("detail"))
        .or(() -> Optional.ofNullable(problem.getString("title"))).orElse("HTTP " + status));
    message.append(" (HTTP ").append(status).append(Optional.ofNullable(problem.getString("code"))
        .map(code -> " " + code).orElse("")).append(')');
    JsonArray problems = problem.getJsonArray("problems");
    if (problems != null) {
      problems.forEach(item -> message.append(System.lineSeparator()).append("  ").append(item));
    }
    return switch (status) {
      case 401 -> new CliFailure(Exit.UNAUTHORISED, status, message + ". The token from " + connection.tokenSource()
          + " was refused: it is mistyped, revoked, or of another Switchboard; get a valid one (tokens create, "
          + "or ask the operator) and set it");
      case 403 -> new CliFailure(Exit.UNAUTHORISED, status, message + ". The token from " + connection.tokenSource()
          + " may not do this: tenants commands and --tenant need the operator token (SWITCHBOARD_OPERATOR_TOKEN), "
          + "the others a tenant admin token (SWITCHBOARD_TOKEN); a suspended tenant's tokens are refused until "
          + "the operator resumes it");
      case 404 -> new CliFailure(Exit.NOT_FOUND, status, message.toString());
      case 409, 412, 428 -> new CliFailure(Exit.CONFLICT, status, message.toString());
      default -> new CliFailure(Exit.FAILED, status, message.toString());
    };
  }

  private static JsonObject problem(String body) {
    try {
      return body == null || body.isBlank() ? new JsonObject() : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      return new JsonObject();
    }
  }

  /** {@code ?a=1&b=x} of the values that are set, URL-encoded; empty when none is. */
  static String query(Map<String, Object> parameters) {
    StringBuilder query = new StringBuilder();
    parameters.forEach((name, value) -> {
      if (value != null) {
        query.append(query.length() == 0 ? '?' : '&').append(name).append('=')
            .append(URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
      }
    });
    return query.toString();
  }

  /** An ordered map for {@link #query}, which keeps nulls out. */
  static Map<String, Object> parameters(Object... namesAndValues) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      parameters.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return parameters;
  }

  /** A path segment, URL-encoded. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}

package io.switchboard.gateway.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;

/**
 * A browser of the sandbox page as seen by its API: it keeps the session cookie and sends what the page sends.
 * Public for tests of whole nodes (deploy's {@code SandboxTourTest}).
 */
public final class SandboxVisitor {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String baseUrl;
  private Optional<String> cookie = Optional.empty();

  public SandboxVisitor(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** A visitor whose cookie is {@code value} (say, a forged one). */
  public SandboxVisitor withCookie(String value) {
    SandboxVisitor other = new SandboxVisitor(baseUrl);
    other.cookie = Optional.of(value);
    return other;
  }

  public Optional<String> cookie() {
    return cookie;
  }

  /** Picks the demo user; keeps the cookie it is given. */
  public HttpResponse<String> pick(String user) {
    HttpResponse<String> response = post("/sandbox/api/session", new JsonObject().put("user", user).encode());
    response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(SandboxChat.COOKIE + "="))
        .findFirst().ifPresent(c -> cookie = Optional.of(c.substring(SandboxChat.COOKIE.length() + 1, c.indexOf(';'))));
    return response;
  }

  public HttpResponse<String> command(String text) {
    return post("/sandbox/api/commands", new JsonObject().put("text", text).encode());
  }

  public HttpResponse<String> vote(long approvalId, String vote) {
    return post("/sandbox/api/approvals/" + approvalId + "/" + vote, "{}");
  }

  public HttpResponse<String> post(String path, String json) {
    return send(request(path).header("Content-Type", "application/json").header(SandboxChat.CSRF_HEADER, "1")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public HttpResponse<String> get(String path) {
    return send(request(path).GET());
  }

  /** Every message of the visitor's channel, oldest first. */
  public List<JsonObject> messages() {
    HttpResponse<String> response = get("/sandbox/api/messages?since=0");
    if (response.statusCode() != 200) {
      throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
    }
    JsonArray messages = new JsonObject(response.body()).getJsonArray("messages");
    return messages.stream().map(JsonObject.class::cast).toList();
  }

  /** The texts of the visitor's channel, one line per message (title and output for job cards). */
  public String transcript() {
    StringBuilder text = new StringBuilder();
    for (JsonObject m : messages()) {
      text.append(m.getString("from")).append(": ").append(m.getString("text"));
      if (m.containsKey("title")) {
        text.append(" | ").append(m.getString("title")).append(" | ").append(m.getString("output", ""));
      }
      text.append('\n');
    }
    return text.toString();
  }

  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path));
    cookie.ifPresent(value -> builder.header("Cookie", SandboxChat.COOKIE + "=" + value));
    return builder;
  }

  public static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

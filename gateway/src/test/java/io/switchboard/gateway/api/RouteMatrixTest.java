package io.switchboard.gateway.api;

import io.switchboard.gateway.GatewayFixture;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route the gateway's router actually registers (not only those the API document describes)
 * is in this matrix, with what a caller without any credential gets from it; a route mounted
 * without a row here fails the test, and so does a row whose route is gone. The admin API's routes
 * must each be an operation of the document, whose every operation {@link TenantIsolationTest}
 * calls with every kind of token. The filters mounted on every request (security headers, the
 * admin API's media-type check, body limits, gate and validation) are listed as such.
 * {@link RouteCredentialMatrixTest} gives each of these routes that takes a credential bad ones.
 */
@DisplayName("Route matrix: every registered route is listed, and answers a caller without credentials as listed")
class RouteMatrixTest {

  /** Routes that only filter the requests of others; they answer nothing themselves. */
  private static final Set<String> FILTERS = Set.of("ANY *", "ANY /api/v1/*", "ANY /api/v1/secrets/*", "ANY /",
      "ANY /sandbox/*", "ANY /sandbox/api/*");

  /** What a request without credentials (no signature, token, cookie) gets from each chat, page or operations route. */
  static final Map<String, Integer> UNAUTHENTICATED = new LinkedHashMap<>();

  static {
    UNAUTHENTICATED.put("POST /slack/commands", 401);
    UNAUTHENTICATED.put("POST /slack/interactions", 401);
    UNAUTHENTICATED.put("POST /slack/events", 401);
    UNAUTHENTICATED.put("POST /api/messages", 503);
    UNAUTHENTICATED.put("POST /discord/interactions", 401);
    UNAUTHENTICATED.put("POST /mattermost/commands", 401);
    UNAUTHENTICATED.put("POST /mattermost/actions", 401);
    UNAUTHENTICATED.put("GET /slack/install", 302);
    UNAUTHENTICATED.put("GET /slack/oauth/callback", 400);
    UNAUTHENTICATED.put("GET /slack/manifest", 503);
    UNAUTHENTICATED.put("POST /sandbox/api/session", 403);
    UNAUTHENTICATED.put("GET /sandbox/api/session", 200);
    UNAUTHENTICATED.put("GET /sandbox/api/messages", 401);
    UNAUTHENTICATED.put("POST /sandbox/api/commands", 403);
    UNAUTHENTICATED.put("POST /sandbox/api/approvals/:id/:vote", 403);
    UNAUTHENTICATED.put("GET /", 200);
    UNAUTHENTICATED.put("GET /sandbox/static/*", 200);
    UNAUTHENTICATED.put("GET /health", 200);
    UNAUTHENTICATED.put("GET /ready", 200);
    UNAUTHENTICATED.put("GET /metrics", 200);
  }

  private static GatewayFixture fixture;

  @BeforeAll
  static void start() {
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SANDBOX_ENABLED", "true"));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @Test
  @DisplayName("the router registers exactly the routes of the matrix and of the API document")
  void everyRegisteredRouteIsListed() {
    Set<String> registered = new TreeSet<>(fixture.routes());
    Set<String> api = registered.stream().filter(r -> r.contains(" /api/v1/") && !FILTERS.contains(r))
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> others = new TreeSet<>(registered);
    others.removeAll(api);
    others.removeAll(FILTERS);
    assertThat(others).as("chat, page and operations routes").isEqualTo(new TreeSet<>(UNAUTHENTICATED.keySet()));
    assertThat(api).as("admin API routes, as the document's operations").isEqualTo(documentedOperations());
  }

  @Test
  @DisplayName("each listed route answers a caller without credentials as listed, never with a 500")
  void eachRouteAnswersAsListed() throws Exception {
    HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    for (Map.Entry<String, Integer> row : UNAUTHENTICATED.entrySet()) {
      String method = row.getKey().substring(0, row.getKey().indexOf(' '));
      String path = row.getKey().substring(method.length() + 1).replace(":id", "1").replace(":vote", "approve")
          .replace("*", "app.js");
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fixture.baseUrl() + path));
      request = method.equals("GET") ? request.GET() : request.method(method, HttpRequest.BodyPublishers.ofString(""));
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(row.getKey() + ": " + response.body()).isEqualTo(row.getValue());
    }
  }

  /** "METHOD /api/v1/path/:param" for every operation of the served document. */
  private static Set<String> documentedOperations() {
    JsonObject paths = ApiClient.json(new ApiClient(fixture.baseUrl()).get("/api/v1/openapi.json", null))
        .getJsonObject("paths");
    Set<String> operations = new TreeSet<>();
    paths.forEach(path -> ((JsonObject) path.getValue()).fieldNames().stream()
        .filter(method -> Set.of("get", "put", "post", "delete", "patch").contains(method))
        .forEach(method -> operations.add(method.toUpperCase() + " "
            + path.getKey().replaceAll("\\{([^}]+)}", ":$1"))));
    return operations;
  }
}

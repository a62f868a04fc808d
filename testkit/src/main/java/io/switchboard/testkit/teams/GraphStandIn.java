package io.switchboard.testkit.teams;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.testkit.LoopbackHttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback stand-in for the Microsoft identity platform and Microsoft Graph as the bot's app sees
 * them, following their documented shapes:
 * <ul>
 *   <li>{@code POST /{tenant}/oauth2/v2.0/token}: the client-credentials grant (form-encoded
 *       {@code grant_type}, {@code client_id}, {@code client_secret}, {@code scope}); a token is
 *       valid only in the directory of the tenant it was issued in; an unknown tenant is
 *       {@code 400 invalid_request} (AADSTS90002), bad credentials {@code 401 invalid_client};</li>
 *   <li>{@code POST /v1.0/users/{id}/checkMemberGroups} with {@code {"groupIds":[...]}} (at most 20,
 *       400 {@code Request_BadRequest} otherwise): {@code {"value":[ids the user is in]}}; 401
 *       {@code InvalidAuthenticationToken} without a valid token, 404 {@code Request_ResourceNotFound}
 *       for a user not in the token's tenant, 403 {@code Authorization_RequestDenied} in a tenant whose
 *       admin has not consented, 429 {@code TooManyRequests} with {@code Retry-After: 1} when told to;</li>
 *   <li>{@code GET /v1.0/users/{id}/transitiveMemberOf/microsoft.graph.directoryRole}: the user's
 *       directory roles ({@code directoryRole} objects with {@code id} and {@code roleTemplateId}),
 *       {@value #ROLES_PER_PAGE} a page with an absolute {@code @odata.nextLink} ({@code $skiptoken})
 *       to the next; the same 401, 403, 404 and 429 answers.</li>
 * </ul>
 * Every token request and Graph call is recorded.
 */
public final class GraphStandIn implements AutoCloseable {

  /** One {@code checkMemberGroups} call: the tenant of its token (null if none), user, ids asked, HTTP status. */
  public record Call(String tokenTenant, String user, List<String> groupIds, int status) {
  }

  static final int ROLES_PER_PAGE = 2;

  private final LoopbackHttpServer server;

  private final Map<String, Map<String, Set<String>>> directories = new ConcurrentHashMap<>();
  private final Map<String, List<String>> roles = new ConcurrentHashMap<>();
  private final Set<String> withoutConsent = ConcurrentHashMap.newKeySet();
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> tokenRequests = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger rateLimited = new AtomicInteger();

  private GraphStandIn() {
    this.server = LoopbackHttpServer.start(Map.of("/v1.0/users/", this::checkMemberGroups, "/", this::token));
  }

  public static GraphStandIn start() {
    return new GraphStandIn();
  }

  private String base() {
    return server.url();
  }

  /** The gateway's configuration for this stand-in ({@code SWITCHBOARD_TEAMS_GRAPH_URL}, {@code ..._LOGIN_URL}). */
  public Map<String, String> env() {
    return Map.of("SWITCHBOARD_TEAMS_GRAPH_URL", base(), "SWITCHBOARD_TEAMS_LOGIN_URL", base());
  }

  /** {@code user} is a (transitive) member of {@code groups} in the directory of {@code tenant}. */
  public GraphStandIn member(String tenant, String user, String... groups) {
    directories.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>()).put(user, Set.of(groups));
    return this;
  }

  /** {@code user} of {@code tenant} holds the directory roles of these role template ids (and is in its directory). */
  public GraphStandIn roles(String tenant, String user, String... roleTemplateIds) {
    directories.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>()).putIfAbsent(user, Set.of());
    roles.put(tenant + "/" + user, List.of(roleTemplateIds));
    return this;
  }

  /** The admin of {@code tenant} has not consented to {@code GroupMember.Read.All}: Graph answers 403. */
  public void withoutConsent(String tenant) {
    withoutConsent.add(tenant);
  }

  /** The next {@code times} Graph calls get 429 with {@code Retry-After: 1}. */
  public void rateLimit(int times) {
    rateLimited.set(times);
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String user) {
    return calls.stream().filter(call -> user.equals(call.user())).toList();
  }

  /** Tokens issued for {@code tenant}. */
  public int tokenRequests(String tenant) {
    AtomicInteger count = tokenRequests.get(tenant);
    return count == null ? 0 : count.get();
  }

  private void token(HttpExchange exchange) throws IOException {
    String[] parts = exchange.getRequestURI().getRawPath().split("/");
    // /{tenant}/oauth2/v2.0/token
    if (!"POST".equals(exchange.getRequestMethod()) || parts.length != 5 || !"oauth2".equals(parts[2])
        || !"v2.0".equals(parts[3]) || !"token".equals(parts[4])) {
      respond(exchange, 404, new JsonObject().put("error", "not_found"), Map.of());
      return;
    }
    String tenant = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
    Map<String, String> form = LoopbackHttpServer.form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    if (!directories.containsKey(tenant)) {
      respond(exchange, 400, new JsonObject().put("error", "invalid_request")
          .put("error_description", "AADSTS90002: Tenant '" + tenant + "' not found."), Map.of());
      return;
    }
    if (!"client_credentials".equals(form.get("grant_type")) || !BotFrameworkStandIn.APP_ID.equals(form.get("client_id"))
        || !BotFrameworkStandIn.APP_PASSWORD.equals(form.get("client_secret"))) {
      respond(exchange, 401, new JsonObject().put("error", "invalid_client"), Map.of());
      return;
    }
    if (!"https://graph.microsoft.com/.default".equals(form.get("scope"))) {
      respond(exchange, 400, new JsonObject().put("error", "invalid_scope"), Map.of());
      return;
    }
    int n = tokenRequests.computeIfAbsent(tenant, t -> new AtomicInteger()).incrementAndGet();
    String token = "graph-" + tenant + "-" + n;
    tokens.put(token, tenant);
    respond(exchange, 200, new JsonObject().put("token_type", "Bearer").put("expires_in", 3599)
        .put("ext_expires_in", 3599).put("access_token", token), Map.of());
  }

  private void checkMemberGroups(HttpExchange exchange) throws IOException {
    String[] parts = exchange.getRequestURI().getRawPath().split("/");
    if (parts.length == 6 && "transitiveMemberOf".equals(parts[4]) && "microsoft.graph.directoryRole".equals(parts[5])) {
      directoryRoles(exchange, URLDecoder.decode(parts[3], StandardCharsets.UTF_8));
      return;
    }
    // /v1.0/users/{id}/checkMemberGroups
    if (!"POST".equals(exchange.getRequestMethod()) || parts.length != 5 || !"checkMemberGroups".equals(parts[4])) {
      respond(exchange, 404, graphError("Request_ResourceNotFound"), Map.of());
      return;
    }
    String user = URLDecoder.decode(parts[3], StandardCharsets.UTF_8);
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    String tenant = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
    JsonArray asked = new JsonObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
        .getJsonArray("groupIds", new JsonArray());
    List<String> ids = asked.stream().map(String::valueOf).toList();
    Set<String> groups = tenant == null ? null : directories.get(tenant).get(user);
    Refusal refusal = refusal(tenant);
    int status;
    JsonObject body;
    Map<String, String> headers = Map.of();
    if (refusal != null) {
      status = refusal.status();
      body = refusal.body();
      headers = refusal.headers();
    } else if (ids.isEmpty() || ids.size() > 20) {
      status = 400;
      body = graphError("Request_BadRequest");
    } else if (groups == null) {
      status = 404;
      body = graphError("Request_ResourceNotFound");
    } else {
      status = 200;
      body = new JsonObject().put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)")
          .put("value", new JsonArray(ids.stream().filter(groups::contains).toList()));
    }
    calls.add(new Call(tenant, user, ids, status));
    respond(exchange, status, body, headers);
  }

  private void directoryRoles(HttpExchange exchange, String user) throws IOException {
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    String tenant = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
    String query = exchange.getRequestURI().getRawQuery();
    int from = query != null && query.contains("$skiptoken=")
        ? Integer.parseInt(query.substring(query.indexOf("$skiptoken=") + 11).split("&")[0]) : 0;
    Refusal refusal = "GET".equals(exchange.getRequestMethod()) ? refusal(tenant)
        : new Refusal(405, graphError("Request_BadRequest"), Map.of());
    int status;
    JsonObject body;
    Map<String, String> headers = Map.of();
    if (refusal != null) {
      status = refusal.status();
      body = refusal.body();
      headers = refusal.headers();
    } else if (directories.get(tenant).get(user) == null) {
      status = 404;
      body = graphError("Request_ResourceNotFound");
    } else {
      List<String> held = roles.getOrDefault(tenant + "/" + user, List.of());
      JsonArray page = new JsonArray();
      for (int i = from; i < Math.min(held.size(), from + ROLES_PER_PAGE); i++) {
        page.add(new JsonObject().put("@odata.type", "#microsoft.graph.directoryRole").put("id", "role-object-" + i)
            .put("roleTemplateId", held.get(i)));
      }
      status = 200;
      body = new JsonObject().put("@odata.context",
          "https://graph.microsoft.com/v1.0/$metadata#directoryObjects(microsoft.graph.directoryRole/roleTemplateId)")
          .put("value", page);
      if (from + ROLES_PER_PAGE < held.size()) {
        body.put("@odata.nextLink", base() + exchange.getRequestURI().getRawPath() + "?$select=roleTemplateId&$skiptoken="
            + (from + ROLES_PER_PAGE));
      }
    }
    calls.add(new Call(tenant, user, List.of("directoryRoles"), status));
    respond(exchange, status, body, headers);
  }

  /** What Graph answers before it looks at the question: no token, rate limited, or no consent. */
  private record Refusal(int status, JsonObject body, Map<String, String> headers) {
  }

  /** The refusal a call with a token of {@code tenant} (null: none valid) gets now, or null. */
  private Refusal refusal(String tenant) {
    if (tenant == null) {
      return new Refusal(401, graphError("InvalidAuthenticationToken"), Map.of());
    }
    if (rateLimited.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
      return new Refusal(429, graphError("TooManyRequests"), Map.of("Retry-After", "1"));
    }
    return withoutConsent.contains(tenant) ? new Refusal(403, graphError("Authorization_RequestDenied"), Map.of()) : null;
  }

  private static JsonObject graphError(String code) {
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", code)
        .put("innerError", new JsonObject().put("request-id", "00000000-0000-0000-0000-000000000000")));
  }

  private static void respond(HttpExchange exchange, int status, JsonObject body, Map<String, String> headers)
      throws IOException {
    LoopbackHttpServer.respondAndClose(exchange, status, LoopbackHttpServer.JSON_UTF8, headers, body.encode());
  }

  @Override
  public void close() {
    server.close();
  }
}

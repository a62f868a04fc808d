package io.switchboard.gateway.teams;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Whether a user administers their Teams tenant: Microsoft Graph's
 * {@code GET /v1.0/users/{id}/transitiveMemberOf/microsoft.graph.directoryRole} names the directory
 * roles the user holds, and the Global Administrator or Teams Administrator role (by role template
 * id, the same in every tenant) is what binding the whole Teams tenant to a Switchboard tenant asks.
 * Pages ({@code @odata.nextLink}) are followed up to {@value #MAX_PAGES}. A role without a
 * {@code roleTemplateId} (the app may read too little) counts as no role: nothing unproven passes.
 */
public final class GraphDirectoryRoles {

  /** Global Administrator. */
  static final String GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10";
  /** Teams Administrator. */
  static final String TEAMS_ADMINISTRATOR = "69091246-20e8-4a56-aa4d-066075b2a7a8";
  private static final Set<String> ADMINISTRATORS = Set.of(GLOBAL_ADMINISTRATOR, TEAMS_ADMINISTRATOR);
  static final int MAX_PAGES = 5;
  private static final GraphRequests.Question ROLES = new GraphRequests.Question("graph.directoryRoles",
      HttpMethod.GET, "RoleManagement.Read.Directory");

  private final GraphRequests graph;
  private final String graphUrl;

  GraphDirectoryRoles(GraphRequests graph, String graphUrl) {
    this.graph = graph;
    this.graphUrl = graphUrl;
  }

  /** Whether {@code userId} (an AAD object id) holds the Global or Teams Administrator role in its tenant. */
  public Future<Boolean> administers(String teamsTenantId, String userId) {
    String url = graphUrl + "/v1.0/users/" + URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20")
        + "/transitiveMemberOf/microsoft.graph.directoryRole?$select=roleTemplateId";
    return page(teamsTenantId, url, 1);
  }

  private Future<Boolean> page(String teamsTenantId, String url, int number) {
    return graph.ask(teamsTenantId, ROLES, url, null).compose(answer -> {
      if (!(answer.getValue("value") instanceof JsonArray roles)) {
        return Future.failedFuture(new TeamsConnectorFailure(ROLES.operation(), 200, "Graph answered no value"));
      }
      boolean administers = roles.stream().anyMatch(role -> role instanceof JsonObject r
          && r.getValue("roleTemplateId") instanceof String template && ADMINISTRATORS.contains(template));
      if (administers || !(answer.getValue("@odata.nextLink") instanceof String next)) {
        return Future.succeededFuture(administers);
      }
      if (number >= MAX_PAGES || !next.startsWith(graphUrl + "/")) {
        return Future.succeededFuture(false);
      }
      return page(teamsTenantId, next, number + 1);
    });
  }
}

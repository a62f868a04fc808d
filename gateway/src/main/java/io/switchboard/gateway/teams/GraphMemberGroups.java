package io.switchboard.gateway.teams;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Microsoft Graph's {@code POST /v1.0/users/{id}/checkMemberGroups}: which of some groups a user of a
 * Teams tenant is a transitive member of, in requests of at most {@value #MAX_IDS} group ids
 * ({@link GraphRequests}: the tenant's token, 429 retries, failures). An answer without a
 * {@code value} array fails the whole question with a {@link TeamsConnectorFailure}.
 */
public final class GraphMemberGroups {

  /** Graph's limit of group ids per {@code checkMemberGroups} request. */
  public static final int MAX_IDS = 20;
  static final int MAX_RETRIES = GraphRequests.MAX_RETRIES;
  private static final GraphRequests.Question CHECK = new GraphRequests.Question("graph.checkMemberGroups",
      HttpMethod.POST, "GroupMember.Read.All");

  private final GraphRequests graph;
  private final String graphUrl;

  GraphMemberGroups(GraphRequests graph, String graphUrl) {
    this.graph = graph;
    this.graphUrl = graphUrl;
  }

  /** The groups of {@code groupIds} that {@code userId} (an AAD object id) is a transitive member of. */
  public Future<Set<String>> memberOf(String teamsTenantId, String userId, Set<String> groupIds) {
    List<String> ids = new ArrayList<>(new TreeSet<>(groupIds));
    List<Future<JsonArray>> chunks = new ArrayList<>();
    String url = graphUrl + "/v1.0/users/" + URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20")
        + "/checkMemberGroups";
    for (int from = 0; from < ids.size(); from += MAX_IDS) {
      JsonArray chunk = new JsonArray(new ArrayList<>(ids.subList(from, Math.min(ids.size(), from + MAX_IDS))));
      chunks.add(graph.ask(teamsTenantId, CHECK, url, new JsonObject().put("groupIds", chunk)).compose(answer ->
          answer.getValue("value") instanceof JsonArray value ? Future.succeededFuture(value)
              : Future.failedFuture(new TeamsConnectorFailure(CHECK.operation(), 200, "Graph answered no value"))));
    }
    return Future.all(chunks).map(all -> {
      Set<String> in = new TreeSet<>();
      for (Future<JsonArray> chunk : chunks) {
        chunk.result().stream().filter(String.class::isInstance).map(String.class::cast)
            .filter(groupIds::contains).forEach(in::add);
      }
      return in;
    });
  }
}

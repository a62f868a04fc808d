package io.switchboard.gateway.teams;

import io.switchboard.gateway.GroupMemberships;
import io.switchboard.tenancy.CachedLookup;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.TenantPolicy;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Entra ID (AAD) group membership for Teams policy bindings ({@code teams:group:<group object id>}):
 * which of the groups the tenant's policy binds the user ({@code from.aadObjectId}) is a transitive
 * member of, asked of Microsoft Graph in the user's own Teams tenant ({@link GraphMemberGroups}) and
 * cached per Switchboard tenant, Teams tenant, user and group set for {@link #TTL}. Nothing is asked
 * when the policy binds no Teams group. When Graph does not answer (unreachable, 403 without admin
 * consent, 429 beyond the retries) the user counts as in none of the groups, so a group binding never
 * grants by accident; the reason is logged as a warning the first time it happens for a Teams tenant
 * (and again after Graph answered in between), and the next command asks again.
 */
public final class TeamsGroupMemberships implements GroupMemberships {

  public static final Duration TTL = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(TeamsGroupMemberships.class);

  private final GraphMemberGroups graph;
  private final CachedLookup<String, Set<String>> answers;
  private final Map<String, String> lastFailure = new ConcurrentHashMap<>();

  public TeamsGroupMemberships(GraphMemberGroups graph, Clock clock) {
    this.graph = graph;
    this.answers = new CachedLookup<>(TTL, clock);
  }

  @Override
  public Future<Set<String>> groupsOf(TenantPolicy policy, CommandRequest request) {
    Set<String> bound = policy.groupsBound(TeamsJobActivities.PLATFORM);
    if (bound.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    String key = request.tenantId() + "\n" + request.workspaceId() + "\n" + request.userId() + "\n"
        + String.join(",", bound);
    return answers.get(key, k -> graph.memberOf(request.workspaceId(), request.userId(), bound)
            .onSuccess(found -> lastFailure.remove(request.workspaceId())))
        .recover(e -> {
          unknown(request, e);
          return Future.succeededFuture(Set.of());
        });
  }

  private void unknown(CommandRequest request, Throwable e) {
    String reason = e.getMessage() == null ? e.toString() : e.getMessage();
    if (!reason.equals(lastFailure.put(request.workspaceId(), reason))) {
      LOG.warn("Teams group membership unknown in Teams tenant {} (tenant {}); group bindings match nobody there "
          + "until Graph answers: {}", request.workspaceId(), request.tenantId(), reason);
    } else {
      LOG.debug("Teams group membership of {} unknown again: {}", request.userId(), reason);
    }
  }
}

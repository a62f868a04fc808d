package io.switchboard.gateway.mattermost;

import io.switchboard.gateway.GroupMemberships;
import io.switchboard.tenancy.CachedLookup;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.TenantPolicy;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Mattermost user group membership for policy bindings ({@code mattermost:group:<group id>}): which of
 * the groups the tenant's policy binds the user is in, asked of the team's server as its bot
 * ({@code GET /api/v4/users/{user_id}/groups}, servers 5.24 and later; custom groups, and LDAP groups
 * on licensed servers) and cached per tenant, team, user and group set for {@link #TTL}. Nothing is
 * asked when the policy binds no Mattermost group. When the server does not answer (unreachable, 403
 * because the bot may not list groups, 429 beyond the retries) the user counts as in none of the
 * groups, so a group binding never grants by accident; the next command asks again.
 */
public final class MattermostGroupMemberships implements GroupMemberships {

  public static final Duration TTL = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(MattermostGroupMemberships.class);

  private final MattermostApi api;
  private final MattermostSecrets secrets;
  private final CachedLookup<String, Set<String>> answers;

  public MattermostGroupMemberships(MattermostApi api, MattermostSecrets secrets, Clock clock) {
    this.api = api;
    this.secrets = secrets;
    this.answers = new CachedLookup<>(TTL, clock);
  }

  @Override
  public Future<Set<String>> groupsOf(TenantPolicy policy, CommandRequest request) {
    Set<String> bound = policy.groupsBound(MattermostSettings.PLATFORM);
    if (bound.isEmpty() || !MattermostReplyTo.isId(request.userId())) {
      return Future.succeededFuture(Set.of());
    }
    String key = request.tenantId() + "\n" + request.workspaceId() + "\n" + request.userId() + "\n"
        + String.join(",", bound);
    return answers.get(key, k -> secrets.find(request.tenantId(), request.workspaceId())
            .compose(team -> team.isEmpty() ? Future.succeededFuture(Set.<String>of())
                : api.userGroups(team.get(), request.userId()).map(groups -> {
                  Set<String> in = new HashSet<>();
                  groups.forEach(group -> {
                    if (group instanceof JsonObject g && g.getValue("id") instanceof String id && bound.contains(id)) {
                      in.add(id);
                    }
                  });
                  return Set.copyOf(in);
                })))
        .recover(e -> {
          LOG.warn("Mattermost group membership of a user in team {} (tenant {}) unknown; group bindings match "
              + "nobody until the server answers: {}", request.workspaceId(), request.tenantId(), e.toString());
          return Future.succeededFuture(Set.of());
        });
  }
}

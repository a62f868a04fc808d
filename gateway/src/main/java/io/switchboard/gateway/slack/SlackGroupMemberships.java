package io.switchboard.gateway.slack;

import io.switchboard.gateway.GroupMemberships;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.switchboard.tenancy.CachedLookup;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.TenantPolicy;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Slack user-group membership for policy bindings ({@code slack:group:S123}): the members of each
 * group the tenant's policy binds, read with {@code usergroups.users.list} and the installation's bot
 * token, cached per tenant, workspace and group for {@link #TTL}. Nothing is asked of Slack when the
 * policy binds no Slack group. Without a bot token, or when Slack fails, the user counts as in none of
 * the groups (a group binding never grants by accident), and the next command asks again.
 */
public final class SlackGroupMemberships implements GroupMemberships {

  public static final Duration TTL = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(SlackGroupMemberships.class);

  private final SlackWebApi slack;
  private final SlackBotTokens tokens;
  private final CachedLookup<String, Set<String>> members;

  public SlackGroupMemberships(SlackWebApi slack, SlackBotTokens tokens, Clock clock) {
    this.slack = slack;
    this.tokens = tokens;
    this.members = new CachedLookup<>(TTL, clock);
  }

  @Override
  public Future<Set<String>> groupsOf(TenantPolicy policy, CommandRequest request) {
    Set<String> bound = policy.groupsBound(SignedSlackEndpoint.PLATFORM);
    if (bound.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return tokens.find(request.tenantId(), request.workspaceId()).compose(token -> {
      if (token.isEmpty()) {
        return Future.succeededFuture(Set.<String>of());
      }
      List<Future<Boolean>> checks = new ArrayList<>();
      List<String> groups = new ArrayList<>(bound);
      for (String group : groups) {
        checks.add(members(request, group, token.get()).map(users -> users.contains(request.userId())));
      }
      return Future.join(checks).transform(ar -> {
        Set<String> in = new TreeSet<>();
        for (int i = 0; i < groups.size(); i++) {
          if (checks.get(i).succeeded() && checks.get(i).result()) {
            in.add(groups.get(i));
          }
        }
        return Future.succeededFuture(in);
      });
    }).recover(e -> {
      LOG.warn("Slack group membership of {} unknown, counted as none: {}", request.userId(), e.toString());
      return Future.succeededFuture(Set.of());
    });
  }

  private Future<Set<String>> members(CommandRequest request, String group, String token) {
    String key = request.tenantId() + "\n" + request.workspaceId() + "\n" + group;
    return members.get(key, k -> slack.userGroupMembers(token, group).<Set<String>>map(Set::copyOf)
        .onFailure(e -> LOG.warn("usergroups.users.list of {} for tenant {} failed: {}", group, request.tenantId(),
            e.toString())));
  }
}

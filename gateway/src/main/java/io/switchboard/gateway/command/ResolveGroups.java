package io.switchboard.gateway.command;

import io.switchboard.gateway.GroupMemberships;
import io.vertx.core.Future;

import java.util.HashSet;
import java.util.Set;

/**
 * Step 3: the user's chat groups, for {@code <platform>:group:} bindings: those the request itself
 * names (Discord's roles) and those the platform's {@link GroupMemberships} finds (Slack user groups,
 * Teams groups through Graph), asked only for groups the policy binds.
 */
final class ResolveGroups implements CommandStep {

  private final GroupMemberships memberships;

  ResolveGroups(GroupMemberships memberships) {
    this.memberships = memberships;
  }

  @Override
  public Future<CommandAnswer> handle(CommandState state, Next next) {
    return memberships.groupsOf(state.policy(), state.request()).compose(found ->
        next.proceed(state.withRequest(state.request().withGroups(union(found, state.request().groups())))));
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    if (b.isEmpty()) {
      return a;
    }
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }
}

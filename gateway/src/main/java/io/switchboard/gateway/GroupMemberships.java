package io.switchboard.gateway;

import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.TenantPolicy;
import io.vertx.core.Future;

import java.util.Set;

/**
 * Which of the chat user groups a tenant's policy binds the requesting user belongs to, so that
 * bindings like {@code slack:group:S123} grant their roles. Platforms that do not tell group
 * membership answer {@link #NONE}: group bindings then match nobody there, and user bindings still work.
 */
@FunctionalInterface
public interface GroupMemberships {

  GroupMemberships NONE = (policy, request) -> Future.succeededFuture(Set.of());

  /** The groups of {@code policy.groupsBound(platform)} the user is in; never fails (unknown means none). */
  Future<Set<String>> groupsOf(TenantPolicy policy, CommandRequest request);
}

package io.switchboard.gateway.command;

import io.switchboard.tenancy.policy.PolicyDirectory;
import io.vertx.core.Future;

/** Step 1: the tenant's compiled policy (cached by {@link PolicyDirectory}), which every later step reads. */
final class LoadPolicy implements CommandStep {

  private final PolicyDirectory policies;

  LoadPolicy(PolicyDirectory policies) {
    this.policies = policies;
  }

  @Override
  public Future<CommandAnswer> handle(CommandState state, Next next) {
    return policies.policyOf(state.command().tenantId()).compose(policy -> next.proceed(state.withPolicy(policy)));
  }
}

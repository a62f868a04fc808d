package io.switchboard.gateway.command;

import io.switchboard.tenancy.policy.Decision;
import io.vertx.core.Future;

/**
 * Step 7: the user's roles (directly or through their groups) must permit the invocation in this
 * channel; deny by default ({@code denied}, naming the roles or channels that would allow it). An
 * approval rule that covers an allowed invocation is carried on to the last step.
 */
final class CheckRoles implements CommandStep {

  private final CommandRefusing refusing;

  CheckRoles(CommandRefusing refusing) {
    this.refusing = refusing;
  }

  @Override
  public Future<CommandAnswer> handle(CommandState state, Next next) {
    Decision decision = state.policy().authorise(state.request(), state.invocation());
    return decision.denied() ? refusing.refuse(state, "denied", decision.reason())
        : next.proceed(state.withDecision(decision));
  }
}

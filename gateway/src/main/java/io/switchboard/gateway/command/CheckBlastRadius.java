package io.switchboard.gateway.command;

import io.vertx.core.Future;

/**
 * Step 6: an invocation outside its command's blast radius (environments, number of targets), or of a
 * command that left the catalog since it was parsed, is refused whoever asks ({@code denied}).
 */
final class CheckBlastRadius implements CommandStep {

  private final CommandRefusing refusing;

  CheckBlastRadius(CommandRefusing refusing) {
    this.refusing = refusing;
  }

  @Override
  public Future<CommandAnswer> handle(CommandState state, Next next) {
    return state.policy().outOfReach(state.invocation())
        .map(reason -> refusing.refuse(state, "denied", reason))
        .orElseGet(() -> next.proceed(state));
  }
}

package io.switchboard.gateway.command;

import io.vertx.core.Future;

/**
 * Step 5: a freeze window of the policy refuses the invocation whoever asks ({@code denied}, naming the
 * window and until when). Built-ins that run jobs ({@code echo}) are never frozen.
 */
final class CheckFreezeWindows implements CommandStep {

  private final CommandRefusing refusing;

  CheckFreezeWindows(CommandRefusing refusing) {
    this.refusing = refusing;
  }

  @Override
  public Future<CommandAnswer> handle(CommandState state, Next next) {
    return state.policy().frozen(state.invocation(), state.receivedAt())
        .map(reason -> refusing.refuse(state, "denied", reason))
        .orElseGet(() -> next.proceed(state));
  }
}

package io.switchboard.gateway.command;

import io.switchboard.gateway.RateLimiter;
import io.vertx.core.Future;

/**
 * Step 8: one token from the tenant's, the user's and the channel's buckets ({@link RateLimiter}), or a
 * refusal with the wait ({@code rate_limited}). Only commands that would run or wait for approval spend one.
 */
final class TakeRateLimit implements CommandStep {

  private final RateLimiter rateLimiter;
  private final CommandRefusing refusing;

  TakeRateLimit(RateLimiter rateLimiter, CommandRefusing refusing) {
    this.rateLimiter = rateLimiter;
    this.refusing = refusing;
  }

  @Override
  public Future<CommandAnswer> handle(CommandState state, Next next) {
    return rateLimiter.take(state.request(), state.policy().rateLimits()).compose(verdict -> verdict.allowed()
        ? next.proceed(state)
        : refusing.refuse(state, "rate_limited", verdict.message()));
  }
}

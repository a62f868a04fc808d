package io.switchboard.gateway.command;

import io.switchboard.gateway.RateLimiter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.switchboard.core.trace.Tracing;
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
    Span span = Tracing.startChild("rate_limit.take", SpanKind.INTERNAL);
    return Tracing.endWith(span, rateLimiter.take(state.request(), state.policy().rateLimits()),
            verdict -> verdict.allowed() ? "allowed" : "rate_limited")
        .compose(verdict -> verdict.allowed()
            ? next.proceed(state)
            : refusing.refuse(state, "rate_limited", verdict.message()));
  }
}

package io.switchboard.gateway.command;

import io.switchboard.tenancy.policy.PolicyDirectory;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.switchboard.core.trace.Tracing;
import io.vertx.core.Future;

/** Step 1: the tenant's compiled policy (cached by {@link PolicyDirectory}), which every later step reads. */
final class LoadPolicy implements CommandStep {

  private final PolicyDirectory policies;

  LoadPolicy(PolicyDirectory policies) {
    this.policies = policies;
  }

  @Override
  public Future<CommandAnswer> handle(CommandState state, Next next) {
    Span span = Tracing.startChild("policy.load", SpanKind.INTERNAL);
    return Tracing.endWith(span, policies.policyOf(state.command().tenantId()))
        .compose(policy -> next.proceed(state.withPolicy(policy)));
  }
}

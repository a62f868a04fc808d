package io.switchboard.gateway.command;

import io.switchboard.core.log.LogContext;
import io.switchboard.core.trace.Tracing;
import io.switchboard.gateway.CommandRefusals;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.GroupMemberships;
import io.switchboard.gateway.JobEnqueuer;
import io.switchboard.gateway.RateLimiter;
import io.switchboard.gateway.approval.Approvals;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.jobs.JobCancellations;
import io.switchboard.tenancy.command.CommandParser;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;

/**
 * The one path every authenticated chat command takes, whatever platform it was typed on (slash
 * commands, mentions and direct messages, Teams messages, Discord application commands, the sandbox,
 * Rerun clicks): an ordered list of {@link CommandStep}s, each with one contract and its own test.
 * <ol>
 *   <li>{@link LoadPolicy}: the tenant's compiled policy;</li>
 *   <li>{@link ParseCommand}: the text against the catalog; an incomplete command may become the
 *       platform's form ({@link IncompleteCommands}), an unknown one is refused;</li>
 *   <li>{@link ResolveGroups}: the user's chat groups, for group bindings;</li>
 *   <li>{@link AnswerBuiltins}: {@code help}, {@code whoami}, {@code jobs}, {@code job}, {@code cancel};</li>
 *   <li>{@link CheckFreezeWindows}, {@link CheckBlastRadius}, {@link CheckRoles}: the policy's three
 *       questions, each refusal audited with its reason;</li>
 *   <li>{@link TakeRateLimit}: the tenant's, user's and channel's buckets;</li>
 *   <li>{@link ApproveOrEnqueue}: the job queued with its audit records, or held for approval.</li>
 * </ol>
 * The answer is a platform-neutral {@link ChatMessage}, which the platform renders and delivers (a held
 * command's answer also carries the approval). One pipeline serves one platform: it names the platform
 * in policy requests ({@code teams:user:<id>} bindings), metrics, jobs and their idempotency keys.
 */
public final class CommandPipeline {

  private static final Logger LOG = LoggerFactory.getLogger(CommandPipeline.class);

  private final String platform;
  private final Parts parts;
  private final Clock clock;
  private final List<CommandStep> steps;

  /** What the steps are made of, shared by the pipelines of every platform. */
  private record Parts(CommandParser parser, PolicyDirectory policies, ChatBuiltins builtins, RateLimiter rateLimiter,
                       Approvals approvals, JobEnqueuer enqueuer, JobCancellations cancellations,
                       CommandRefusals refusals, GatewayMetrics metrics) {
  }

  /** The pipeline of one platform's commands, without group memberships beyond what requests name. */
  public CommandPipeline(String platform, CommandParser parser, PolicyDirectory policies, ChatBuiltins builtins,
                         RateLimiter rateLimiter, Approvals approvals,
                         JobEnqueuer enqueuer, JobCancellations cancellations, CommandRefusals refusals,
                         GatewayMetrics metrics, Clock clock) {
    this(platform, new Parts(parser, policies, builtins, rateLimiter, approvals, enqueuer, cancellations, refusals,
        metrics), clock, GroupMemberships.NONE);
  }

  private CommandPipeline(String platform, Parts parts, Clock clock, GroupMemberships groups) {
    this.platform = platform;
    this.parts = parts;
    this.clock = clock;
    CommandRefusing refusing = new CommandRefusing(platform, parts.refusals()::record, parts.metrics());
    this.steps = List.of(
        new LoadPolicy(parts.policies()),
        new ParseCommand(parts.parser(), refusing),
        new ResolveGroups(groups),
        new AnswerBuiltins(parts.builtins(), parts.cancellations()),
        new CheckFreezeWindows(refusing),
        new CheckBlastRadius(refusing),
        new CheckRoles(refusing),
        new TakeRateLimit(parts.rateLimiter(), refusing),
        new ApproveOrEnqueue(platform, parts.approvals(), parts.enqueuer(), parts.metrics()));
  }

  /** Runs a command of a platform that offers no forms. */
  public Future<CommandAnswer> run(ChatCommand command) {
    return run(command, IncompleteCommands.NONE);
  }

  /** Runs a command; one that only lacks arguments is first offered to {@code forms}. */
  public Future<CommandAnswer> run(ChatCommand command, IncompleteCommands forms) {
    // The request's duplicated context carries these to every line the steps and their continuations log.
    LogContext.ensureCorrelationId();
    LogContext.put(LogContext.TENANT, command.tenantId());
    LogContext.put(LogContext.PLATFORM, platform);
    Tracing.current().setAttribute(Tracing.PLATFORM, platform);
    Tracing.current().setAttribute(Tracing.TENANT, command.tenantId());
    LOG.debug("Command received from user {} in channel {}", command.userId(), command.channelId());
    Context context = Vertx.currentContext();
    Future<CommandAnswer> answered = context == null
        ? proceed(0, CommandState.of(command, platform, clock.instant(), forms), null)
        : LogContext.here(proceed(0, CommandState.of(command, platform, clock.instant(), forms), context));
    return answered
        .onSuccess(answer -> LOG.debug("Command answered{}", answer.queuedJob().map(id -> " (job " + id + ")").orElse("")))
        .onFailure(e -> LOG.warn("Command failed: {}", e.toString()));
  }

  /**
   * Runs step {@code step} on the command's own context: a step may hand the command on from a
   * listener of a future other commands share (a tenant's policy loading), which runs on the context
   * of whichever command made it, with that command's log fields.
   */
  private Future<CommandAnswer> proceed(int step, CommandState state, Context context) {
    if (step == steps.size()) {
      return Future.failedFuture(new IllegalStateException("the last step of the command path handed the command on"));
    }
    if (context == null) {
      return steps.get(step).handle(state, next -> proceed(step + 1, next, null));
    }
    return LogContext.on(context, () -> steps.get(step).handle(state, next -> proceed(step + 1, next, context)));
  }

  /** The same pipeline, resolving the users' chat groups for group bindings through {@code memberships}. */
  public CommandPipeline withGroupMemberships(GroupMemberships memberships) {
    return new CommandPipeline(platform, parts, clock, memberships);
  }

  /** The platform this pipeline serves. */
  public String platform() {
    return platform;
  }

  /** The steps, in order (for the test that pins the order). */
  List<Class<? extends CommandStep>> stepTypes() {
    return steps.stream().<Class<? extends CommandStep>>map(CommandStep::getClass).toList();
  }
}

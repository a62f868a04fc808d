package io.switchboard.gateway.command;

import io.switchboard.core.job.JobRules;
import io.switchboard.core.job.NewJob;
import io.switchboard.gateway.CommandRefusals;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.GroupMemberships;
import io.switchboard.gateway.JobCancellations;
import io.switchboard.gateway.JobEnqueuer;
import io.switchboard.gateway.RateLimiter;
import io.switchboard.gateway.approval.Approval;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.approval.Approvals;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.message.ChatText;
import io.switchboard.tenancy.SlackInstallation;
import io.switchboard.tenancy.command.CommandParser;
import io.switchboard.tenancy.command.ParsedCommand;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.Decision;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.switchboard.tenancy.policy.TenantPolicy;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one path every authenticated chat command takes, whatever platform it was typed on (Slack slash
 * commands, mentions and direct messages, Teams messages, Discord application commands, the sandbox,
 * Slack's Rerun button), step by step, in this order:
 * <ol>
 *   <li>parse the text against the tenant's catalog ({@link CommandParser});</li>
 *   <li>decide ({@link TenantPolicy}); a refusal is audited with its reason and told to the user;
 *       the built-ins that need no job are answered here ({@link ChatBuiltins}, {@code cancel});</li>
 *   <li>take a token from the tenant's, user's and channel's rate limits ({@link RateLimiter});</li>
 *   <li>queue the job with its audit records ({@link JobEnqueuer}), or, when an approval rule covers
 *       it, hold it for approval ({@link Approvals}) with an approval card;</li>
 *   <li>answer with a platform-neutral {@link ChatMessage}; the caller renders it for its platform
 *       and delivers it (a held command's answer also carries the {@link Approval}).</li>
 * </ol>
 * One pipeline serves one platform (default {@code slack}; Teams and Discord run their own): it names
 * the platform in policy requests ({@code teams:user:<id>} bindings), metrics, jobs and their
 * idempotency keys.
 */
public final class CommandPipeline {

  private final String platform;
  private final CommandParser parser;
  private final PolicyDirectory policies;
  private final ChatBuiltins builtins;
  private final RateLimiter rateLimiter;
  private final Approvals approvals;
  private final JobEnqueuer enqueuer;
  private final JobCancellations cancellations;
  private final CommandRefusals refusals;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final GroupMemberships groups;

  /** The pipeline of Slack commands. */
  public CommandPipeline(CommandParser parser, PolicyDirectory policies, ChatBuiltins builtins,
                              RateLimiter rateLimiter, Approvals approvals, JobEnqueuer enqueuer,
                              JobCancellations cancellations, CommandRefusals refusals, GatewayMetrics metrics,
                              Clock clock) {
    this(SlackInstallation.PLATFORM, parser, policies, builtins, rateLimiter, approvals, enqueuer, cancellations,
        refusals, metrics, clock);
  }

  /** @param platform the chat platform this pipeline serves, e.g. {@code teams} */
  public CommandPipeline(String platform, CommandParser parser, PolicyDirectory policies, ChatBuiltins builtins,
                              RateLimiter rateLimiter, Approvals approvals, JobEnqueuer enqueuer,
                              JobCancellations cancellations, CommandRefusals refusals, GatewayMetrics metrics,
                              Clock clock) {
    this(platform, parser, policies, builtins, rateLimiter, approvals, enqueuer, cancellations, refusals, metrics,
        clock, GroupMemberships.NONE);
  }

  private CommandPipeline(String platform, CommandParser parser, PolicyDirectory policies,
                               ChatBuiltins builtins, RateLimiter rateLimiter, Approvals approvals,
                               JobEnqueuer enqueuer, JobCancellations cancellations, CommandRefusals refusals,
                               GatewayMetrics metrics, Clock clock, GroupMemberships groups) {
    this.platform = platform;
    this.parser = parser;
    this.policies = policies;
    this.builtins = builtins;
    this.rateLimiter = rateLimiter;
    this.approvals = approvals;
    this.enqueuer = enqueuer;
    this.cancellations = cancellations;
    this.refusals = refusals;
    this.metrics = metrics;
    this.clock = clock;
    this.groups = groups;
  }

  public Future<CommandAnswer> run(ChatCommand command) {
    CommandRequest request = new CommandRequest(command.tenantId(), platform, command.workspaceId(),
        command.userId(), command.channelId());
    return policies.policyOf(command.tenantId()).compose(policy -> groups.groupsOf(policy, request)
        .compose(found -> run(request.withGroups(union(found, command.groups())), command, policy)));
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    if (b.isEmpty()) {
      return a;
    }
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  /** The same pipeline, resolving the users' chat groups for group bindings through {@code memberships}. */
  public CommandPipeline withGroupMemberships(GroupMemberships memberships) {
    return new CommandPipeline(platform, parser, policies, builtins, rateLimiter, approvals, enqueuer,
        cancellations, refusals, metrics, clock, memberships);
  }

  private Future<CommandAnswer> run(CommandRequest request, ChatCommand command, TenantPolicy policy) {
    ParsedCommand parsed = parser.parse(policy.catalog(), command.text());
    if (parsed instanceof ParsedCommand.HelpRequest help) {
      return answer(builtins.help(policy, request, command.invokedAs(), help.topic()));
    }
    if (parsed instanceof ParsedCommand.Unrecognised unrecognised) {
      return refuse(request, command, "unknown_command", unrecognised.message());
    }
    if (parsed instanceof ParsedCommand.CancelRequest cancel) {
      return cancel(request, cancel.jobId()).map(CommandAnswer::of);
    }
    if (parsed instanceof ParsedCommand.JobsRequest) {
      return builtins.jobs(request).map(CommandAnswer::of);
    }
    if (parsed instanceof ParsedCommand.JobRequest job) {
      return builtins.job(request, job.jobId()).map(CommandAnswer::of);
    }
    if (parsed instanceof ParsedCommand.WhoamiRequest) {
      return answer(builtins.whoami(policy, request));
    }
    ParsedCommand.Invocation invocation = (ParsedCommand.Invocation) parsed;
    Instant now = clock.instant();
    Decision decision = policy.decide(request, invocation, now);
    if (decision.denied()) {
      return refuse(request, command, "denied", decision.reason());
    }
    return rateLimiter.take(request, policy.rateLimits()).compose(verdict -> {
      if (!verdict.allowed()) {
        return refuse(request, command, "rate_limited", verdict.message());
      }
      NewJob job = newJob(request, command, invocation);
      return decision.approval().isPresent()
          ? holdForApproval(request, job, decision, policy.version(), now)
          : enqueue(command, job, decision, policy.version());
    });
  }

  private Future<CommandAnswer> enqueue(ChatCommand command, NewJob job, Decision decision, long policyVersion) {
    JsonObject audited = new JsonObject().put("outcome", "allowed").put("reason", decision.reason())
        .put("policyVersion", policyVersion);
    command.rerunOf().ifPresent(original -> audited.put("rerunOf", original));
    return enqueuer.enqueue(job, audited).map(enqueued -> {
      if (enqueued.duplicate()) {
        metrics.refused(platform, "duplicate_delivery");
        return CommandAnswer.of(ChatMessage.ephemeral("Already queued as job " + enqueued.jobId()
            + " (this request arrived twice)."));
      }
      metrics.queued(platform);
      ChatText.Builder text = ChatText.builder().plain("Queued as job " + enqueued.jobId() + ": ")
          .code(command.text().strip()).plain(".");
      enqueued.waitsFor().ifPresent(holder -> text.plain(" It waits for job " + holder.id() + " (")
          .code(holder.commandText()).plain(", " + holder.status().wire() + "): both change ")
          .code(job.rules().targetLock().orElseThrow().describe()).plain("."));
      text.plain(" The result will be posted here.");
      return new CommandAnswer(ChatMessage.ephemeral(text.build()), Optional.of(enqueued.jobId()));
    });
  }

  /** The command waits for approvers: the channel sees a card with Approve and Deny buttons. */
  private Future<CommandAnswer> holdForApproval(CommandRequest request, NewJob job, Decision decision,
                                                long policyVersion, Instant now) {
    return approvals.request(request, job, decision.approval().orElseThrow(), decision.reason(), policyVersion, now)
        .map(requested -> {
          if (requested.duplicate()) {
            metrics.refused(platform, "duplicate_delivery");
            return CommandAnswer.of(ChatMessage.ephemeral("Already waiting for approval "
                + requested.approval().id() + " (this request arrived twice)."));
          }
          metrics.heldForApproval(platform);
          return new CommandAnswer(ApprovalMessages.pending(requested.approval(), List.of()), Optional.empty(),
              Optional.of(requested.approval()));
        });
  }

  /** Chat users may cancel only the jobs they started (until roles say otherwise). */
  private Future<ChatMessage> cancel(CommandRequest request, long jobId) {
    return cancellations.cancel(request.tenantId(), jobId, request.userId(), true)
        .map(outcome -> CancelMessages.of(outcome, jobId));
  }

  /**
   * Audits the refusal and tells the user. The message is plain text that may quote what the user
   * typed, so every renderer escapes it: a {@code <!channel>} in a typo never pings anyone.
   */
  private Future<CommandAnswer> refuse(CommandRequest request, ChatCommand command, String reason, String message) {
    metrics.refused(platform, reason);
    return refusals.record(request, command.text(), message)
        .map(v -> CommandAnswer.of(ChatMessage.ephemeral(message)));
  }

  /** The platform this pipeline serves. */
  public String platform() {
    return platform;
  }

  private static Future<CommandAnswer> answer(ChatMessage message) {
    return Future.succeededFuture(CommandAnswer.of(message));
  }

  private NewJob newJob(CommandRequest request, ChatCommand command, ParsedCommand.Invocation invocation) {
    return new NewJob(request.tenantId(), platform + ":" + command.deliveryKey(), platform, request.userId(),
        request.channelId(), invocation.command(), (command.invokedAs() + " " + command.text()).strip(),
        invocation.action(), invocation.arguments(), command.replyTo(), new JobRules(invocation.timeout(),
        invocation.maxAttempts(), invocation.targetLock()));
  }
}

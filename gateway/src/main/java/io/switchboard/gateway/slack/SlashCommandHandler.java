package io.switchboard.gateway.slack;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.job.JobRules;
import io.switchboard.core.job.NewJob;
import io.switchboard.gateway.CommandRefusals;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.JobCancellations;
import io.switchboard.gateway.JobEnqueuer;
import io.switchboard.gateway.RateLimiter;
import io.switchboard.gateway.approval.Approvals;
import io.switchboard.tenancy.SlackInstallation;
import io.switchboard.tenancy.command.CommandParser;
import io.switchboard.tenancy.command.ParsedCommand;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.Decision;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.switchboard.tenancy.policy.TenantPolicy;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.apache.commons.codec.digest.DigestUtils;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /slack/commands}: the path of one slash command, step by step, in this order:
 * <ol>
 *   <li>read the raw body (at most 64 KiB);</li>
 *   <li>authenticate it: signature, timestamp, installed team ({@link SlackRequestAuthenticator});</li>
 *   <li>parse the form and the command text ({@link CommandParser});</li>
 *   <li>decide ({@link TenantPolicy}); a refusal is audited with its reason and told to the user;
 *       the built-ins that need no job are answered here ({@link SlackBuiltins}, {@code cancel});</li>
 *   <li>take a token from the tenant's, user's and channel's rate limits ({@link RateLimiter});</li>
 *   <li>queue the job with its audit records ({@link JobEnqueuer}), or, when an approval rule covers
 *       it, hold it for approval ({@link Approvals}) and show the channel an approval card;</li>
 *   <li>acknowledge with an ephemeral message. The result is posted later to {@code response_url}.</li>
 * </ol>
 */
public final class SlashCommandHandler extends SignedSlackEndpoint {

  private final CommandParser parser;
  private final PolicyDirectory policies;
  private final SlackBuiltins builtins;
  private final Clock clock;
  private final JobEnqueuer enqueuer;
  private final JobCancellations cancellations;
  private final CommandRefusals refusals;
  private final SlackResponseUrls responseUrls;
  private final RateLimiter rateLimiter;
  private final Approvals approvals;

  public SlashCommandHandler(SlackRequestAuthenticator authenticator, CommandParser parser, PolicyDirectory policies,
                             SlackBuiltins builtins, RateLimiter rateLimiter, Approvals approvals,
                             JobEnqueuer enqueuer, JobCancellations cancellations, CommandRefusals refusals,
                             SlackResponseUrls responseUrls, GatewayMetrics metrics, Clock clock) {
    super(authenticator, metrics);
    this.parser = parser;
    this.policies = policies;
    this.builtins = builtins;
    this.clock = clock;
    this.enqueuer = enqueuer;
    this.cancellations = cancellations;
    this.refusals = refusals;
    this.responseUrls = responseUrls;
    this.rateLimiter = rateLimiter;
    this.approvals = approvals;
  }

  @Override
  protected Optional<String> claimedTeam(Buffer body) {
    return FormBody.peek(body.toString(), "team_id");
  }

  @Override
  protected Future<JsonObject> answer(SlackInstallation installation, Buffer body) {
    SlashCommand command = parseForm(body.toString());
    if (!command.teamId().equals(installation.teamId())) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the body names two Slack teams");
    }
    responseUrls.check(command.responseUrl());
    CommandRequest request = new CommandRequest(installation.tenantId(), PLATFORM, installation.teamId(),
        command.userId(), command.channelId());
    return policies.policyOf(installation.tenantId()).compose(policy -> answer(request, command, policy));
  }

  private Future<JsonObject> answer(CommandRequest request, SlashCommand command, TenantPolicy policy) {
    ParsedCommand parsed = parser.parse(policy.catalog(), command.text());
    if (parsed instanceof ParsedCommand.HelpRequest help) {
      return Future.succeededFuture(builtins.help(policy, request, command.command(), help.topic()));
    }
    if (parsed instanceof ParsedCommand.Unrecognised unrecognised) {
      return refuse(request, command, "unknown_command", unrecognised.message());
    }
    if (parsed instanceof ParsedCommand.CancelRequest cancel) {
      return cancel(request, cancel.jobId());
    }
    if (parsed instanceof ParsedCommand.JobsRequest) {
      return builtins.jobs(request);
    }
    if (parsed instanceof ParsedCommand.JobRequest job) {
      return builtins.job(request, job.jobId());
    }
    if (parsed instanceof ParsedCommand.WhoamiRequest) {
      return Future.succeededFuture(builtins.whoami(policy, request));
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
          : enqueue(request, command, job, decision, policy.version());
    });
  }

  private Future<JsonObject> enqueue(CommandRequest request, SlashCommand command, NewJob job, Decision decision,
                                     long policyVersion) {
    JsonObject audited = new JsonObject().put("outcome", "allowed").put("reason", decision.reason())
        .put("policyVersion", policyVersion);
    return enqueuer.enqueue(job, audited).map(enqueued -> {
      if (enqueued.duplicate()) {
        metrics.refused(PLATFORM, "duplicate_delivery");
        return SlackText.ephemeral("Already queued as job " + enqueued.jobId() + " (this request arrived twice).");
      }
      metrics.queued(PLATFORM);
      String waits = enqueued.waitsFor().map(holder -> " It waits for job " + holder.id() + " ("
          + SlackText.code(holder.commandText()) + ", " + holder.status().wire() + "), which holds "
          + SlackText.code(job.rules().lockKey().orElseThrow()) + ".").orElse("");
      return SlackText.ephemeral("Queued as job " + enqueued.jobId() + ": " + SlackText.code(command.text().strip())
          + "." + waits + " The result will be posted here.");
    });
  }

  /** The command waits for approvers: the channel sees a card with Approve and Deny buttons. */
  private Future<JsonObject> holdForApproval(CommandRequest request, NewJob job, Decision decision, long policyVersion,
                                             Instant now) {
    return approvals.request(request, job, decision.approval().orElseThrow(), decision.reason(), policyVersion, now)
        .map(requested -> {
          if (requested.duplicate()) {
            metrics.refused(PLATFORM, "duplicate_delivery");
            return SlackText.ephemeral("Already waiting for approval " + requested.approval().id()
                + " (this request arrived twice).");
          }
          metrics.heldForApproval(PLATFORM);
          return ApprovalCards.pending(requested.approval(), List.of());
        });
  }

  /** Chat users may cancel only the jobs they started (until roles say otherwise). */
  private Future<JsonObject> cancel(CommandRequest request, long jobId) {
    return cancellations.cancel(request.tenantId(), jobId, request.userId(), true).map(outcome -> SlackText.ephemeral(
        switch (outcome) {
          case CANCELLED -> "Cancelled job " + jobId + " before it started.";
          case STOPPING -> "Stopping job " + jobId + "; its result will say when it has stopped.";
          case ALREADY_FINISHED -> "Job " + jobId + " has already ended (or is already being cancelled).";
          case NOT_YOURS -> "Job " + jobId + " was started by someone else; you can cancel only your own jobs.";
          case NOT_FOUND -> "There is no job " + jobId + " here.";
        }));
  }

  private static SlashCommand parseForm(String body) {
    try {
      return SlashCommand.from(FormBody.parse(body));
    } catch (IllegalArgumentException e) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "malformed slash command: " + e.getMessage());
    }
  }

  /**
   * Audits the refusal and tells the user. The message is plain text that may quote what the user
   * typed, so it is escaped: a {@code <!channel>} in a typo never pings anyone.
   */
  private Future<JsonObject> refuse(CommandRequest request, SlashCommand command, String reason, String message) {
    metrics.refused(PLATFORM, reason);
    return refusals.record(request, command.text(), message).map(v -> SlackText.ephemeral(SlackText.escape(message)));
  }

  private static NewJob newJob(CommandRequest request, SlashCommand command, ParsedCommand.Invocation invocation) {
    String delivery = command.triggerId().isEmpty()
        ? DigestUtils.sha256Hex(command.responseUrl())
        : DigestUtils.sha256Hex(command.teamId() + "\n" + command.triggerId());
    JsonObject replyTo = new JsonObject().put("kind", "slack_response_url").put("url", command.responseUrl());
    return new NewJob(request.tenantId(), "slack:" + delivery, PLATFORM, request.userId(), request.channelId(),
        invocation.command(), (command.command() + " " + command.text()).strip(), invocation.action(),
        invocation.arguments(), replyTo, new JobRules(invocation.timeout(), invocation.maxAttempts(),
        invocation.lockKey()));
  }
}

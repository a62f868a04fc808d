package io.switchboard.gateway.command;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.switchboard.core.log.LogContext;
import io.switchboard.core.trace.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.switchboard.core.job.JobRules;
import io.switchboard.core.job.NewJob;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.JobEnqueuer;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.approval.Approvals;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.message.ChatText;
import io.switchboard.tenancy.command.ParsedCommand;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

/**
 * Step 9, the last: queue the job with its audit records ({@link JobEnqueuer}: "Queued as job N", and
 * which job it waits for when another holds its target lock), or, when an approval rule covers it,
 * hold it for approvers ({@link Approvals}: the approval card). A repeated delivery of the same request
 * (same idempotency key) queues or holds nothing new and says so.
 */
final class ApproveOrEnqueue implements CommandStep {

  private static final Logger LOG = LoggerFactory.getLogger(ApproveOrEnqueue.class);

  private final String platform;
  private final Approvals approvals;
  private final JobEnqueuer enqueuer;
  private final GatewayMetrics metrics;

  ApproveOrEnqueue(String platform, Approvals approvals, JobEnqueuer enqueuer, GatewayMetrics metrics) {
    this.platform = platform;
    this.approvals = approvals;
    this.enqueuer = enqueuer;
    this.metrics = metrics;
  }

  /**
   * The job (or approval) carries the traceparent of this step's span, so the executor's spans, the
   * reply's and, after an approval, the approved job's continue the command's trace.
   */
  @Override
  public Future<CommandAnswer> handle(CommandState state, Next next) {
    boolean held = state.decision().approval().isPresent();
    Span span = Tracing.startChild(held ? "approval.request" : "job.enqueue", SpanKind.PRODUCER);
    span.setAttribute(Tracing.COMMAND, state.invocation().command());
    Tracing.current().setAttribute(Tracing.COMMAND, state.invocation().command());
    NewJob job = newJob(state, Tracing.traceparent(span));
    Future<CommandAnswer> answer = held ? holdForApproval(state, job) : enqueue(state, job);
    return Tracing.endWith(span, answer, done -> {
      done.queuedJob().ifPresent(id -> span.setAttribute(Tracing.JOB_ID, id));
      return done.queuedJob().isPresent() ? "queued" : held ? "held" : "duplicate";
    });
  }

  private Future<CommandAnswer> enqueue(CommandState state, NewJob job) {
    ChatCommand command = state.command();
    JsonObject audited = new JsonObject().put("outcome", "allowed").put("reason", state.decision().reason())
        .put("policyVersion", state.policy().version());
    command.rerunOf().ifPresent(original -> audited.put("rerunOf", original));
    // Commands arriving together share one group commit: its answer is brought back to this command's context.
    return LogContext.here(enqueuer.enqueue(job, audited)).map(enqueued -> {
      LogContext.put(LogContext.JOB_ID, String.valueOf(enqueued.jobId()));
      LOG.info(enqueued.duplicate() ? "Command was already queued as job {}" : "Command queued as job {} (action {})",
          enqueued.jobId(), job.action());
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
  private Future<CommandAnswer> holdForApproval(CommandState state, NewJob job) {
    return approvals.request(state.request(), job, state.decision().approval().orElseThrow(),
            state.decision().reason(), state.policy().version(), state.receivedAt())
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

  /** The job's idempotency key is the platform's and the delivery's: a retried delivery makes no second job. */
  private NewJob newJob(CommandState state, String traceParent) {
    ChatCommand command = state.command();
    ParsedCommand.Invocation invocation = state.invocation();
    return new NewJob(state.request().tenantId(), platform + ":" + command.deliveryKey(), platform,
        state.request().userId(), state.request().channelId(), invocation.command(),
        (command.invokedAs() + " " + command.text()).strip(), invocation.action(), invocation.arguments(),
        command.replyTo(), new JobRules(invocation.timeout(), invocation.maxAttempts(), invocation.targetLock()),
        LogContext.current().get(LogContext.CORRELATION_ID), traceParent);
  }
}

package io.switchboard.gateway.approval;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.job.NewJob;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.switchboard.core.trace.Tracing;
import io.switchboard.gateway.JobEnqueuer;
import io.switchboard.tenancy.policy.ApprovalRequirement;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.TenantPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The two-person rule. A command an approval rule covers becomes a pending {@link Approval}; each
 * vote is checked (not the requester, holds the approver role now, votes once, before the deadline)
 * and audited with who cast it; enough approvals turn it into its job in the same transaction, so
 * a double click or a click on two gateway nodes can never make two jobs. A denial or the deadline
 * ends it. Everything lives in PostgreSQL, so approvals survive restarts and any node can take a vote.
 */
public final class Approvals {

  /** What became of a vote. */
  public enum Outcome {
    /** Counted; more approvals are needed. */
    RECORDED,
    /** The last approval needed: the job is queued. */
    APPROVED,
    /** Denied (or withdrawn by the requester): nothing runs. */
    DENIED,
    ALREADY_VOTED,
    OWN_REQUEST,
    NOT_APPROVER,
    /** Already approved, denied or expired before this vote. */
    CLOSED,
    /** The deadline passed before this vote; it is closed now. */
    EXPIRED,
    NOT_FOUND
  }

  /** A vote's outcome, the approval as it stands after it, and who has approved so far. */
  public record VoteResult(Outcome outcome, Approval approval, List<String> approvers) {
  }

  /** A requested approval; {@code duplicate} when a retried delivery found the one it made before. */
  public record Requested(Approval approval, boolean duplicate) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(Approvals.class);
  private static final int EXPIRE_BATCH = 100;

  private final Vertx vertx;
  private final Pool pool;
  private final JobEnqueuer enqueuer;
  private final Duration sweepInterval;
  private final Consumer<Approval> onExpired;
  private long sweepTimer = -1;

  /**
   * @param onExpired told about each approval the sweep closed at its deadline (to update its message)
   */
  public Approvals(Vertx vertx, Pool pool, JobEnqueuer enqueuer, Duration sweepInterval, Consumer<Approval> onExpired) {
    this.vertx = vertx;
    this.pool = pool;
    this.enqueuer = enqueuer;
    this.sweepInterval = sweepInterval;
    this.onExpired = onExpired;
  }

  /** Starts the periodic sweep that closes approvals past their deadline. */
  public void start() {
    sweepTimer = vertx.setPeriodic(sweepInterval.toMillis(), id -> expireDue()
        .onFailure(e -> LOG.warn("Closing expired approvals failed; the next sweep retries: {}", e.getMessage())));
  }

  public void stop() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
  }

  /** Holds {@code job} until {@code requirement} is met; audited as requested. */
  public Future<Requested> request(CommandRequest request, NewJob job, ApprovalRequirement requirement, String reason,
                                   long policyVersion, Instant now) {
    Instant deadline = now.plus(requirement.deadline());
    return pool.withTransaction(tx -> ApprovalStore.insert(tx, job, request.workspaceId(), requirement.rule(),
        requirement.approvals(), requirement.approverRole(), reason, deadline).compose(inserted -> {
          if (inserted.isEmpty()) {
            return ApprovalStore.findByKey(tx, job.tenantId(), job.idempotencyKey())
                .map(existing -> new Requested(existing.orElseThrow(), true));
          }
          Approval approval = inserted.get();
          JsonObject detail = describe(approval).put("platform", job.platform()).put("reason", reason)
              .put("policyVersion", policyVersion).put("deadline", deadline.toString());
          return audit(tx, approval, AuditEventType.APPROVAL_REQUESTED, job.requester(), detail)
              .map(v -> new Requested(approval, false));
        }));
  }

  /**
   * Casts {@code voter}'s vote. {@code policy} is the tenant's current policy (the approver role is
   * checked as it is now); the job's result goes to {@code replyTo}. The vote is a span of the click's
   * trace; one that approves links to the held command's span, whose trace the approved job continues.
   */
  public Future<VoteResult> vote(CommandRequest voter, long approvalId, boolean approve, TenantPolicy policy,
                                 JsonObject replyTo, Instant now) {
    Span span = Tracing.startChild("approval.vote", SpanKind.INTERNAL);
    return Tracing.endWith(span, decideVote(voter, approvalId, approve, policy, replyTo, now), result -> {
      if (result.outcome() == Outcome.APPROVED) {
        Tracing.link(span, result.approval().traceParent());
        result.approval().jobId().ifPresent(id -> span.setAttribute(Tracing.JOB_ID, id));
      }
      return result.outcome().name().toLowerCase(Locale.ROOT);
    });
  }

  private Future<VoteResult> decideVote(CommandRequest voter, long approvalId, boolean approve, TenantPolicy policy,
                                        JsonObject replyTo, Instant now) {
    return pool.withTransaction(tx -> ApprovalStore.lock(tx, voter.tenantId(), approvalId).compose(found -> {
      if (found.isEmpty() || !found.get().platform().equals(voter.platform())) {
        return Future.succeededFuture(new VoteResult(Outcome.NOT_FOUND, null, List.of()));
      }
      Approval approval = found.get();
      if (approval.status() != Approval.Status.PENDING) {
        return ApprovalStore.approvers(tx, approval).map(who -> new VoteResult(Outcome.CLOSED, approval, who));
      }
      if (!now.isBefore(approval.deadline())) {
        return ApprovalStore.decide(tx, approval, Approval.Status.EXPIRED, null, null)
            .compose(expired -> audit(tx, expired, AuditEventType.APPROVAL_EXPIRED, "switchboard", describe(expired))
                .map(v -> new VoteResult(Outcome.EXPIRED, expired, List.of())));
      }
      boolean ownRequest = approval.requester().equals(voter.userId());
      if (ownRequest && approve) {
        return refuse(tx, approval, voter, "the requester cannot approve their own request", Outcome.OWN_REQUEST);
      }
      if (!ownRequest && !policy.holdsRole(voter, approval.approverRole())) {
        return refuse(tx, approval, voter, "voting needs role " + approval.approverRole(), Outcome.NOT_APPROVER);
      }
      return ApprovalStore.vote(tx, approval, voter.userId(), approve).compose(counted -> {
        if (!counted) {
          return ApprovalStore.approvers(tx, approval).map(who -> new VoteResult(Outcome.ALREADY_VOTED, approval, who));
        }
        JsonObject voted = describe(approval).put("vote", approve ? "approve" : "deny").put("withdrawn", ownRequest);
        return audit(tx, approval, AuditEventType.APPROVAL_VOTED, voter.userId(), voted)
            .compose(v -> approve ? countApproval(tx, approval, replyTo) : deny(tx, approval, voter.userId()));
      });
    })).onSuccess(result -> {
      if (result.outcome() == Outcome.APPROVED) {
        enqueuer.wake(new JobEnqueuer.Enqueued(result.approval().jobId().orElseThrow(), false));
      }
    });
  }

  /** Closes every pending approval past its deadline, in batches; returns how many it closed. */
  public Future<Integer> expireDue() {
    return pool.withTransaction(tx -> ApprovalStore.expireDue(tx, EXPIRE_BATCH).compose(expired -> AuditLog.appendAll(tx,
            expired.stream().map(a -> AuditEvent.of(a.tenantId(), AuditEventType.APPROVAL_EXPIRED, "switchboard", null,
                describe(a))).toList()).map(v -> expired)))
        .map(expired -> {
          expired.forEach(onExpired);
          return expired.size();
        });
  }

  private Future<VoteResult> countApproval(SqlConnection tx, Approval approval, JsonObject replyTo) {
    return ApprovalStore.approvers(tx, approval).compose(approvers -> {
      if (approvers.size() < approval.approvalsNeeded()) {
        return Future.succeededFuture(new VoteResult(Outcome.RECORDED, approval, approvers));
      }
      JsonObject decision = new JsonObject().put("outcome", "approved").put("reason", approval.reason())
          .put("rule", approval.rule()).put("approvers", new JsonArray(approvers)).put("approval", approval.id());
      return JobEnqueuer.insert(tx, approval.job(replyTo), decision)
          .compose(enqueued -> ApprovalStore.decide(tx, approval, Approval.Status.APPROVED,
              approvers.get(approvers.size() - 1), enqueued.jobId()))
          .compose(approved -> audit(tx, approved, AuditEventType.APPROVAL_GRANTED, approvers.get(approvers.size() - 1),
                  describe(approved).put("approvers", new JsonArray(approvers)))
              .map(v -> new VoteResult(Outcome.APPROVED, approved, approvers)));
    });
  }

  private static Future<VoteResult> deny(SqlConnection tx, Approval approval, String by) {
    return ApprovalStore.decide(tx, approval, Approval.Status.DENIED, by, null)
        .compose(denied -> audit(tx, denied, AuditEventType.APPROVAL_DENIED, by, describe(denied))
            .map(v -> new VoteResult(Outcome.DENIED, denied, List.of())));
  }

  private static Future<VoteResult> refuse(SqlConnection tx, Approval approval, CommandRequest voter, String why,
                                           Outcome outcome) {
    return audit(tx, approval, AuditEventType.APPROVAL_VOTE_REFUSED, voter.userId(), describe(approval).put("reason", why))
        .compose(v -> ApprovalStore.approvers(tx, approval))
        .map(who -> new VoteResult(outcome, approval, who));
  }

  private static JsonObject describe(Approval approval) {
    return new JsonObject().put("approval", approval.id()).put("command", approval.command())
        .put("text", approval.commandText()).put("rule", approval.rule()).put("requester", approval.requester())
        .put("status", approval.status().wire());
  }

  private static Future<Void> audit(SqlConnection tx, Approval approval, AuditEventType type, String actor,
                                    JsonObject detail) {
    return AuditLog.append(tx, AuditEvent.of(approval.tenantId(), type, actor, approval.jobId().orElse(null), detail))
        .mapEmpty();
  }
}

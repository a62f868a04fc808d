package io.switchboard.gateway.platform;

import io.switchboard.gateway.approval.Approval;
import io.switchboard.gateway.reply.ReplyChannel;
import io.vertx.core.Future;

/**
 * One {@code reply_to.kind} a platform answers: how a finished job's result reaches where its command
 * came from, and how an approval that expired unanswered is told there. A kind no platform claims is
 * never answered (the reply path gives up on it and says so), so a platform must name every kind it
 * writes into {@code jobs.reply_to} and {@code approvals.reply_to}.
 *
 * @param kind    the {@code reply_to.kind} value
 * @param results delivers job results
 * @param expiry  tells the requester's conversation that the approval expired
 */
public record ReplyDestination(String kind, ReplyChannel results, ApprovalExpiry expiry) {

  /** Tells the conversation an approval came from that it expired unanswered. */
  @FunctionalInterface
  public interface ApprovalExpiry {

    /** A failed future is logged; the expiry itself stands (the approval is closed already). */
    Future<Void> tell(Approval expired);
  }
}

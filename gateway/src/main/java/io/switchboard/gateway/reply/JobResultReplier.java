package io.switchboard.gateway.reply;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.http.DatabaseFailures;
import io.switchboard.core.job.JobFinished;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.switchboard.core.log.LogContext;
import io.switchboard.core.trace.Tracing;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.pacing.ChannelBusy;
import io.switchboard.gateway.pacing.ChannelKey;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.jobs.ReplyOutbox;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reply path for finished jobs: when a job finishes (event bus), or when the periodic sweep
 * finds a reply still owed (a lost event, a failed post, another gateway that died), it claims the
 * reply in the {@link ReplyOutbox}, delivers it through the {@link ReplyChannel} of the job's
 * {@code reply_to.kind} (each platform's), and marks it sent or schedules a retry. A result the
 * channel's outbound queue had no room for ({@link ChannelBusy}) is offered again on a later sweep
 * without using up an attempt. A kind no channel serves is left owed.
 *
 * <p>Once a channel's queue has refused a result, the replier leaves that channel's results owed
 * and unclaimed while the queue stays full (a finished-job event is not claimed; a sweep claims only
 * as many as the queue has room for and puts the rest off in one statement): a flood into one
 * channel costs no database writes per result beyond the ones that get posted.
 */
public final class JobResultReplier {

  private static final Logger LOG = LoggerFactory.getLogger(JobResultReplier.class);
  /** The first wait before marking a posted result sent again; it doubles up to {@link #MARK_RETRY_MAX}. */
  private static final Duration MARK_RETRY_FIRST = Duration.ofMillis(250);
  private static final Duration MARK_RETRY_MAX = Duration.ofSeconds(2);
  /** How long a posted result's mark is tried while the database is unavailable. */
  private static final Duration MARK_RETRY_FOR = Duration.ofMinutes(10);

  private final Vertx vertx;
  private final ReplyOutbox outbox;
  private final GatewayMetrics metrics;
  private final Duration sweepInterval;
  private final Map<String, ReplyChannel> channels;
  private final ChannelPacer pacer;
  /** Where jobs ran whose results a full outbound queue refused, with the pacer's key for that queue. */
  private final Map<JobChannel, ChannelKey> fullChannels = new HashMap<>();
  /** Claims in flight for those channels: results on their way into the queue, counted against its room. */
  private final Map<JobChannel, Integer> claiming = new HashMap<>();
  private MessageConsumer<JsonObject> consumer;
  private long sweepTimer = -1;

  /**
   * @param channels how results are delivered, by {@code reply_to.kind}
   * @param pacer    the outbound queues whose room decides how many results a sweep claims per channel
   */
  public JobResultReplier(Vertx vertx, ReplyOutbox outbox, GatewayMetrics metrics, Duration sweepInterval,
                          Map<String, ReplyChannel> channels, ChannelPacer pacer) {
    this.channels = Map.copyOf(channels);
    this.pacer = pacer;
    this.vertx = vertx;
    this.outbox = outbox;
    this.metrics = metrics;
    this.sweepInterval = sweepInterval;
  }

  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(EventBusAddresses.JOBS_FINISHED, message -> {
      JobFinished finished = JobFinished.fromJson(message.body());
      if (finished.channel() == null) {
        deliver(finished.tenantId(), finished.jobId());
      } else {
        JobChannel where = new JobChannel(finished.tenantId(), finished.platform(), finished.channel());
        if (room(where) > 0) {
          deliverInto(where, finished.tenantId(), finished.jobId());
        }
      }
    });
    sweepTimer = vertx.setPeriodic(sweepInterval.toMillis(), id -> sweep());
    return consumer.completion();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(sweepTimer);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void sweep() {
    // Forget the channels whose queue has emptied, so one never heard from again is not kept.
    fullChannels.entrySet().removeIf(full -> !claiming.containsKey(full.getKey())
        && pacer.room(full.getValue()) >= pacer.capacity());
    outbox.due()
        .compose(due -> {
          Map<JobChannel, Integer> room = new HashMap<>();
          List<ReplyOutbox.DueReply> later = new ArrayList<>();
          for (ReplyOutbox.DueReply reply : due) {
            JobChannel where = new JobChannel(reply.tenantId(), reply.platform(), reply.channel());
            // Never more than one queue's worth per channel and sweep: a queue that emptied since takes no more.
            int left = room.computeIfAbsent(where, w -> Math.min(room(w), pacer.capacity()));
            if (left > 0) {
              room.put(where, left - 1);
              deliverInto(where, reply.tenantId(), reply.jobId());
            } else {
              later.add(reply);
            }
          }
          return outbox.postpone(later, sweepInterval);
        })
        .onFailure(e -> LOG.warn("Looking for owed replies failed; the next sweep retries: {}", e.getMessage()));
  }

  /**
   * How many more results the channel a job ran in can take now: unlimited until its queue refuses
   * one, then what the queue has room for, until it has emptied.
   */
  private int room(JobChannel where) {
    ChannelKey queue = fullChannels.get(where);
    if (queue == null) {
      return Integer.MAX_VALUE;
    }
    int inFlight = claiming.getOrDefault(where, 0);
    if (inFlight == 0 && pacer.room(queue) >= pacer.capacity()) {
      fullChannels.remove(where);
      return Integer.MAX_VALUE;
    }
    return Math.max(0, pacer.room(queue) - inFlight);
  }

  /** {@link #deliver}, counting the claim against the room of the channel's queue while it is in flight. */
  private void deliverInto(JobChannel where, String tenantId, long jobId) {
    if (!fullChannels.containsKey(where)) {
      deliver(tenantId, jobId);
      return;
    }
    claiming.merge(where, 1, Integer::sum);
    deliver(tenantId, jobId, () -> claiming.computeIfPresent(where, (k, n) -> n > 1 ? n - 1 : null));
  }

  /** Posts the job's result if its reply is due and unclaimed; otherwise does nothing. */
  Future<Void> deliver(String tenantId, long jobId) {
    return deliver(tenantId, jobId, () -> { });
  }

  /**
   * Each reply runs on its own duplicated context of the replier's (same event loop, so its state is
   * still only touched from there) carrying the job's log fields; claims arriving together share a
   * transaction, whose answer is brought back to it.
   */
  private Future<Void> deliver(String tenantId, long jobId, Runnable claimSettled) {
    Context current = Vertx.currentContext();
    if (current == null) {
      return deliverHere(tenantId, jobId, claimSettled);
    }
    Context replyContext = LogContext.duplicate(current, Map.of(LogContext.TENANT, tenantId,
        LogContext.JOB_ID, String.valueOf(jobId)));
    return LogContext.on(replyContext, () -> deliverHere(tenantId, jobId, claimSettled));
  }

  private Future<Void> deliverHere(String tenantId, long jobId, Runnable claimSettled) {
    return LogContext.here(outbox.claim(tenantId, jobId))
        .onComplete(ar -> claimSettled.run())
        .compose(claimed -> claimed.map(reply -> {
          LogContext.put(LogContext.PLATFORM, reply.job().platform());
          LogContext.put(LogContext.CORRELATION_ID, reply.correlationId());
          return traced(reply);
        }).orElse(Future.succeededFuture()))
        .onFailure(e -> LOG.warn("Reply for job {} not delivered yet: {}", jobId, e.getMessage()));
  }

  /** Posts the reply in a span of the trace of the command that queued the job (from the job row). */
  private Future<Void> traced(ReplyOutbox.PendingReply reply) {
    Span span = Tracing.startUnder(reply.traceParent(), "reply.post", SpanKind.CLIENT, null);
    span.setAttribute(Tracing.PLATFORM, reply.job().platform());
    span.setAttribute(Tracing.TENANT, reply.job().tenantId());
    span.setAttribute(Tracing.JOB_ID, reply.job().id());
    Tracing.makeCurrent(span);
    return post(reply, span).andThen(ar -> {
      if (ar.failed()) {
        Tracing.failed(span, ar.cause());
      }
      span.end();
    });
  }

  /** Posts the reply; {@code span}'s outcome says how it went (sent, deferred, retry, abandoned). */
  private Future<Void> post(ReplyOutbox.PendingReply reply, Span span) {
    ReplyChannel channel = channels.get(reply.job().replyTo().getString("kind"));
    if (channel == null) {
      span.setAttribute(Tracing.OUTCOME, "no_channel");
      return Future.succeededFuture();
    }
    // A channel paces its posts in one queue: the post's outcome comes back to this reply's context.
    return LogContext.here(channel.deliver(reply.job()))
        .transform(ar -> {
          if (ar.succeeded()) {
            metrics.reply(reply.job().platform(), "sent");
            span.setAttribute(Tracing.OUTCOME, "sent");
            LOG.debug("Result of job {} posted (attempt {})", reply.job().id(), reply.attempt());
            return markSent(reply, MARK_RETRY_FIRST, System.nanoTime() + MARK_RETRY_FOR.toNanos());
          }
          if (ar.cause() instanceof ChannelBusy busy) {
            fullChannels.put(new JobChannel(reply.job().tenantId(), reply.job().platform(), reply.job().channel()),
                busy.channel());
            metrics.reply(reply.job().platform(), "deferred");
            span.setAttribute(Tracing.OUTCOME, "deferred");
            return outbox.defer(reply, sweepInterval);
          }
          String why = String.valueOf(ar.cause().getMessage());
          boolean lastTry = reply.attempt() >= ReplyOutbox.MAX_ATTEMPTS;
          metrics.reply(reply.job().platform(), lastTry ? "abandoned" : "retry");
          span.setAttribute(Tracing.OUTCOME, lastTry ? "abandoned" : "retry");
          span.setStatus(StatusCode.ERROR, ar.cause().getClass().getSimpleName());
          LOG.warn("Posting the result of job {} failed (attempt {}): {}", reply.job().id(), reply.attempt(), why);
          return lastTry ? Future.succeededFuture() : outbox.retryLater(reply);
        });
  }

  /**
   * Records that the result went out. While the database is unavailable the mark is tried again
   * (after 0.25 s, doubling up to 2 s, for up to 10 minutes): left alone, the claim would lapse
   * after 30 s and a gateway would post the result a second time. A gateway that dies meanwhile
   * still leaves it to be posted again.
   */
  private Future<Void> markSent(ReplyOutbox.PendingReply reply, Duration wait, long giveUpAt) {
    return outbox.markSent(reply).recover(failure -> {
      if (!DatabaseFailures.unavailable(failure) || System.nanoTime() > giveUpAt) {
        return Future.failedFuture(failure);
      }
      if (wait.equals(MARK_RETRY_FIRST)) {
        LOG.warn("The result of job {} was posted but could not be marked sent ({}); trying again while the "
            + "database is unavailable", reply.job().id(), failure.getMessage());
      }
      Promise<Void> marked = Promise.promise();
      Duration next = wait.multipliedBy(2).compareTo(MARK_RETRY_MAX) > 0 ? MARK_RETRY_MAX : wait.multipliedBy(2);
      vertx.setTimer(wait.toMillis(), id -> markSent(reply, next, giveUpAt).onComplete(marked));
      return marked.future();
    });
  }

  /** Where a job ran: its tenant, platform and chat channel. */
  private record JobChannel(String tenantId, String platform, String channel) {
  }
}

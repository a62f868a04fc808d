package io.switchboard.executor;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.executor.action.Action;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionRegistry;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.jobs.ClaimedJob;
import io.switchboard.jobs.JobQueue;
import io.switchboard.jobs.RecordedOutcome;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.core.log.LogContext;
import io.switchboard.core.trace.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs jobs: claims them from the {@link JobQueue} when woken over the event bus and on a poll timer
 * (so a lost wake-up only delays a job), runs each job's {@link Action} under its timeout, keeps its
 * lease alive with heartbeats, stops it when it is cancelled or its lease is lost, and records the
 * outcome with the lease's fencing token. Final outcomes are published on
 * {@link EventBusAddresses#JOBS_FINISHED}. The poll also takes back jobs whose executor died.
 *
 * <p>On undeploy it stops claiming, lets running jobs finish for up to the grace period, and puts
 * the rest back in the queue so another executor runs them.
 */
public final class ExecutorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorVerticle.class);
  private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("switchboard.job.attempt");

  /**
   * @param concurrency       how many jobs this verticle runs at once
   * @param pollInterval      how often it looks for work (and dead executors' jobs) without a wake-up
   * @param heartbeatInterval how often it extends the leases of its running jobs (well under a lease)
   * @param shutdownGrace     how long undeploy waits for running jobs before releasing them
   * @param queueDepthInterval how often it refreshes the queue-depth and oldest-waiting-job gauges (not on every poll)
   */
  public record ExecutorSettings(int concurrency, Duration pollInterval, Duration heartbeatInterval,
                                 Duration shutdownGrace, Duration queueDepthInterval) {

    /** How often the queue-depth gauge is refreshed unless said otherwise: well within a Prometheus scrape. */
    public static final Duration DEFAULT_QUEUE_DEPTH_INTERVAL = Duration.ofSeconds(5);

    public ExecutorSettings(int concurrency, Duration pollInterval, Duration heartbeatInterval, Duration shutdownGrace) {
      this(concurrency, pollInterval, heartbeatInterval, shutdownGrace, DEFAULT_QUEUE_DEPTH_INTERVAL);
    }
  }

  /** Why a running action was told to stop. */
  private enum StopReason { TIMEOUT, CANCELLED, LEASE_LOST, SHUTDOWN }

  /** A job running here, and the signal that stops its action. */
  /** How often a running job's progress line is written at most. */
  static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

  private static final class RunningJob {
    final ClaimedJob job;
    final Promise<String> stop = Promise.promise();
    StopReason reason;
    String message;

    RunningJob(ClaimedJob job) {
      this.job = job;
    }

    void stop(StopReason why, String text) {
      if (reason == null) {
        reason = why;
        message = text;
        stop.tryComplete(text);
      }
    }
  }

  private final JobQueue queue;
  private final ActionRegistry actions;
  private final SecretStore secrets;
  private final ExecutorSettings settings;
  private final ExecutorMetrics metrics;
  private final Map<Long, RunningJob> running = new ConcurrentHashMap<>();

  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long pollTimer;
  private long heartbeatTimer;
  private long queueDepthTimer;
  private boolean claiming;
  private boolean claimAgain;
  private boolean stopping;
  private Future<?> claimInFlight = Future.succeededFuture();
  private Future<?> reapInFlight = Future.succeededFuture();
  private Promise<Void> drained;

  public ExecutorVerticle(JobQueue queue, ActionRegistry actions, SecretStore secrets, ExecutorSettings settings,
                          MeterRegistry registry) {
    this.queue = queue;
    this.actions = actions;
    this.secrets = secrets;
    this.settings = settings;
    this.metrics = new ExecutorMetrics(registry);
  }

  @Override
  public Future<?> start() {
    consumers.add(vertx.eventBus().<Long>consumer(EventBusAddresses.JOBS_WAKEUP, message -> claimRound()));
    consumers.add(vertx.eventBus().<JsonObject>consumer(EventBusAddresses.JOBS_CANCEL, message -> {
      RunningJob job = running.get(message.body().getLong("jobId"));
      if (job != null && job.job.tenantId().equals(message.body().getString("tenantId"))) {
        job.stop(StopReason.CANCELLED, "cancelled by " + message.body().getString("by"));
      }
    }));
    pollTimer = vertx.setPeriodic(settings.pollInterval().toMillis(), id -> poll());
    heartbeatTimer = vertx.setPeriodic(settings.heartbeatInterval().toMillis(), id -> heartbeat());
    queueDepthTimer = vertx.setPeriodic(1, settings.queueDepthInterval().toMillis(), id -> measureQueueDepth());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).onSuccess(v -> poll());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(queueDepthTimer);
    drained = Promise.promise();
    long graceTimer = vertx.setTimer(settings.shutdownGrace().toMillis(), id -> drained.tryComplete());
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
        // A claim in flight still hands its jobs to run(); wait for it so they are drained or released too.
        .compose(v -> Future.join(claimInFlight, reapInFlight).transform(ar -> Future.succeededFuture()))
        .compose(v -> {
          if (running.isEmpty()) {
            drained.tryComplete();
          }
          return drained.future();
        })
        .compose(v -> {
          vertx.cancelTimer(graceTimer);
          vertx.cancelTimer(heartbeatTimer);
          return releaseUnfinished();
        });
  }

  private void poll() {
    if (stopping) {
      return;
    }
    reapInFlight = queue.reapExpiredLeases()
        .onSuccess(failed -> failed.forEach(done -> {
          metrics.finishedUnrun(done.status());
          publish(done);
        }))
        .onFailure(e -> LOG.warn("Taking back expired leases failed; the next poll retries: {}", e.getMessage()))
        .onComplete(ar -> claimRound());
  }

  private void measureQueueDepth() {
    queue.queueDepth().onSuccess(metrics::queueDepth)
        .onFailure(e -> LOG.debug("Counting the queue failed; the gauge keeps its last value: {}", e.getMessage()));
    queue.oldestWaiting().onSuccess(metrics::oldestWaiting)
        .onFailure(e -> LOG.debug("Reading the oldest waiting job failed; the gauge keeps its last value: {}",
            e.getMessage()));
  }

  /** Claims as many jobs as there is free capacity for; runs again if woken meanwhile. */
  private void claimRound() {
    if (stopping) {
      return;
    }
    if (claiming) {
      claimAgain = true;
      return;
    }
    int free = settings.concurrency() - running.size();
    if (free <= 0) {
      return;
    }
    claiming = true;
    claimAgain = false;
    Instant claimStarted = Instant.now();
    claimInFlight = queue.claim(free)
        .onSuccess(jobs -> jobs.forEach(job -> run(job, claimStarted)))
        .onFailure(e -> LOG.warn("Claiming jobs failed; the next poll retries: {}", e.getMessage()))
        .onComplete(ar -> {
          claiming = false;
          boolean full = ar.succeeded() && ar.result().size() == free;
          if (claimAgain || full) {
            claimRound();
          }
        });
  }

  /**
   * Runs a claimed job on its own duplicated context of this verticle's (same event loop, so the
   * executor's state is still only touched from it) that carries the job's log fields: the
   * correlation id of the request that queued it, tenant, platform and job id. Its claim and its run
   * are spans of the trace of the command that queued it (from the job row's trace parent); the run's
   * span is current on the job's context, so the action's outbound calls are its children.
   */
  private void run(ClaimedJob job, Instant claimStarted) {
    RunningJob runningJob = new RunningJob(job);
    running.put(job.id(), runningJob);
    metrics.claimed(job.waited());
    Instant started = Instant.now();
    Map<String, String> fields = new HashMap<>();
    fields.put(LogContext.CORRELATION_ID, job.correlationId());
    fields.put(LogContext.TENANT, job.tenantId());
    fields.put(LogContext.PLATFORM, job.job().platform());
    fields.put(LogContext.JOB_ID, String.valueOf(job.id()));
    Context jobContext = LogContext.duplicate(context, fields);
    LogContext.on(jobContext, () -> {
      jobSpan(job, Tracing.startUnder(job.traceParent(), "job.claim", SpanKind.CONSUMER, claimStarted))
          .setAttribute(ATTEMPT, (long) job.attempt()).end();
      Span runSpan = jobSpan(job, Tracing.startUnder(job.traceParent(), "job.run", SpanKind.INTERNAL, null));
      Tracing.makeCurrent(runSpan);
      LOG.debug("Job {} attempt {} claimed (action {}, waited {} ms)", job.id(), job.attempt(), job.job().action(),
          job.waited().toMillis());
      return Tracing.endWith(runSpan, runAction(runningJob, jobContext)
          // Finishes arriving together share one transaction: the outcome comes back to this job's context.
          .compose(result -> LogContext.here(record(runningJob, result))), ExecutorVerticle::outcomeTag);
    })
        .onSuccess(outcome -> recorded(runningJob, outcome, started))
        .onFailure(e -> LOG.warn("Recording the outcome of job {} failed; its lease will expire and it runs again: {}",
            job.id(), e.getMessage()))
        .onComplete(ar -> {
          running.remove(job.id());
          if (stopping && running.isEmpty() && drained != null) {
            drained.tryComplete();
          }
          claimRound();
        });
  }

  /** {@code span} with the job's attributes: never its arguments. */
  private Span jobSpan(ClaimedJob job, Span span) {
    return span.setAttribute(Tracing.JOB_ID, job.id())
        .setAttribute(Tracing.TENANT, job.tenantId())
        .setAttribute(Tracing.PLATFORM, job.job().platform())
        .setAttribute(Tracing.COMMAND, job.job().command())
        .setAttribute(Tracing.ACTION, job.job().action());
  }

  /** Runs the action until it ends or is stopped; always completes on the job's context (on this verticle's loop). */
  private Future<ActionResult> runAction(RunningJob runningJob, Context jobContext) {
    ClaimedJob job = runningJob.job;
    Optional<Action> action = actions.find(job.job().action());
    if (action.isEmpty()) {
      return Future.succeededFuture(ActionResult.failure("no action of type '" + job.job().action() + "' is installed"));
    }
    JobSecrets jobSecrets = new JobSecrets(secrets, job.tenantId());
    ProgressRelay progress = new ProgressRelay(jobContext, queue, job, jobSecrets, PROGRESS_INTERVAL);
    ActionContext actionContext = new ActionContext(vertx, job.tenantId(), job.id(), job.attempt(), job.idempotencyKey(),
        job.job().arguments(), jobSecrets, runningJob.stop.future(), progress);
    Future<ActionResult> outcome;
    try {
      outcome = action.get().run(actionContext);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    Duration timeout = job.timeout();
    Promise<ActionResult> result = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()),
        id -> runningJob.stop(StopReason.TIMEOUT, "timed out after " + describe(timeout)));
    runningJob.stop.future().onSuccess(message -> result.tryComplete(
        runningJob.reason == StopReason.TIMEOUT ? ActionResult.timedOut(message) : ActionResult.failure(message)));
    // An action's future may complete on any thread; its outcome is brought back to this verticle's
    // context, so the executor's state is only ever touched from its own event loop.
    outcome.onComplete(ar -> jobContext.runOnContext(v -> {
      vertx.cancelTimer(timer);
      result.tryComplete(ar.succeeded() ? ar.result() : ActionResult.failure("the action failed: " + ar.cause().getMessage()));
    }));
    return result.future().onComplete(ar -> progress.close()).map(jobSecrets::redact);
  }

  private Future<RecordedOutcome> record(RunningJob runningJob, ActionResult result) {
    StopReason reason = runningJob.reason;
    if (reason == StopReason.CANCELLED) {
      return queue.finishCancelled(runningJob.job, runningJob.message);
    }
    if (reason == StopReason.LEASE_LOST || reason == StopReason.SHUTDOWN) {
      return Future.succeededFuture(new RecordedOutcome.LeaseLost());
    }
    return queue.finish(runningJob.job, result.asAttempt());
  }

  private void recorded(RunningJob runningJob, RecordedOutcome outcome, Instant started) {
    ClaimedJob job = runningJob.job;
    Duration ran = Duration.between(started, Instant.now());
    metrics.ran(ran);
    metrics.actionRan(actions.find(job.job().action()).isPresent() ? job.job().action() : ExecutorMetrics.UNKNOWN_ACTION,
        outcomeTag(outcome), ran);
    if (outcome instanceof RecordedOutcome.LeaseLost && runningJob.reason == StopReason.SHUTDOWN) {
      LOG.info("Job {} attempt {} was stopped for shutdown; it is released to the queue", job.id(), job.attempt());
    } else if (outcome instanceof RecordedOutcome.LeaseLost) {
      metrics.leaseLost();
      LOG.info("Job {} attempt {} ended without a lease; nothing recorded for it", job.id(), job.attempt());
    } else if (outcome instanceof RecordedOutcome.RetryScheduled retry) {
      metrics.retried();
      LOG.info("Job {} attempt {} failed and is retried in {} ms", job.id(), job.attempt(), retry.backoff().toMillis());
    } else if (outcome instanceof RecordedOutcome.Final done) {
      LOG.info("Job {} attempt {} {} after {} ms", job.id(), job.attempt(), done.finished().status().wire(),
          ran.toMillis());
      metrics.finished(done.finished().status(), job.job().createdAt(), job.attempt());
      publish(done.finished());
    }
  }

  /** The outcome tag of {@code switchboard.job.action.duration}: the final status, {@code retried} or {@code lease_lost}. */
  private static String outcomeTag(RecordedOutcome outcome) {
    if (outcome instanceof RecordedOutcome.Final done) {
      return done.finished().status().wire();
    }
    return outcome instanceof RecordedOutcome.RetryScheduled ? "retried" : "lease_lost";
  }

  private void heartbeat() {
    List<ClaimedJob> jobs = running.values().stream().map(r -> r.job).toList();
    if (jobs.isEmpty()) {
      return;
    }
    queue.heartbeat(jobs)
        .onSuccess(beat -> {
          beat.lost().forEach(id -> stopRunning(id, StopReason.LEASE_LOST, "this executor lost the job's lease"));
          beat.cancelRequested().forEach(id -> stopRunning(id, StopReason.CANCELLED, "cancelled on request"));
        })
        .onFailure(e -> LOG.warn("Heartbeat failed; leases run out if this persists: {}", e.getMessage()));
  }

  private void stopRunning(long jobId, StopReason reason, String message) {
    RunningJob job = running.get(jobId);
    if (job != null) {
      job.stop(reason, message);
    }
  }

  private void publish(JobFinished finished) {
    vertx.eventBus().publish(EventBusAddresses.JOBS_FINISHED, finished.toJson());
  }

  private Future<Void> releaseUnfinished() {
    List<Future<Boolean>> releases = new ArrayList<>();
    for (RunningJob job : running.values()) {
      job.stop(StopReason.SHUTDOWN, "the executor is shutting down");
      releases.add(queue.release(job.job, "executor shutting down"));
    }
    if (!releases.isEmpty()) {
      LOG.info("Released {} unfinished job(s) back to the queue", releases.size());
    }
    return Future.join(releases).mapEmpty();
  }

  private static String describe(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }
}

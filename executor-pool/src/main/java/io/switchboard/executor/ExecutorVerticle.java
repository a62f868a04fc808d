package io.switchboard.executor;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobStatus;
import io.switchboard.executor.action.Action;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionRegistry;
import io.switchboard.executor.action.ActionResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs jobs: claims them from the {@link JobQueue} when woken over the event bus and on a poll timer
 * (so a lost wake-up only delays a job), runs each job's {@link Action} under a timeout, records the
 * outcome with the lease's fencing token, and publishes {@link EventBusAddresses#JOBS_FINISHED}.
 *
 * <p>On undeploy it stops claiming, lets running jobs finish for up to the grace period, and puts
 * the rest back in the queue so another executor runs them.
 */
public final class ExecutorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorVerticle.class);

  private final JobQueue queue;
  private final ActionRegistry actions;
  private final ExecutorSettings settings;
  private final ExecutorMetrics metrics;
  private final Map<Long, ClaimedJob> running = new ConcurrentHashMap<>();

  private MessageConsumer<Long> wakeups;
  private long pollTimer;
  private boolean claiming;
  private boolean claimAgain;
  private boolean stopping;
  private Future<?> claimInFlight = Future.succeededFuture();
  private Promise<Void> drained;

  /**
   * @param concurrency   how many jobs this verticle runs at once
   * @param pollInterval  how often it looks for work without a wake-up
   * @param actionTimeout how long an action may run before it is failed
   * @param shutdownGrace how long undeploy waits for running jobs before releasing them
   */
  public record ExecutorSettings(int concurrency, Duration pollInterval, Duration actionTimeout, Duration shutdownGrace) {
  }

  public ExecutorVerticle(JobQueue queue, ActionRegistry actions, ExecutorSettings settings, MeterRegistry registry) {
    this.queue = queue;
    this.actions = actions;
    this.settings = settings;
    this.metrics = new ExecutorMetrics(registry);
  }

  @Override
  public Future<?> start() {
    wakeups = vertx.eventBus().<Long>consumer(EventBusAddresses.JOBS_WAKEUP, message -> claimRound());
    pollTimer = vertx.setPeriodic(settings.pollInterval().toMillis(), id -> {
      claimRound();
      failExhausted();
    });
    return wakeups.completion().onSuccess(v -> claimRound());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(pollTimer);
    drained = Promise.promise();
    long graceTimer = vertx.setTimer(settings.shutdownGrace().toMillis(), id -> drained.tryComplete());
    return wakeups.unregister()
        // A claim in flight still hands its jobs to run(); wait for it so they are drained or released too.
        .compose(v -> claimInFlight.transform(ar -> Future.succeededFuture()))
        .compose(v -> {
          if (running.isEmpty()) {
            drained.tryComplete();
          }
          return drained.future();
        })
        .compose(v -> {
          vertx.cancelTimer(graceTimer);
          return releaseUnfinished();
        });
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
    claimInFlight = queue.claim(free)
        .onSuccess(jobs -> jobs.forEach(this::run))
        .onFailure(e -> LOG.warn("Claiming jobs failed; the next poll retries: {}", e.getMessage()))
        .onComplete(ar -> {
          claiming = false;
          boolean full = ar.succeeded() && ar.result().size() == free;
          if (claimAgain || full) {
            claimRound();
          }
        });
  }

  private void run(ClaimedJob job) {
    running.put(job.id(), job);
    Instant started = Instant.now();
    runAction(job)
        .compose(result -> queue.finish(job,
            result.succeeded() ? JobStatus.SUCCEEDED : JobStatus.FAILED, result.output(), result.error()))
        .onSuccess(finished -> published(job, finished, started))
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

  private Future<ActionResult> runAction(ClaimedJob job) {
    Optional<Action> action = actions.find(job.job().action());
    if (action.isEmpty()) {
      return Future.succeededFuture(ActionResult.failure("no action of type '" + job.job().action() + "' is installed"));
    }
    ActionContext context = new ActionContext(vertx, job.tenantId(), job.id(), job.idempotencyKey(), job.job().arguments());
    Future<ActionResult> outcome;
    try {
      outcome = action.get().run(context);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    Duration timeout = settings.actionTimeout();
    // An action's future may complete on any thread (a plain Promise completes where it is completed,
    // and Future.timeout fires off-context for it); the outcome is brought back to this verticle's
    // context, so the executor's state is only ever touched from its own event loop.
    Promise<ActionResult> result = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()),
        id -> result.tryComplete(ActionResult.failure("timed out after " + timeout.toSeconds() + " s")));
    outcome.onComplete(ar -> this.context.runOnContext(v -> {
      vertx.cancelTimer(timer);
      result.tryComplete(ar.succeeded() ? ar.result() : ActionResult.failure("the action failed: " + ar.cause().getMessage()));
    }));
    return result.future();
  }

  private void published(ClaimedJob job, Optional<JobFinished> finished, Instant started) {
    if (finished.isEmpty()) {
      metrics.leaseLost();
      LOG.warn("Job {} lost its lease before finishing; the newer attempt's result stands", job.id());
      return;
    }
    metrics.finished(finished.get().status(), job.job().createdAt(), Duration.between(started, Instant.now()));
    vertx.eventBus().publish(EventBusAddresses.JOBS_FINISHED, finished.get().toJson());
  }

  private void failExhausted() {
    if (stopping) {
      return;
    }
    queue.failExhausted()
        .onSuccess(failed -> failed.forEach(finished -> {
          metrics.exhausted();
          vertx.eventBus().publish(EventBusAddresses.JOBS_FINISHED, finished.toJson());
        }))
        .onFailure(e -> LOG.warn("Failing exhausted jobs failed; the next poll retries: {}", e.getMessage()));
  }

  private Future<Void> releaseUnfinished() {
    List<Future<Boolean>> releases = new ArrayList<>();
    for (ClaimedJob job : running.values()) {
      releases.add(queue.release(job, "executor shutting down"));
    }
    if (!releases.isEmpty()) {
      LOG.info("Released {} unfinished job(s) back to the queue", releases.size());
    }
    return Future.join(releases).mapEmpty();
  }
}

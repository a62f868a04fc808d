package io.switchboard.executor;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobProgress;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.executor.action.Progress;
import io.switchboard.jobs.ClaimedJob;
import io.switchboard.jobs.JobQueue;
import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Carries one running job's progress lines to its job row and the event bus. The latest line wins:
 * lines are redacted, then cut to {@link #MAX_CHARS}, written at most once per {@code interval} (a
 * chatty action costs one small update a second, not one per line), only while the attempt holds
 * its lease, and announced on {@link EventBusAddresses#JOBS_PROGRESS} once stored. Everything runs
 * on the executor's context, whichever thread the action reports from; after {@link #close()} lines
 * are dropped.
 */
final class ProgressRelay implements Progress {

  static final int MAX_CHARS = 500;

  private static final Logger LOG = LoggerFactory.getLogger(ProgressRelay.class);

  private final Context context;
  private final JobQueue queue;
  private final ClaimedJob job;
  private final JobSecrets secrets;
  private final long intervalNanos;
  private String pending;
  private boolean scheduled;
  private boolean closed;
  private long lastWrite;

  ProgressRelay(Context context, JobQueue queue, ClaimedJob job, JobSecrets secrets, Duration interval) {
    this.context = context;
    this.queue = queue;
    this.job = job;
    this.secrets = secrets;
    this.intervalNanos = interval.toNanos();
    this.lastWrite = System.nanoTime() - intervalNanos;
  }

  @Override
  public void report(String line) {
    if (line == null || line.isBlank()) {
      return;
    }
    // Redacted before it is cut, so the cut cannot leave part of a secret unrecognised.
    String redacted = secrets.redact(line.strip());
    String text = redacted.length() <= MAX_CHARS ? redacted : redacted.substring(0, MAX_CHARS) + "…";
    context.runOnContext(v -> offer(text));
  }

  /** Drops whatever is still pending and every later line (the job has ended). */
  void close() {
    context.runOnContext(v -> closed = true);
  }

  private void offer(String text) {
    if (closed) {
      return;
    }
    pending = text;
    if (scheduled) {
      return;
    }
    scheduled = true;
    long waitMillis = Math.max(0, (lastWrite + intervalNanos - System.nanoTime()) / 1_000_000);
    if (waitMillis == 0) {
      write();
    } else {
      context.owner().setTimer(waitMillis, id -> write());
    }
  }

  private void write() {
    scheduled = false;
    if (closed || pending == null) {
      return;
    }
    String text = pending;
    pending = null;
    lastWrite = System.nanoTime();
    queue.progress(job, text)
        .onSuccess(stored -> {
          if (stored) {
            context.owner().eventBus().publish(EventBusAddresses.JOBS_PROGRESS,
                new JobProgress(job.tenantId(), job.id(), job.attempt(), text).toJson());
          }
        })
        .onFailure(e -> LOG.debug("Progress of job {} not stored: {}", job.id(), e.getMessage()));
  }
}

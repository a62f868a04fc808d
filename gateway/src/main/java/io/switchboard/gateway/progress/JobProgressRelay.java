package io.switchboard.gateway.progress;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobProgress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows running jobs' progress ({@code switchboard.jobs.progress}, already redacted) on one chat
 * platform, through its {@link Sink} (which edits the job's one message). Progress is best effort: a
 * lost line is replaced by the next one, and the result always replaces the last.
 */
public final class JobProgressRelay {

  /** How a platform shows a progress line of a job. */
  @FunctionalInterface
  public interface Sink {
    Future<Void> show(String tenantId, long jobId, String line);
  }

  private static final Logger LOG = LoggerFactory.getLogger(JobProgressRelay.class);

  private final Vertx vertx;
  private final String platform;
  private final Sink sink;
  private MessageConsumer<JsonObject> consumer;

  public JobProgressRelay(Vertx vertx, String platform, Sink sink) {
    this.vertx = vertx;
    this.platform = platform;
    this.sink = sink;
  }

  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(EventBusAddresses.JOBS_PROGRESS, message -> {
      JobProgress progress = JobProgress.fromJson(message.body());
      sink.show(progress.tenantId(), progress.jobId(), progress.text()).onFailure(e ->
          LOG.debug("Progress of job {} not shown in {}: {}", progress.jobId(), platform, e.toString()));
    });
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}

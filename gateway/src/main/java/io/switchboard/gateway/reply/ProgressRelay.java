package io.switchboard.gateway.reply;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobProgress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Shows running jobs' progress ({@code switchboard.jobs.progress}, already redacted) as edits of their
 * one chat message: each line goes to every platform's {@link Sink}, which edits the job's message if
 * the job has one on that platform. Best effort: a lost line is replaced by the next, and the result
 * always replaces the last.
 */
public final class ProgressRelay {

  /** Where a platform shows progress lines (e.g. {@code SlackJobMessages#progress}). */
  @FunctionalInterface
  public interface Sink {
    Future<Void> progress(String tenantId, long jobId, String line);
  }

  private static final Logger LOG = LoggerFactory.getLogger(ProgressRelay.class);

  private final Vertx vertx;
  private final List<Sink> sinks;
  private MessageConsumer<JsonObject> consumer;

  public ProgressRelay(Vertx vertx, List<Sink> sinks) {
    this.vertx = vertx;
    this.sinks = List.copyOf(sinks);
  }

  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(EventBusAddresses.JOBS_PROGRESS, message -> {
      JobProgress progress = JobProgress.fromJson(message.body());
      sinks.forEach(sink -> sink.progress(progress.tenantId(), progress.jobId(), progress.text())
          .onFailure(e -> LOG.debug("Progress of job {} not shown: {}", progress.jobId(), e.toString())));
    });
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}

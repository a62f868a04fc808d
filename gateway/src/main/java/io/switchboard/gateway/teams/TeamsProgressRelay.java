package io.switchboard.gateway.teams;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobProgress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows running jobs' progress ({@code switchboard.jobs.progress}, already redacted) as in-place
 * updates of their one Teams activity ({@link TeamsJobActivities#progress}). Best effort: a lost
 * line is replaced by the next one, and the result always replaces the last.
 */
public final class TeamsProgressRelay {

  private static final Logger LOG = LoggerFactory.getLogger(TeamsProgressRelay.class);

  private final Vertx vertx;
  private final TeamsJobActivities activities;
  private MessageConsumer<JsonObject> consumer;

  public TeamsProgressRelay(Vertx vertx, TeamsJobActivities activities) {
    this.vertx = vertx;
    this.activities = activities;
  }

  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(EventBusAddresses.JOBS_PROGRESS, message -> {
      JobProgress progress = JobProgress.fromJson(message.body());
      activities.progress(progress.tenantId(), progress.jobId(), progress.text())
          .onFailure(e -> LOG.debug("Progress of job {} not shown in Teams: {}", progress.jobId(), e.toString()));
    });
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}

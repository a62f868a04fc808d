package io.switchboard.gateway.discord;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobProgress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows running jobs' progress ({@code switchboard.jobs.progress}, already redacted) as edits of their
 * Discord message ({@link DiscordJobMessages#progress}). Best effort: a lost line is replaced by the
 * next, and the result always replaces the last.
 */
public final class DiscordProgressRelay {

  private static final Logger LOG = LoggerFactory.getLogger(DiscordProgressRelay.class);

  private final Vertx vertx;
  private final DiscordJobMessages messages;
  private MessageConsumer<JsonObject> consumer;

  public DiscordProgressRelay(Vertx vertx, DiscordJobMessages messages) {
    this.vertx = vertx;
    this.messages = messages;
  }

  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(EventBusAddresses.JOBS_PROGRESS, message -> {
      JobProgress progress = JobProgress.fromJson(message.body());
      messages.progress(progress.tenantId(), progress.jobId(), progress.text())
          .onFailure(e -> LOG.debug("Progress of job {} not shown in Discord: {}", progress.jobId(), e.toString()));
    });
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}

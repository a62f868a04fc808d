package io.switchboard.gateway.notify;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * The timer that delivers notifications: every {@link #INTERVAL} it claims the channels with a
 * notification due (on any gateway, each claim goes to one) and hands each claim to the delivery,
 * without waiting for it, so a channel waiting out a 429 holds up no other. Runs on the deploying
 * verticle's event loop, as the channel pacer requires.
 */
public final class NotificationSweeper {

  /** How often due notifications are looked for. */
  public static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(NotificationSweeper.class);

  private final Vertx vertx;
  private final NotificationOutbox outbox;
  private final NotificationDelivery delivery;
  private final Clock clock;
  private long timer = -1;
  private boolean claiming;

  public NotificationSweeper(Vertx vertx, NotificationOutbox outbox, NotificationDelivery delivery, Clock clock) {
    this.vertx = vertx;
    this.outbox = outbox;
    this.delivery = delivery;
    this.clock = clock;
  }

  public Future<Void> start() {
    timer = vertx.setPeriodic(INTERVAL.toMillis(), id -> sweep());
    return Future.succeededFuture();
  }

  private void sweep() {
    if (claiming) {
      return;
    }
    claiming = true;
    outbox.claimDue(clock.instant()).onComplete(claims -> {
      claiming = false;
      if (claims.failed()) {
        LOG.warn("Claiming due notifications failed: {}", claims.cause().toString());
        return;
      }
      claims.result().forEach(claim -> delivery.deliver(claim).onFailure(e -> LOG.warn(
          "Delivering notifications of tenant {} to {} failed: {}", claim.tenantId(), claim.target().channel(),
          e.toString())));
    });
  }

  /** Stops claiming; claims in flight finish or expire with their lease. */
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}

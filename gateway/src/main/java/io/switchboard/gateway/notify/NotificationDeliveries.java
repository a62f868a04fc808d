package io.switchboard.gateway.notify;

import io.vertx.core.Future;

import java.time.Clock;
import java.util.Map;

/**
 * Hands each claimed channel's notifications to the delivery of the channel's platform. A claim for a
 * platform that delivers no notifications is given back as a counted failed attempt, so the outbox
 * gives up on it in the end and audits that; nothing is posted elsewhere.
 */
public final class NotificationDeliveries implements NotificationDelivery {

  private final Map<String, NotificationDelivery> byPlatform;
  private final NotificationOutbox outbox;
  private final Clock clock;

  public NotificationDeliveries(Map<String, NotificationDelivery> byPlatform, NotificationOutbox outbox, Clock clock) {
    this.byPlatform = Map.copyOf(byPlatform);
    this.outbox = outbox;
    this.clock = clock;
  }

  @Override
  public Future<Void> deliver(NotificationOutbox.Claim claim) {
    NotificationDelivery delivery = byPlatform.get(claim.target().platform());
    if (delivery != null) {
      return delivery.deliver(claim);
    }
    return outbox.retry(claim, claim.notifications().stream().map(StoredNotification::id).toList(), true,
        "no platform named '" + claim.target().platform() + "' delivers notifications", clock.instant()).mapEmpty();
  }
}

package io.switchboard.gateway.notify;

import io.vertx.core.Future;

/**
 * Delivers one claimed channel's notifications on its platform; completes when each is marked shown
 * or given back for a retry ({@link NotificationOutbox}).
 */
public interface NotificationDelivery {

  Future<Void> deliver(NotificationOutbox.Claim claim);
}

package io.switchboard.gateway.notify;

import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.pacing.ChannelBusy;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.pacing.Outbound;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Delivers one claimed channel's notifications on any platform ({@link NotificationChannel}: the
 * platform's calls and rendering of {@link NotificationMessage}), each call in the channel's turn in
 * the {@link ChannelPacer} (so pacing and 429 waits apply): new ones go out together in one message
 * (at most {@link NotificationMessage#MAX_NOTIFICATIONS} a message); a status change redraws the
 * message that shows it, or, when that message is gone, is posted anew. Only a call that succeeded
 * marks its notifications shown; a failed one gives them back for a retry with back-off.
 *
 * @param <C> what the platform's calls into a workspace need
 */
public final class ChannelNotificationDelivery<C> implements NotificationDelivery {

  private static final Logger LOG = LoggerFactory.getLogger(ChannelNotificationDelivery.class);

  private final NotificationChannel<C> channel;
  private final NotificationOutbox outbox;
  private final ChannelPacer pacer;
  private final GatewayMetrics metrics;
  private final Clock clock;

  public ChannelNotificationDelivery(NotificationChannel<C> channel, NotificationOutbox outbox, ChannelPacer pacer,
                                     GatewayMetrics metrics, Clock clock) {
    this.channel = channel;
    this.outbox = outbox;
    this.pacer = pacer;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Delivers everything in the claim; completes when each part is marked shown or given back. */
  @Override
  public Future<Void> deliver(NotificationOutbox.Claim claim) {
    List<StoredNotification> fresh = new ArrayList<>();
    Map<Long, List<StoredNotification>> edits = new LinkedHashMap<>();
    for (StoredNotification n : claim.notifications()) {
      if (n.messageId() == null) {
        fresh.add(n);
      } else {
        edits.computeIfAbsent(n.messageId(), id -> new ArrayList<>()).add(n);
      }
    }
    return channel.credentials(claim.tenantId(), claim.target().workspace())
        .transform(credentials -> {
          if (credentials.failed()) {
            return giveBack(claim, claim.notifications(), credentials.cause());
          }
          List<Future<Void>> parts = new ArrayList<>();
          for (int i = 0; i < fresh.size(); i += NotificationMessage.MAX_NOTIFICATIONS) {
            parts.add(post(claim, credentials.result(), fresh.subList(i, Math.min(fresh.size(),
                i + NotificationMessage.MAX_NOTIFICATIONS))));
          }
          edits.forEach((messageId, changed) -> parts.add(edit(claim, credentials.result(), messageId, changed)));
          return Future.join(parts).transform(done -> Future.<Void>succeededFuture());
        });
  }

  private Future<Void> post(NotificationOutbox.Claim claim, C credentials, List<StoredNotification> shown) {
    JsonObject message = render(shown);
    return pacer.submit(claim.target().channelKey(claim.tenantId()), Outbound.POST, null,
            () -> channel.post(credentials, claim.target().channel(), message))
        .transform(id -> id.succeeded()
            ? outbox.posted(claim, ids(shown), id.result(), clock.instant()).onSuccess(v -> {
              metrics.notification(channel.platform(), "posted", shown.size());
              if (shown.size() > 1) {
                metrics.notification(channel.platform(), "grouped", shown.size());
              }
            })
            : giveBack(claim, shown, id.cause()));
  }

  /** Redraws message {@code messageId} with every notification it shows as stored now. */
  private Future<Void> edit(NotificationOutbox.Claim claim, C credentials, long messageId,
                            List<StoredNotification> changed) {
    String platformId = changed.get(0).messageTs();
    return outbox.ofMessage(claim.tenantId(), messageId)
        .compose(all -> pacer.submit(claim.target().channelKey(claim.tenantId()), Outbound.RESULT, platformId,
            () -> channel.edit(credentials, claim.target().channel(), platformId, render(all))))
        .transform(done -> {
          if (done.succeeded()) {
            return outbox.edited(claim, ids(changed), messageId, platformId, clock.instant())
                .onSuccess(v -> metrics.notification(channel.platform(), "edited", changed.size()));
          }
          if (channel.messageGone(done.cause())) {
            return post(claim, credentials, changed);
          }
          return giveBack(claim, changed, done.cause());
        });
  }

  private Future<Void> giveBack(NotificationOutbox.Claim claim, List<StoredNotification> notifications,
                                Throwable cause) {
    boolean busy = cause instanceof ChannelBusy;
    LOG.info("Notifications {} of tenant {} to {} channel {} not delivered ({}); retried later", ids(notifications),
        claim.tenantId(), channel.platform(), claim.target().channel(), cause.getMessage());
    return outbox.retry(claim, ids(notifications), !busy, cause.getMessage(), clock.instant())
        .map(failed -> {
          if (failed > 0) {
            metrics.notification(channel.platform(), "failed", failed);
          }
          return null;
        });
  }

  private JsonObject render(List<StoredNotification> notifications) {
    return channel.render(NotificationMessage.of(notifications));
  }

  private static List<Long> ids(List<StoredNotification> notifications) {
    return notifications.stream().map(StoredNotification::id).toList();
  }
}

package io.switchboard.gateway.slack;

import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.notify.NotificationDelivery;
import io.switchboard.gateway.notify.NotificationMessage;
import io.switchboard.gateway.notify.NotificationOutbox;
import io.switchboard.gateway.notify.StoredNotification;
import io.switchboard.gateway.pacing.ChannelBusy;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.pacing.Outbound;
import io.switchboard.gateway.slack.webapi.SlackApiFailure;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Delivers one claimed channel's notifications to Slack ({@link NotificationMessage} rendered by
 * {@link SlackMessages}), each call in the channel's turn in the
 * {@link ChannelPacer} (so pacing and 429 {@code Retry-After} apply): new ones go out together in one
 * message ({@code chat.postMessage}, at most {@link NotificationMessage#MAX_NOTIFICATIONS} a
 * message); a status change redraws the message that shows it ({@code chat.update}), or, when that
 * message is gone, is posted anew. Only a call that succeeded marks its notifications shown; a failed
 * one gives them back for a retry with back-off.
 */
public final class SlackNotificationDelivery implements NotificationDelivery {

  private static final String PLATFORM = "slack";
  private static final Logger LOG = LoggerFactory.getLogger(SlackNotificationDelivery.class);

  private final NotificationOutbox outbox;
  private final SlackWebApi slack;
  private final SlackBotTokens tokens;
  private final ChannelPacer pacer;
  private final GatewayMetrics metrics;
  private final Clock clock;

  public SlackNotificationDelivery(NotificationOutbox outbox, SlackWebApi slack, SlackBotTokens tokens,
                                   ChannelPacer pacer, GatewayMetrics metrics, Clock clock) {
    this.outbox = outbox;
    this.slack = slack;
    this.tokens = tokens;
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
    return tokens.require(claim.tenantId(), claim.target().workspace())
        .transform(token -> {
          if (token.failed()) {
            return giveBack(claim, claim.notifications(), token.cause());
          }
          List<Future<Void>> parts = new ArrayList<>();
          for (int i = 0; i < fresh.size(); i += NotificationMessage.MAX_NOTIFICATIONS) {
            parts.add(post(claim, token.result(), fresh.subList(i, Math.min(fresh.size(),
                i + NotificationMessage.MAX_NOTIFICATIONS))));
          }
          edits.forEach((messageId, changed) -> parts.add(edit(claim, token.result(), messageId, changed)));
          return Future.join(parts).transform(done -> Future.<Void>succeededFuture());
        });
  }

  private Future<Void> post(NotificationOutbox.Claim claim, String token, List<StoredNotification> shown) {
    JsonObject message = slackMessage(shown);
    return pacer.submit(claim.target().channelKey(claim.tenantId()), Outbound.POST, null,
            () -> slack.postMessage(token, claim.target().channel(), Optional.empty(), message))
        .transform(ts -> ts.succeeded()
            ? outbox.posted(claim, ids(shown), ts.result(), clock.instant()).onSuccess(v -> {
              metrics.notification(PLATFORM, "posted", shown.size());
              if (shown.size() > 1) {
                metrics.notification(PLATFORM, "grouped", shown.size());
              }
            })
            : giveBack(claim, shown, ts.cause()));
  }

  /** Redraws message {@code messageId} with every notification it shows as stored now. */
  private Future<Void> edit(NotificationOutbox.Claim claim, String token, long messageId,
                            List<StoredNotification> changed) {
    String ts = changed.get(0).messageTs();
    return outbox.ofMessage(claim.tenantId(), messageId)
        .compose(all -> pacer.submit(claim.target().channelKey(claim.tenantId()), Outbound.RESULT, ts,
            () -> slack.update(token, claim.target().channel(), ts, slackMessage(all))))
        .transform(done -> {
          if (done.succeeded()) {
            return outbox.edited(claim, ids(changed), messageId, ts, clock.instant())
                .onSuccess(v -> metrics.notification(PLATFORM, "edited", changed.size()));
          }
          if (done.cause() instanceof SlackApiFailure failure && "message_not_found".equals(failure.error())) {
            return post(claim, token, changed);
          }
          return giveBack(claim, changed, done.cause());
        });
  }

  private Future<Void> giveBack(NotificationOutbox.Claim claim, List<StoredNotification> notifications,
                                Throwable cause) {
    boolean busy = cause instanceof ChannelBusy;
    LOG.info("Notifications {} of tenant {} to {} not delivered ({}); retried later", ids(notifications),
        claim.tenantId(), claim.target().channel(), cause.getMessage());
    return outbox.retry(claim, ids(notifications), !busy, cause.getMessage(), clock.instant())
        .map(failed -> {
          if (failed > 0) {
            metrics.notification(PLATFORM, "failed", failed);
          }
          return null;
        });
  }

  /** The notifications as the arguments of {@code chat.postMessage} and {@code chat.update}: text and blocks. */
  private static JsonObject slackMessage(List<StoredNotification> notifications) {
    return SlackMessages.forWebApi(SlackMessages.of(NotificationMessage.of(notifications)));
  }

  private static List<Long> ids(List<StoredNotification> notifications) {
    return notifications.stream().map(StoredNotification::id).toList();
  }
}

package io.switchboard.gateway.notify;

import io.switchboard.gateway.message.ChatMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What one chat platform contributes to posting notifications: finding what a workspace needs to be
 * posted to ({@code C}: a bot token, a connector URL), posting a rendered message to a channel and
 * editing it, telling a failure that means "that message is gone" from others, and rendering
 * {@link NotificationMessage}'s neutral message in the platform's format. Everything else (grouping,
 * pacing, marking shown, back-off, metrics) is {@link ChannelNotificationDelivery}'s, the same for every
 * platform.
 *
 * @param <C> what a workspace's calls need
 */
public interface NotificationChannel<C> {

  /** The platform's name, as in {@link NotificationTarget#platform()} and the metrics. */
  String platform();

  /** What posting into {@code workspace} of {@code tenantId} needs; a failed future when it has none. */
  Future<C> credentials(String tenantId, String workspace);

  /** Posts {@code message} (from {@link #render}) to {@code channel}; answers the new message's id. */
  Future<String> post(C credentials, String channel, JsonObject message);

  /** Replaces message {@code messageId} in {@code channel} with {@code message}. */
  Future<Void> edit(C credentials, String channel, String messageId, JsonObject message);

  /** Whether a failed {@link #edit} means the message no longer exists, so its notifications are posted anew. */
  boolean messageGone(Throwable failure);

  /** The platform's payload for {@code message}. */
  JsonObject render(ChatMessage message);
}

package io.switchboard.gateway.notify;

/**
 * One platform's way of posting notifications: the delivery, and the bot tokens it posts with (a
 * target whose workspace has none is refused when it is configured).
 */
public record ChannelNotifications(NotificationDelivery delivery, BotTokens botTokens) {
}

package io.switchboard.gateway.notify;

import io.switchboard.gateway.slack.SlackText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The Slack message (Block Kit) that shows notifications: one alone shows its title, text and
 * details; several show a heading and a line each. A line starts with the severity's emoji
 * (resolved ones with a check mark) and says how often it repeated within the window.
 */
public final class NotificationMessage {

  /** Notifications one message shows (Slack allows 50 blocks). */
  public static final int MAX_NOTIFICATIONS = 40;

  private NotificationMessage() {
  }

  public static JsonObject of(List<StoredNotification> notifications) {
    if (notifications.isEmpty() || notifications.size() > MAX_NOTIFICATIONS) {
      throw new IllegalArgumentException("a message shows 1 to " + MAX_NOTIFICATIONS + " notifications, not "
          + notifications.size());
    }
    return notifications.size() == 1 ? single(notifications.get(0)) : group(notifications);
  }

  private static JsonObject single(StoredNotification n) {
    String text = n.text().isEmpty() ? "" : "\n" + SlackText.escape(n.text());
    JsonArray blocks = new JsonArray()
        .add(section(emoji(n) + " *" + SlackText.escape(n.title()) + "*" + text))
        .add(context(details(n)));
    return new JsonObject().put("text", fallback(n)).put("blocks", blocks);
  }

  private static JsonObject group(List<StoredNotification> notifications) {
    long firing = notifications.stream().filter(n -> Notification.FIRING.equals(n.status())).count();
    String heading = notifications.size() + " notifications" + (firing == notifications.size() ? ""
        : " (" + firing + " firing, " + (notifications.size() - firing) + " resolved)");
    JsonArray blocks = new JsonArray().add(section("*" + heading + "*"));
    notifications.forEach(n -> blocks.add(section(emoji(n) + " *" + SlackText.escape(n.title()) + "* · "
        + details(n))));
    String text = heading + ": " + notifications.stream().map(NotificationMessage::fallback)
        .collect(Collectors.joining("; "));
    return new JsonObject().put("text", text.length() > 3000 ? text.substring(0, 2999) + "…" : text)
        .put("blocks", blocks);
  }

  /** Severity, status, source and repeats, e.g. {@code critical · firing · prometheus · repeated 3×}. */
  private static String details(StoredNotification n) {
    StringBuilder line = new StringBuilder(n.severity()).append(" · ").append(n.status());
    if (n.source() != null && !n.source().isBlank()) {
      line.append(" · ").append(SlackText.escape(n.source()));
    }
    if (n.repeats() > 0) {
      line.append(" · repeated ").append(n.repeats()).append("×");
    }
    return line.toString();
  }

  private static String fallback(StoredNotification n) {
    return "[" + n.status().toUpperCase() + "] " + n.title();
  }

  static String emoji(StoredNotification n) {
    if (Notification.RESOLVED.equals(n.status())) {
      return ":white_check_mark:";
    }
    return switch (n.severity()) {
      case "critical" -> ":red_circle:";
      case "warning" -> ":warning:";
      default -> ":information_source:";
    };
  }

  private static JsonObject section(String mrkdwn) {
    return new JsonObject().put("type", "section")
        .put("text", new JsonObject().put("type", "mrkdwn").put("text", mrkdwn));
  }

  private static JsonObject context(String mrkdwn) {
    return new JsonObject().put("type", "context").put("elements", new JsonArray()
        .add(new JsonObject().put("type", "mrkdwn").put("text", mrkdwn)));
  }
}

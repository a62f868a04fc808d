package io.switchboard.gateway.notify;

import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.message.ChatText;
import io.switchboard.gateway.message.Emoji;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The message that shows notifications, before any platform's formatting: one alone shows its title,
 * text and details; several show a heading and a line each. A line starts with the severity's symbol
 * (resolved ones with a check mark) and says how often it repeated within the window.
 */
public final class NotificationMessage {

  /** Notifications one message shows (Slack allows 50 blocks). */
  public static final int MAX_NOTIFICATIONS = 40;
  /** The longest summary (what notifications and clients without blocks show). */
  static final int MAX_SUMMARY_CHARS = 3_000;

  private NotificationMessage() {
  }

  public static ChatMessage of(List<StoredNotification> notifications) {
    if (notifications.isEmpty() || notifications.size() > MAX_NOTIFICATIONS) {
      throw new IllegalArgumentException("a message shows 1 to " + MAX_NOTIFICATIONS + " notifications, not "
          + notifications.size());
    }
    return notifications.size() == 1 ? single(notifications.get(0)) : group(notifications);
  }

  private static ChatMessage single(StoredNotification n) {
    ChatText.Builder headline = ChatText.builder().symbol(symbol(n)).plain(" ").strong(n.title());
    if (!n.text().isEmpty()) {
      headline.plain("\n" + n.text());
    }
    return message(fallback(n), List.of(new ChatMessage.Paragraph(headline.build()),
        new ChatMessage.Context(ChatText.of(details(n)))));
  }

  private static ChatMessage group(List<StoredNotification> notifications) {
    long firing = notifications.stream().filter(n -> Notification.FIRING.equals(n.status())).count();
    String heading = notifications.size() + " notifications" + (firing == notifications.size() ? ""
        : " (" + firing + " firing, " + (notifications.size() - firing) + " resolved)");
    List<ChatMessage.Block> blocks = new ArrayList<>();
    blocks.add(new ChatMessage.Paragraph(ChatText.builder().strong(heading).build()));
    notifications.forEach(n -> blocks.add(new ChatMessage.Paragraph(ChatText.builder().symbol(symbol(n)).plain(" ")
        .strong(n.title()).plain(" · " + details(n)).build())));
    String summary = heading + ": " + notifications.stream().map(NotificationMessage::fallback)
        .collect(Collectors.joining("; "));
    return message(summary.length() > MAX_SUMMARY_CHARS ? summary.substring(0, MAX_SUMMARY_CHARS - 1) + "…" : summary,
        blocks);
  }

  private static ChatMessage message(String summary, List<ChatMessage.Block> blocks) {
    return new ChatMessage(Optional.of(ChatText.of(summary)), blocks, ChatMessage.Visibility.PUBLIC,
        ChatMessage.Placement.DEFAULT);
  }

  /** Severity, status, source and repeats, e.g. {@code critical · firing · prometheus · repeated 3×}. */
  private static String details(StoredNotification n) {
    StringBuilder line = new StringBuilder(n.severity()).append(" · ").append(n.status());
    if (n.source() != null && !n.source().isBlank()) {
      line.append(" · ").append(n.source());
    }
    if (n.repeats() > 0) {
      line.append(" · repeated ").append(n.repeats()).append("×");
    }
    return line.toString();
  }

  private static String fallback(StoredNotification n) {
    return "[" + n.status().toUpperCase() + "] " + n.title();
  }

  static Emoji symbol(StoredNotification n) {
    if (Notification.RESOLVED.equals(n.status())) {
      return Emoji.CHECK;
    }
    return switch (n.severity()) {
      case "critical" -> Emoji.RED_CIRCLE;
      case "warning" -> Emoji.WARNING;
      default -> Emoji.INFORMATION;
    };
  }
}

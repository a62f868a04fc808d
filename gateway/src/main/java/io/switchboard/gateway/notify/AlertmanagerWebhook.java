package io.switchboard.gateway.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Reads Alertmanager's webhook payload (version 4: {@code receiver}, {@code status}, {@code alerts[]}
 * with {@code status}, {@code labels}, {@code annotations}, {@code fingerprint}, ...) as one
 * notification per alert: the key is the alert's fingerprint (or a hash of its labels when there is
 * none), the title its {@code alertname} and {@code summary} annotation, the text its
 * {@code description} annotation, the severity from its {@code severity} label.
 */
public final class AlertmanagerWebhook {

  public static final int MAX_TITLE = 200;
  public static final int MAX_TEXT = 2500;
  static final String SOURCE = "alertmanager";

  private AlertmanagerWebhook() {
  }

  /** The payload's alerts as notifications to {@code target}. */
  public static List<Notification> notifications(JsonObject payload, NotificationTarget target) {
    String groupStatus = payload.getString("status", Notification.FIRING);
    List<Notification> notifications = new ArrayList<>();
    for (Object item : payload.getJsonArray("alerts", new JsonArray())) {
      JsonObject alert = (JsonObject) item;
      JsonObject labels = alert.getJsonObject("labels", new JsonObject());
      JsonObject annotations = alert.getJsonObject("annotations", new JsonObject());
      String fingerprint = alert.getString("fingerprint");
      String key = fingerprint == null || fingerprint.isBlank() ? labelsHash(labels) : fingerprint;
      String name = labels.getString("alertname", "alert");
      String summary = annotations.getString("summary");
      String title = summary == null || summary.isBlank() ? name : name + ": " + summary;
      String status = Notification.RESOLVED.equals(alert.getString("status", groupStatus))
          ? Notification.RESOLVED : Notification.FIRING;
      notifications.add(new Notification(key, target, cut(title, MAX_TITLE),
          cut(annotations.getString("description", ""), MAX_TEXT), severity(labels.getString("severity")), status,
          SOURCE));
    }
    return notifications;
  }

  /** {@code critical} for critical, page, error or high; {@code warning} for warning or warn; else {@code info}. */
  static String severity(String label) {
    if (label == null) {
      return "info";
    }
    return switch (label.toLowerCase(Locale.ROOT)) {
      case "critical", "page", "error", "high" -> "critical";
      case "warning", "warn" -> "warning";
      default -> "info";
    };
  }

  /** SHA-256 of the labels sorted by name, as Alertmanager identifies an alert by its label set. */
  static String labelsHash(JsonObject labels) {
    StringBuilder canonical = new StringBuilder();
    new TreeMap<>(labels.getMap()).forEach((name, value) -> canonical.append(name).append('\u0000')
        .append(value).append('\u0000'));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return "labels:" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}

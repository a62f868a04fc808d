package io.switchboard.gateway.notify;

import java.util.Objects;

/**
 * One notification as it arrives (from the API or an Alertmanager alert): the tenant's dedup key,
 * where it goes, what it says, how bad it is ({@code info}, {@code warning}, {@code critical}) and
 * whether it is {@code firing} or {@code resolved}.
 */
public record Notification(String key, NotificationTarget target, String title, String text, String severity,
                           String status, String source) {

  public static final String FIRING = "firing";
  public static final String RESOLVED = "resolved";

  public Notification {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(title, "title");
    text = text == null ? "" : text;
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(status, "status");
  }
}

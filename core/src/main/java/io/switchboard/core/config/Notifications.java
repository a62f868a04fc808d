package io.switchboard.core.config;

import java.time.Duration;

/**
 * Notifications from monitoring and incidents: how long a repeat of the same key and status is
 * swallowed, and how long the first notification of a channel waits for others to share its message.
 *
 * @param dedupWindow a notification with the key and status of one received less than this long ago
 *                    is counted, not posted again ({@code SWITCHBOARD_NOTIFY_DEDUP_SECONDS})
 * @param groupWait   how long a notification waits for others to the same channel before their one
 *                    message is posted ({@code SWITCHBOARD_NOTIFY_GROUP_WAIT_SECONDS})
 */
public record Notifications(Duration dedupWindow, Duration groupWait) {

  public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofMinutes(10);
  public static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(10);
}

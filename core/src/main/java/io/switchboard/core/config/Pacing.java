package io.switchboard.core.config;

/**
 * Outbound pacing shared by every platform: how many message calls may wait per chat channel. Each
 * platform's own limits (the least time between two calls in a channel, a workspace's calls a minute)
 * are read by the platform, next to its code.
 *
 * @param queueCapacity calls that may wait per channel ({@code SWITCHBOARD_PACING_QUEUE})
 */
public record Pacing(int queueCapacity) {

  public static final int DEFAULT_QUEUE_CAPACITY = 50;
}

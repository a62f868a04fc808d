package io.switchboard.gateway.pacing;

import io.switchboard.core.config.WorkspaceRate;

import java.util.HashMap;
import java.util.Map;

/**
 * The calls one workspace (platform, tenant, workspace) may still make, across all its channels: a
 * token bucket per workspace and per kind of call (new messages, edits), refilled at the platform's
 * {@link WorkspaceRate} and holding at most ten seconds' worth. The {@link ChannelPacer} asks it
 * before each call, after the channel's own pace allows the call. Buckets that have filled up again
 * are forgotten (a full bucket and a new one are the same). Use from one event loop.
 */
final class WorkspaceBudgets {

  private static final int PRUNE_ABOVE = 256;
  private static final long BURST_MILLIS = 10_000;

  private record Key(String platform, String tenantId, String workspace, boolean edit) {
  }

  private final Map<String, WorkspaceRate> rates;
  private final Map<Key, Bucket> buckets = new HashMap<>();

  WorkspaceBudgets(Map<String, WorkspaceRate> rates) {
    this.rates = Map.copyOf(rates);
  }

  /**
   * Takes one call from the channel's workspace budget.
   *
   * @return 0 when the call may go now (and was counted), else the milliseconds until it may
   */
  long take(ChannelKey channel, boolean edit, long nowMillis) {
    WorkspaceRate rate = rates.get(channel.platform());
    if (rate == null) {
      return 0;
    }
    if (buckets.size() > PRUNE_ABOVE) {
      buckets.values().removeIf(bucket -> bucket.fullAt(nowMillis));
    }
    Key key = new Key(channel.platform(), channel.tenantId(), channel.workspace(), edit);
    return buckets.computeIfAbsent(key, k -> new Bucket(rate.perMinute(edit), nowMillis)).take(nowMillis);
  }

  /** Tokens refilled continuously at {@code perMinute}, at most {@link #BURST_MILLIS} worth. */
  private static final class Bucket {

    private final double perMilli;
    private final double capacity;
    private double tokens;
    private long updatedAt;

    Bucket(int perMinute, long nowMillis) {
      this.perMilli = perMinute / 60_000.0;
      this.capacity = Math.max(1.0, Math.floor(perMilli * BURST_MILLIS));
      this.tokens = capacity;
      this.updatedAt = nowMillis;
    }

    long take(long nowMillis) {
      refill(nowMillis);
      if (tokens >= 1.0) {
        tokens -= 1.0;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1.0 - tokens) / perMilli));
    }

    boolean fullAt(long nowMillis) {
      refill(nowMillis);
      return tokens >= capacity;
    }

    private void refill(long nowMillis) {
      tokens = Math.min(capacity, tokens + (nowMillis - updatedAt) * perMilli);
      updatedAt = nowMillis;
    }
  }
}

package io.switchboard.gateway.notify;

import io.switchboard.gateway.pacing.ChannelKey;

/** The chat channel a notification goes to: the platform, the installation's workspace and the channel id. */
public record NotificationTarget(String platform, String workspace, String channel) {

  /** The pacer's key for this channel of {@code tenantId}. */
  public ChannelKey channelKey(String tenantId) {
    return new ChannelKey(platform, tenantId, workspace, channel);
  }
}

package io.switchboard.gateway.pacing;

import java.util.Objects;

/**
 * One chat channel Switchboard writes to: the platform, the tenant that owns it, the workspace (Slack
 * team, Teams service URL, Discord guild) and the channel (or conversation) id. Each key has its own
 * pace and queue in the {@link ChannelPacer}.
 */
public record ChannelKey(String platform, String tenantId, String workspace, String channel) {

  public ChannelKey {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(tenantId, "tenantId");
    workspace = workspace == null ? "" : workspace;
    channel = channel == null ? "" : channel;
  }
}

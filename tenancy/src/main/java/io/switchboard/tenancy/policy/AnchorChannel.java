package io.switchboard.tenancy.policy;

import java.time.Duration;

/**
 * The chat channel a tenant chose for its signed audit anchors (policy {@code audit.anchorChannel}):
 * a channel of one of its own installations, where the gateways post the tenant's chain head when it
 * moved, at most once every {@code every}, so the tenant holds a copy outside the deployment.
 *
 * @param platform  {@code slack}, {@code discord} or {@code teams}
 * @param workspace the installation's workspace (Slack team, Discord guild, Teams tenant id)
 * @param channel   the channel id
 * @param every     the least time between two posts (zero: every anchoring round in which the head moved)
 */
public record AnchorChannel(String platform, String workspace, String channel, Duration every) {
}

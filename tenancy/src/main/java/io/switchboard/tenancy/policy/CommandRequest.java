package io.switchboard.tenancy.policy;

/** Who asks to run a command, and where: the facts a policy decision is made on. */
public record CommandRequest(String tenantId, String platform, String userId, String channelId) {
}

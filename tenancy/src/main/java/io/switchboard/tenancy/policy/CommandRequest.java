package io.switchboard.tenancy.policy;

import java.util.Set;

/**
 * Who asks to run a command, and where: the facts a policy decision is made on.
 *
 * @param workspaceId the chat workspace (Slack team id, Teams tenant id) the request came from
 * @param groups      the chat user groups the user is known to belong to (Slack user group ids,
 *                    Teams AAD group object ids); empty where the platform adapter does not know them
 */
public record CommandRequest(String tenantId, String platform, String workspaceId, String userId, String channelId,
                             Set<String> groups) {

  public CommandRequest {
    groups = Set.copyOf(groups);
  }

  public CommandRequest(String tenantId, String platform, String workspaceId, String userId, String channelId) {
    this(tenantId, platform, workspaceId, userId, channelId, Set.of());
  }

  /** The same request from a user known to be in {@code userGroups}. */
  public CommandRequest withGroups(Set<String> userGroups) {
    return new CommandRequest(tenantId, platform, workspaceId, userId, channelId, userGroups);
  }
}

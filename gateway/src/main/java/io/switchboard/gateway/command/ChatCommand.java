package io.switchboard.gateway.command;

import io.switchboard.core.job.Job;
import io.vertx.core.json.JsonObject;

import java.util.Optional;
import java.util.Set;

/**
 * One command typed in Slack, however it arrived (a slash command, a mention, a direct message),
 * after its request was authenticated.
 *
 * @param tenantId    the tenant of the installation the request came through
 * @param workspaceId the installation's Slack team (or Enterprise Grid organisation)
 * @param invokedAs   how the user called Switchboard ({@code /ops}, {@code @switchboard}); used in help texts
 * @param text        the command text after the slash command or mention
 * @param deliveryKey unique per delivery of this request by Slack; a retried delivery has the same key
 * @param replyTo     where the job's result goes ({@code kind} and platform details)
 * @param groups      chat groups the request itself says the user is in (Discord's {@code member.roles});
 *                    the pipeline adds those its {@code GroupMemberships} finds
 * @param rerunOf     the job this command runs again (a Rerun click), recorded with the queued job's audit
 */
public record ChatCommand(String tenantId, String workspaceId, String userId, String channelId, String invokedAs,
                          String text, String deliveryKey, JsonObject replyTo, Set<String> groups,
                          Optional<Long> rerunOf) {

  public ChatCommand {
    groups = Set.copyOf(groups);
  }

  /** A command typed by its user, whose request says nothing of the user's groups. */
  public ChatCommand(String tenantId, String workspaceId, String userId, String channelId, String invokedAs,
                     String text, String deliveryKey, JsonObject replyTo) {
    this(tenantId, workspaceId, userId, channelId, invokedAs, text, deliveryKey, replyTo, Set.of(), Optional.empty());
  }

  /** A command typed by its user, whose request names the user's groups. */
  public ChatCommand(String tenantId, String workspaceId, String userId, String channelId, String invokedAs,
                     String text, String deliveryKey, JsonObject replyTo, Set<String> groups) {
    this(tenantId, workspaceId, userId, channelId, invokedAs, text, deliveryKey, replyTo, groups, Optional.empty());
  }

  /**
   * {@code job}'s command run again by {@code userId} (a Rerun click): the job's text split back into
   * how it was invoked and what followed, recorded as a rerun of the job.
   */
  public static ChatCommand rerun(Job job, String workspaceId, String userId, String channelId, String deliveryKey,
                                  JsonObject replyTo, Set<String> groups) {
    String[] typed = job.commandText().strip().split("\\s+", 2);
    return new ChatCommand(job.tenantId(), workspaceId, userId, channelId, typed[0], typed.length > 1 ? typed[1] : "",
        deliveryKey, replyTo, groups, Optional.of(job.id()));
  }
}

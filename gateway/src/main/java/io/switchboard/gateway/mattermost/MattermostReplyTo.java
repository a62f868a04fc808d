package io.switchboard.gateway.mattermost;

import io.vertx.core.json.JsonObject;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a Mattermost command's job result and approval notices go ({@code reply_to} kind
 * {@value #KIND}): the team (whose credentials post them), the channel and the user who asked. The
 * job's one post, once made, is kept in the shared job-message store as {@code {channelId, postId}}.
 *
 * @param teamId    the team
 * @param channelId the channel the command was typed in
 * @param userId    the user who typed it
 */
public record MattermostReplyTo(String teamId, String channelId, String userId) {

  /** The {@code reply_to.kind} Mattermost answers. */
  public static final String KIND = "mattermost_post";

  /** What a Mattermost id looks like (26 lowercase letters and digits; a little more is allowed). */
  static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,64}");

  public JsonObject toJson() {
    return new JsonObject().put("kind", KIND).put("teamId", teamId).put("channelId", channelId).put("userId", userId);
  }

  /** The reply-to a stored {@code reply_to} holds, or empty when it is not a well-formed Mattermost one. */
  public static Optional<MattermostReplyTo> fromJson(JsonObject json) {
    if (json == null || !KIND.equals(json.getValue("kind"))) {
      return Optional.empty();
    }
    Object team = json.getValue("teamId");
    Object channel = json.getValue("channelId");
    Object user = json.getValue("userId");
    return isId(team) && isId(channel) && isId(user)
        ? Optional.of(new MattermostReplyTo((String) team, (String) channel, (String) user)) : Optional.empty();
  }

  static boolean isId(Object value) {
    return value instanceof String id && ID.matcher(id).matches();
  }

  /** A job post's address in the job-message store. */
  static JsonObject address(String channelId, String postId) {
    return new JsonObject().put("channelId", channelId).put("postId", postId);
  }
}

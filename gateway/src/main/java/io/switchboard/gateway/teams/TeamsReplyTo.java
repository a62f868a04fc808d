package io.switchboard.gateway.teams;

import io.vertx.core.json.JsonObject;

/**
 * Where Switchboard answers a command given in Teams: the {@code reply_to} of its job or approval
 * ({@code kind} {@value #KIND}). {@code replyToId} is the activity replies thread under.
 */
public record TeamsReplyTo(String teamsTenantId, String serviceUrl, String conversationId, String replyToId) {

  /** The {@code reply_to.kind} of jobs and approvals started from Teams. */
  public static final String KIND = "teams_activity";

  public JsonObject toJson() {
    return new JsonObject().put("kind", KIND).put("teamsTenant", teamsTenantId).put("serviceUrl", serviceUrl)
        .put("conversation", conversationId).put("replyToId", replyToId);
  }

  /** Reads a stored {@code reply_to} of kind {@value #KIND}. */
  public static TeamsReplyTo fromJson(JsonObject json) {
    return new TeamsReplyTo(json.getString("teamsTenant"), json.getString("serviceUrl"),
        json.getString("conversation"), json.getString("replyToId"));
  }
}

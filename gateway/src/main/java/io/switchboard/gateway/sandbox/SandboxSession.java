package io.switchboard.gateway.sandbox;

import io.vertx.core.json.JsonObject;

/**
 * A visitor of the sandbox, authenticated by its session cookie.
 *
 * @param tenantId the tenant the session is bound to (the sandbox installation's)
 * @param id       the session's id, which is also its channel
 * @param userId   the demo user the visitor speaks as now
 */
public record SandboxSession(String tenantId, String id, String userId) {

  /** The {@code reply_to.kind} of jobs started in the sandbox. */
  public static final String REPLY_KIND = "sandbox";

  /** Where results of this session's jobs go. */
  public JsonObject replyTo() {
    return new JsonObject().put("kind", REPLY_KIND).put("session", id);
  }
}

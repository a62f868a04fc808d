package io.switchboard.gateway;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.tenancy.policy.CommandRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Records that an authenticated user's command was refused, and why, in the tenant's audit log; the
 * record is committed with the other commands' writes of the moment ({@link GroupCommit}).
 */
public final class CommandRefusals {

  private final GroupCommit commits;

  public CommandRefusals(GroupCommit commits) {
    this.commits = commits;
  }

  public Future<Void> record(CommandRequest request, String text, String reason) {
    JsonObject detail = new JsonObject()
        .put("platform", request.platform()).put("channel", request.channelId()).put("text", text).put("reason", reason);
    return commits.audit(AuditEvent.of(request.tenantId(), AuditEventType.COMMAND_REFUSED, request.userId(), null,
        detail));
  }
}

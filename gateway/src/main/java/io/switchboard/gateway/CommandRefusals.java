package io.switchboard.gateway;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.tenancy.policy.CommandRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/** Records that an authenticated user's command was refused, and why, in the tenant's audit log. */
public final class CommandRefusals {

  private final Pool pool;

  public CommandRefusals(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> record(CommandRequest request, String text, String reason) {
    JsonObject detail = new JsonObject()
        .put("platform", request.platform()).put("channel", request.channelId()).put("text", text).put("reason", reason);
    return pool.withTransaction(tx -> AuditLog.append(tx,
        AuditEvent.of(request.tenantId(), AuditEventType.COMMAND_REFUSED, request.userId(), null, detail))).mapEmpty();
  }
}

package io.switchboard.gateway.api;

import io.switchboard.audit.AuditQuery;
import io.switchboard.audit.AuditRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * The caller's tenant's audit log, {@code GET /api/v1/audit}: in chain order, filtered by event type
 * and job, paged with {@code after} (the last {@code seq} seen; the answer's {@code nextAfter}).
 */
public final class AuditApi {

  static final int DEFAULT_LIMIT = 100;

  private final Pool pool;

  public AuditApi(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    router.get("/api/v1/audit").handler(this::list);
  }

  private void list(RoutingContext ctx) {
    long after = ContractValidation.queryLong(ctx, "after", 0L);
    AuditQuery.Filter filter = new AuditQuery.Filter(ContractValidation.queryString(ctx, "type"),
        ContractValidation.queryLong(ctx, "jobId", null), after,
        ContractValidation.queryLong(ctx, "limit", (long) DEFAULT_LIMIT).intValue());
    AuditQuery.read(pool, TenantTokenAuth.tenantId(ctx), filter)
        .onSuccess(records -> {
          JsonArray events = new JsonArray();
          records.forEach(record -> events.add(json(record)));
          long next = records.isEmpty() ? after : records.get(records.size() - 1).seq();
          ctx.json(new JsonObject().put("events", events).put("nextAfter", next));
        })
        .onFailure(ctx::fail);
  }

  private static JsonObject json(AuditRecord record) {
    return new JsonObject().put("seq", record.seq()).put("occurredAt", record.occurredAt().toString())
        .put("type", record.eventType()).put("actor", record.actor()).put("jobId", record.jobId())
        .put("detail", record.detailJson()).put("hash", record.hash());
  }
}

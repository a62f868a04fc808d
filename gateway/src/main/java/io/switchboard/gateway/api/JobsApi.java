package io.switchboard.gateway.api;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.job.JobStatus;
import io.switchboard.jobs.JobCancellations;
import io.switchboard.jobs.JobStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * The jobs of the caller's tenant: {@code GET /api/v1/jobs} lists them newest first (filtered by
 * status, requester and command, paged with {@code before}), {@code GET /api/v1/jobs/{id}} reads one,
 * {@code POST /api/v1/jobs/{id}/cancel} stops one. Another tenant's job is a 404, exactly like a
 * missing one.
 */
public final class JobsApi {

  static final int DEFAULT_LIMIT = 50;

  private final Pool pool;
  private final JobCancellations cancellations;

  public JobsApi(Pool pool, JobCancellations cancellations) {
    this.pool = pool;
    this.cancellations = cancellations;
  }

  public void mount(Router router) {
    router.get("/api/v1/jobs").handler(this::list);
    router.get("/api/v1/jobs/:id").handler(this::getJob);
    router.post("/api/v1/jobs/:id/cancel").handler(this::cancelJob);
  }

  private void list(RoutingContext ctx) {
    String status = ContractValidation.queryString(ctx, "status");
    int limit = ContractValidation.queryLong(ctx, "limit", (long) DEFAULT_LIMIT).intValue();
    JobStore.Filter filter = new JobStore.Filter(ContractValidation.queryLong(ctx, "before", null),
        status == null ? null : JobStatus.fromWire(status), ContractValidation.queryString(ctx, "requester"),
        ContractValidation.queryString(ctx, "command"), limit);
    JobStore.list(pool, TenantTokenAuth.tenantId(ctx), filter)
        .onSuccess(jobs -> {
          JsonArray items = new JsonArray();
          jobs.forEach(job -> items.add(job.toJson()));
          ctx.json(new JsonObject().put("jobs", items)
              .put("nextBefore", jobs.size() == limit ? jobs.get(jobs.size() - 1).id() : null));
        })
        .onFailure(ctx::fail);
  }

  private void cancelJob(RoutingContext ctx) {
    long id = jobId(ctx);
    String tenantId = TenantTokenAuth.tenantId(ctx);
    cancellations.cancel(tenantId, id, TenantTokenAuth.actor(ctx), false)
        .compose(outcome -> switch (outcome) {
          case NOT_FOUND, NOT_YOURS -> Future.failedFuture(new SwitchboardException(ErrorCode.NOT_FOUND, "no job " + id));
          case ALREADY_FINISHED -> Future.failedFuture(
              new SwitchboardException(ErrorCode.CONFLICT, "job " + id + " has already ended or is being cancelled"));
          case CANCELLED, STOPPING -> JobStore.find(pool, tenantId, id).map(job -> {
            ctx.response().setStatusCode(outcome == JobCancellations.Outcome.CANCELLED ? 200 : 202);
            return job.orElseThrow().toJson().put("cancel", outcome == JobCancellations.Outcome.CANCELLED
                ? "cancelled" : "stopping");
          });
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void getJob(RoutingContext ctx) {
    long id = jobId(ctx);
    JobStore.find(pool, TenantTokenAuth.tenantId(ctx), id)
        .onSuccess(job -> job.ifPresentOrElse(
            found -> ctx.json(found.toJson()),
            () -> ctx.fail(new SwitchboardException(ErrorCode.NOT_FOUND, "no job " + id))))
        .onFailure(ctx::fail);
  }

  private static long jobId(RoutingContext ctx) {
    return ContractValidation.path(ctx, "id").getLong();
  }
}

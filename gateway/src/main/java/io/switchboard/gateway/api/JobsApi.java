package io.switchboard.gateway.api;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.job.JobStore;
import io.switchboard.gateway.JobCancellations;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * The jobs of the caller's tenant: {@code GET /api/v1/jobs/{id}} reads one, {@code POST
 * /api/v1/jobs/{id}/cancel} stops one. Another tenant's job is a 404, exactly like a missing one.
 */
public final class JobsApi {

  /** Who cancels through the API, in the audit log, until tokens carry a name. */
  static final String API_ACTOR = "admin-api";

  private final Pool pool;
  private final JobCancellations cancellations;

  public JobsApi(Pool pool, JobCancellations cancellations) {
    this.pool = pool;
    this.cancellations = cancellations;
  }

  public void mount(Router router, TenantTokenAuth auth) {
    router.get("/api/v1/jobs/:id").handler(auth).handler(this::getJob);
    router.post("/api/v1/jobs/:id/cancel").handler(auth).handler(this::cancelJob);
  }

  private void cancelJob(RoutingContext ctx) {
    long id = parseId(ctx.pathParam("id"));
    String tenantId = TenantTokenAuth.tenantId(ctx);
    cancellations.cancel(tenantId, id, API_ACTOR, false)
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
    long id = parseId(ctx.pathParam("id"));
    JobStore.find(pool, TenantTokenAuth.tenantId(ctx), id)
        .onSuccess(job -> job.ifPresentOrElse(
            found -> ctx.json(found.toJson()),
            () -> ctx.fail(new SwitchboardException(ErrorCode.NOT_FOUND, "no job " + id))))
        .onFailure(ctx::fail);
  }

  private static long parseId(String text) {
    try {
      long id = Long.parseLong(text);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "a job id is a positive whole number");
  }
}

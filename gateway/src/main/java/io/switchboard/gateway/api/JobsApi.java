package io.switchboard.gateway.api;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.job.JobStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/** {@code GET /api/v1/jobs/{id}}: one job of the caller's tenant; another tenant's job is a 404. */
public final class JobsApi {

  private final Pool pool;

  public JobsApi(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router, TenantTokenAuth auth) {
    router.get("/api/v1/jobs/:id").handler(auth).handler(this::getJob);
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

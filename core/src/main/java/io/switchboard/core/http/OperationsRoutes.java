package io.switchboard.core.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/**
 * The endpoints every node serves for its operators: {@code /health} (the process is up),
 * {@code /ready} (the database answers) and {@code /metrics} (Prometheus text format).
 */
public final class OperationsRoutes {

  private OperationsRoutes() {
  }

  public static void mount(Router router, Pool pool, PrometheusMeterRegistry registry) {
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    router.get("/ready").handler(ctx -> pool.query("SELECT 1").execute()
        .onSuccess(rows -> ctx.json(new JsonObject().put("status", "ready")))
        .onFailure(e -> Problems.send(ctx, ErrorCode.DATABASE_UNAVAILABLE, "the database does not answer")));
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
  }
}

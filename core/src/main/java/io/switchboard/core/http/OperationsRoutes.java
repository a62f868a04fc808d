package io.switchboard.core.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.security.Secrets;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

import java.util.Optional;

/**
 * The endpoints every node serves for its operators: {@code /health} (the process is up),
 * {@code /ready} (the database answers) and {@code /metrics} (Prometheus text format). With a
 * metrics token ({@code SWITCHBOARD_METRICS_TOKEN}) {@code /metrics} answers only a scraper that
 * presents it as a bearer token (issue 11: the series describe every tenant's traffic); without one
 * it is open, for a node whose port only the operator's network reaches.
 */
public final class OperationsRoutes {

  private OperationsRoutes() {
  }

  public static void mount(Router router, Pool pool, PrometheusMeterRegistry registry, Optional<String> metricsToken) {
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    router.get("/ready").handler(ctx -> pool.query("SELECT 1").execute()
        .onSuccess(rows -> ctx.json(new JsonObject().put("status", "ready")))
        .onFailure(e -> Problems.send(ctx, ErrorCode.DATABASE_UNAVAILABLE, "the database does not answer")));
    router.get("/metrics").handler(ctx -> {
      boolean admitted = metricsToken.isEmpty()
          || BearerToken.of(ctx).filter(presented -> Secrets.constantTimeEquals(presented, metricsToken.get())).isPresent();
      if (!admitted) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
        Problems.send(ctx, ErrorCode.UNAUTHENTICATED, "/metrics needs the metrics token as a bearer token");
        return;
      }
      ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
    });
  }
}

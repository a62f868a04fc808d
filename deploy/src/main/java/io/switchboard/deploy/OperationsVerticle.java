package io.switchboard.deploy;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.http.OperationsRoutes;
import io.switchboard.core.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/** Serves /health, /ready and /metrics on a node that runs no gateway (role {@code executor}). */
final class OperationsVerticle extends VerticleBase {

  private final SwitchboardConfig config;
  private final Pool pool;
  private final PrometheusMeterRegistry registry;

  OperationsVerticle(SwitchboardConfig config, Pool pool, PrometheusMeterRegistry registry) {
    this.config = config;
    this.pool = pool;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    OperationsRoutes.mount(router, pool, registry, config.metricsToken());
    router.errorHandler(404, ctx -> Problems.send(ctx, ErrorCode.NOT_FOUND, "an executor node serves only /health, /ready and /metrics"));
    return vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
        .invalidRequestHandler(Problems::invalidRequest).requestHandler(router).listen(config.httpPort(), config.httpHost());
  }
}

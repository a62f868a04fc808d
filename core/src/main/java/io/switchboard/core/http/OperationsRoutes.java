package io.switchboard.core.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.security.Secrets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The endpoints every node serves for its operators: {@code /health} (the process is up),
 * {@code /ready} (the database answers) and {@code /metrics} (Prometheus text format). With a
 * metrics token ({@code SWITCHBOARD_METRICS_TOKEN}) {@code /metrics} answers only a scraper that
 * presents it as a bearer token (issue 11: the series describe every tenant's traffic); without one
 * it is open, for a node whose port only the operator's network reaches.
 *
 * <p>Each scrape of {@code /metrics} first asks the database what {@code /ready} asks (at most
 * {@value #READY_CHECK_MILLIS} ms) and reports the answer as the gauge {@code switchboard_ready}
 * (1 ready, 0 not), so an alert sees what the readiness probe sees without probing it.
 */
public final class OperationsRoutes {

  /** How long a scrape waits for the database's answer before it reports the node not ready. */
  static final long READY_CHECK_MILLIS = 2_000;

  /** The {@code switchboard.ready} gauge's value, one per registry (a registry may serve several routers). */
  private static final Map<PrometheusMeterRegistry, AtomicInteger> READY = new WeakHashMap<>();

  private OperationsRoutes() {
  }

  public static void mount(Router router, Pool pool, PrometheusMeterRegistry registry, Optional<String> metricsToken) {
    AtomicInteger ready = readyGauge(registry);
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    router.get("/ready").handler(ctx -> ready(pool, ready)
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
      ready(pool, ready).timeout(READY_CHECK_MILLIS, TimeUnit.MILLISECONDS).onComplete(ar -> {
        if (ar.failed()) {
          ready.set(0);
        }
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
      });
    });
  }

  /** Whether the database answers; the answer is kept in {@code ready} for the gauge. */
  private static Future<?> ready(Pool pool, AtomicInteger ready) {
    return pool.query("SELECT 1").execute()
        .onSuccess(rows -> ready.set(1))
        .onFailure(e -> ready.set(0));
  }

  private static AtomicInteger readyGauge(PrometheusMeterRegistry registry) {
    synchronized (READY) {
      return READY.computeIfAbsent(registry, r -> {
        AtomicInteger value = new AtomicInteger();
        Gauge.builder("switchboard.ready", value, AtomicInteger::get)
            .description("1 when the database answered this node's last readiness check (each scrape makes one), else 0")
            .register(r);
        return value;
      });
    }
  }
}

package io.switchboard.gateway;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.switchboard.core.trace.Tracing;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * The server span of each incoming request (a chat platform's delivery, an admin API call), the root
 * of its trace: started before the platform verifies the request, current on the request's duplicated
 * context (the command path's spans are its children), ended with the response. A {@code traceparent}
 * the request brings comes from the internet and is only recorded as a link. The operations endpoints
 * (health, readiness, metrics), polled every few seconds, get none.
 */
final class RequestSpans {

  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");

  private static final Set<String> UNTRACED = Set.of("/health", "/ready", "/metrics");

  private RequestSpans() {
  }

  static void start(RoutingContext ctx) {
    if (UNTRACED.contains(ctx.normalizedPath())) {
      ctx.next();
      return;
    }
    String method = ctx.request().method().name();
    Span span = Tracing.startRequest(method, ctx.request().getHeader("traceparent"));
    if (!span.getSpanContext().isValid()) {
      // Tracing is off: nothing to name or end.
      ctx.next();
      return;
    }
    span.setAttribute(Tracing.HTTP_METHOD, method);
    ctx.addEndHandler(ended -> {
      // The route template, never the path itself: paths carry ids, and a 404's is whatever was asked.
      Route route = ctx.currentRoute();
      int status = ctx.response().getStatusCode();
      String template = route == null || route.getPath() == null || status == 404 ? null : route.getPath();
      if (template != null) {
        span.updateName(method + " " + template);
        span.setAttribute(ROUTE, template);
      }
      span.setAttribute(Tracing.HTTP_STATUS, (long) status);
      if (status >= 500 || ended.failed()) {
        span.setStatus(StatusCode.ERROR);
      }
      span.end();
    });
    ctx.next();
  }
}

package io.switchboard.gateway;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers every answer of the gateway carries (issue 11): browsers must not guess content types
 * ({@code nosniff}), frame the install pages or the sandbox (clickjacking), leak addresses in
 * {@code Referer}, or load anything into the install pages (they have no script, only inline style).
 * The sandbox's static files replace the content security policy with their own, which allows its
 * script and style from {@code /sandbox/static}.
 */
public final class SecurityHeaders {

  /** Nothing but the pages' own inline style; the sandbox's static files set a policy of their own. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; "
      + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private SecurityHeaders() {
  }

  /** A route handler: adds the headers, then passes the request on. */
  public static void add(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.next();
  }
}

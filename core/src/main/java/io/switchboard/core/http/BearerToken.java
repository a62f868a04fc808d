package io.switchboard.core.http;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/** Reads {@code Authorization: Bearer <token>}, and refuses a request without one the same way everywhere. */
public final class BearerToken {

  private static final String BEARER = "Bearer ";

  private BearerToken() {
  }

  /** The presented token; empty when the header is missing, not a bearer token, or blank. */
  public static Optional<String> of(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    String token = header.substring(BEARER.length()).trim();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /** Fails the request with 401 and a {@code WWW-Authenticate} challenge. */
  public static void refuse(RoutingContext ctx, String detail) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"switchboard\"");
    ctx.fail(new SwitchboardException(ErrorCode.UNAUTHENTICATED, detail));
  }
}

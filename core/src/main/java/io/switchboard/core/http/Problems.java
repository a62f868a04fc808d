package io.switchboard.core.http;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * Writes errors as RFC 9457 {@code application/problem+json} and is the router's last failure
 * handler: refusals keep their status and code, framework 4xx (e.g. an unknown method) keep theirs,
 * a database that cannot be reached or will not take work now is a 503 with {@code Retry-After}
 * (nothing was stored, so the caller may try again), and only a genuine fault becomes 500, logged
 * with its cause.
 */
public final class Problems {

  public static final String CONTENT_TYPE = "application/problem+json";
  /** Seconds a caller is asked to wait before trying again while the database is unavailable. */
  public static final int DATABASE_RETRY_AFTER_SECONDS = 5;
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {
  }

  public static void send(RoutingContext ctx, ErrorCode code, String detail) {
    send(ctx, code, detail, new JsonObject());
  }

  /** A problem with extension members (RFC 9457 section 3.2), e.g. {@code "problems": [...]}. */
  public static void send(RoutingContext ctx, ErrorCode code, String detail, JsonObject extensions) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    JsonObject body = document(code, detail, extensions);
    if (code == ErrorCode.DATABASE_UNAVAILABLE) {
      ctx.response().putHeader("Retry-After", Integer.toString(DATABASE_RETRY_AFTER_SECONDS));
    }
    ctx.response()
        .setStatusCode(code.status())
        .putHeader("Content-Type", CONTENT_TYPE)
        .end(body.encode());
  }

  private static JsonObject document(ErrorCode code, String detail, JsonObject extensions) {
    return extensions.copy()
        .put("type", "https://switchboard.dev/problems/" + code.wire())
        .put("title", code.title())
        .put("status", code.status())
        .put("code", code.wire())
        .put("detail", detail);
  }

  /**
   * The server's handler of requests its HTTP decoder refused before any route saw them (a request
   * line or URI over the limit, headers over the limit, a malformed request line): the same answer
   * Vert.x gives (414, 431 or 400), as a problem document, and the connection closed. The answer
   * says {@code Connection: close}: without it a client pools the connection and its next request
   * races the close and reads nothing.
   */
  public static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    ErrorCode code;
    if (cause instanceof TooLongHttpLineException) {
      code = ErrorCode.URI_TOO_LONG;
    } else if (cause instanceof TooLongHttpHeaderException) {
      code = ErrorCode.HEADERS_TOO_LARGE;
    } else {
      code = ErrorCode.MALFORMED_REQUEST;
    }
    request.response().setStatusCode(code.status()).putHeader("Content-Type", CONTENT_TYPE)
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .end(document(code, "the HTTP request could not be read: " + code.title().toLowerCase(java.util.Locale.ROOT),
            new JsonObject()).encode());
    request.connection().close();
  }

  public static void send(RoutingContext ctx, SwitchboardException e) {
    send(ctx, e.code(), e.detail());
  }

  /**
   * SQLSTATEs of text PostgreSQL cannot store: 22021 (a byte sequence invalid in UTF-8, which is what
   * a NUL is to it) and 22P05 (a character with no equivalent in the encoding). Input that reached
   * the database with such a character is the caller's fault, and the statement wrote nothing.
   */
  private static final Set<String> UNSTORABLE_TEXT = Set.of("22021", "22P05");

  /** A failure handler for a whole router. */
  public static Handler<RoutingContext> failureHandler() {
    return ctx -> {
      Throwable failure = ctx.failure();
      if (failure instanceof SwitchboardException e) {
        send(ctx, e);
        return;
      }
      if (failure instanceof PgException pg && UNSTORABLE_TEXT.contains(pg.getSqlState())) {
        send(ctx, ErrorCode.MALFORMED_REQUEST, "the request holds a character that cannot be stored (such as NUL)");
        return;
      }
      if (DatabaseFailures.unavailable(failure)) {
        LOG.warn("The database is unavailable for {} {}: {}", ctx.request().method(), ctx.request().path(),
            failure.toString());
        send(ctx, ErrorCode.DATABASE_UNAVAILABLE, "the database is unavailable; nothing was stored, try again later");
        return;
      }
      int status = ctx.statusCode();
      if (failure == null && status >= 400 && status < 500) {
        send(ctx, forStatus(status), "the request was refused (HTTP " + status + ")");
        return;
      }
      LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      send(ctx, ErrorCode.INTERNAL_ERROR, "an internal error occurred; it has been logged");
    };
  }

  private static ErrorCode forStatus(int status) {
    return switch (status) {
      case 401 -> ErrorCode.UNAUTHENTICATED;
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      default -> ErrorCode.MALFORMED_REQUEST;
    };
  }
}

package io.switchboard.gateway.slack;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.tenancy.SlackInstallation;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Optional;

/**
 * What every Slack endpoint does before it acts: read the raw body (at most {@link #MAX_BODY_BYTES}),
 * authenticate it ({@link SlackRequestAuthenticator}: signature, timestamp, installed team), insist on
 * a form body, and count it. A refusal becomes a problem response and a metric; the subclass sees
 * only authenticated requests.
 */
abstract class SignedSlackEndpoint implements Handler<RoutingContext> {

  static final int MAX_BODY_BYTES = 64 * 1024;
  static final String PLATFORM = "slack";
  private static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

  private final SlackRequestAuthenticator authenticator;
  protected final GatewayMetrics metrics;

  SignedSlackEndpoint(SlackRequestAuthenticator authenticator, GatewayMetrics metrics) {
    this.authenticator = authenticator;
    this.metrics = metrics;
  }

  /** The Slack team the still unverified body names, to find the signing secret by. */
  protected abstract Optional<String> claimedTeam(Buffer body);

  /** Acts on an authenticated request; the answer is sent as the HTTP 200 body (empty when null). */
  protected abstract Future<JsonObject> answer(SlackInstallation installation, Buffer body);

  @Override
  public final void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    metrics.received(PLATFORM);
    RawBody.read(ctx.request(), MAX_BODY_BYTES)
        .compose(body -> authenticator.authenticate(ctx.request().headers(), body, claimedTeam(body))
            .compose(installation -> {
              requireForm(ctx);
              return answer(installation, body);
            }))
        .onSuccess(reply -> {
          if (reply == null) {
            ctx.response().setStatusCode(200).end();
          } else {
            ctx.json(reply);
          }
          metrics.acknowledged(start);
        })
        .onFailure(failure -> {
          if (failure instanceof SwitchboardException refusal) {
            metrics.refused(PLATFORM, refusal.code().wire());
          }
          ctx.fail(failure);
        });
  }

  private static void requireForm(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(FORM_CONTENT_TYPE)) {
      throw new SwitchboardException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Slack requests must be " + FORM_CONTENT_TYPE);
    }
  }
}

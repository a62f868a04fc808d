package io.switchboard.gateway.slack;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.http.MediaTypes;
import io.switchboard.core.http.RawBody;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.tenancy.SlackInstallation;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/**
 * What every Slack endpoint does before it acts: read the raw body (at most {@link #MAX_BODY_BYTES}),
 * authenticate it ({@link SlackRequestAuthenticator}: signature, timestamp, installed team), insist on
 * the endpoint's media type (a form, or JSON for the Events API), and count it. A refusal becomes a
 * problem response and a metric; the subclass sees only authenticated requests.
 */
abstract class SignedSlackEndpoint implements Handler<RoutingContext> {

  static final int MAX_BODY_BYTES = 64 * 1024;
  static final String PLATFORM = "slack";
  static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";
  static final String JSON_CONTENT_TYPE = "application/json";

  protected final SlackRequestAuthenticator authenticator;
  protected final GatewayMetrics metrics;
  private final String contentType;

  SignedSlackEndpoint(SlackRequestAuthenticator authenticator, GatewayMetrics metrics) {
    this(authenticator, metrics, FORM_CONTENT_TYPE);
  }

  SignedSlackEndpoint(SlackRequestAuthenticator authenticator, GatewayMetrics metrics, String contentType) {
    this.authenticator = authenticator;
    this.metrics = metrics;
    this.contentType = contentType;
  }

  /** The Slack team the still unverified body names, to find the signing secret by. */
  protected abstract Optional<String> claimedTeam(Buffer body);

  /**
   * Proves the request comes from Slack and finds its installation; by default by the team the body
   * claims ({@link #claimedTeam}).
   */
  protected Future<SlackInstallation> authenticate(MultiMap headers, Buffer body) {
    return authenticator.authenticate(headers, body, claimedTeam(body));
  }

  /** Acts on an authenticated request; the answer is sent as the HTTP 200 body (empty when null). */
  protected abstract Future<JsonObject> answer(SlackInstallation installation, Buffer body);

  @Override
  public final void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    metrics.received(PLATFORM);
    RawBody.read(ctx.request(), MAX_BODY_BYTES)
        .compose(body -> authenticate(ctx.request().headers(), body)
            .compose(installation -> {
              requireContentType(ctx, contentType);
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

  private static void requireContentType(RoutingContext ctx, String expected) {
    String contentType = ctx.request().getHeader("Content-Type");
    if (!MediaTypes.of(contentType).equals(expected)) {
      throw new SwitchboardException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "this Slack endpoint takes " + expected);
    }
  }
}

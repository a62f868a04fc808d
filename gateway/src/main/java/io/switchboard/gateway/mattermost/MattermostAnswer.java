package io.switchboard.gateway.mattermost;

import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * What a request from a Mattermost server is answered with: the JSON of the HTTP response (a slash
 * command's response, a click's {@code update} or {@code ephemeral_text}), and what to do once it is
 * sent (post the job's message, edit a card).
 */
record MattermostAnswer(JsonObject response, Supplier<Future<Void>> afterSent) {

  private static final Logger LOG = LoggerFactory.getLogger(MattermostAnswer.class);

  /** An answer with nothing to do after it. */
  static MattermostAnswer of(JsonObject response) {
    return new MattermostAnswer(response, Future::succeededFuture);
  }

  /**
   * Answers {@code ctx} with what {@code answer} becomes, then starts its follow-up (a failed one is
   * logged as {@code followUp}); a failure is a problem document, counted as a refusal when it is one.
   */
  static void send(RoutingContext ctx, long start, GatewayMetrics metrics, Future<MattermostAnswer> answer,
                   String followUp) {
    answer.onSuccess(done -> {
      metrics.acknowledged(start);
      ctx.response().putHeader("Content-Type", "application/json").end(done.response().encode())
          .onSuccess(v -> done.afterSent().get().onFailure(e -> LOG.warn("{} failed: {}", followUp, e.toString())));
    }).onFailure(failure -> refuse(ctx, metrics, failure));
  }

  static void refuse(RoutingContext ctx, GatewayMetrics metrics, Throwable failure) {
    if (failure instanceof SwitchboardException refusal) {
      metrics.refused(MattermostSettings.PLATFORM, refusal.code().wire());
    }
    ctx.fail(failure);
  }
}

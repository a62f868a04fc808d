package io.switchboard.gateway.discord;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.http.UnstorableCharacters;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.core.http.RawBody;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /discord/interactions}, in this order: read the raw body (at most
 * {@link #MAX_BODY_BYTES}), authenticate it ({@link DiscordRequestAuthenticator}: 401 before anything
 * runs), then by interaction type: {@code PING} (1) is answered with a {@code PONG}, an application
 * command (2) runs through {@link DiscordCommands}, a button click (3) votes through
 * {@link DiscordApprovalClicks} or cancels or reruns a job through {@link DiscordJobClicks}; any other
 * type is a 400. After the response is sent, the answer's
 * follow-up work (webhook edits) starts.
 */
public final class DiscordInteractionsHandler implements Handler<RoutingContext> {

  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(DiscordInteractionsHandler.class);

  private final DiscordRequestAuthenticator authenticator;
  private final DiscordCommands commands;
  private final DiscordApprovalClicks approvalClicks;
  private final DiscordJobClicks jobClicks;
  private final GatewayMetrics metrics;

  public DiscordInteractionsHandler(DiscordRequestAuthenticator authenticator, DiscordCommands commands,
                                    DiscordApprovalClicks approvalClicks, DiscordJobClicks jobClicks,
                                    GatewayMetrics metrics) {
    this.authenticator = authenticator;
    this.commands = commands;
    this.approvalClicks = approvalClicks;
    this.jobClicks = jobClicks;
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    metrics.received(DiscordCommands.PLATFORM);
    RawBody.read(ctx.request(), MAX_BODY_BYTES)
        .compose(body -> authenticator.authenticate(ctx.request().headers(), body))
        .compose(this::answer)
        .onSuccess(answer -> {
          metrics.acknowledged(start);
          ctx.response().putHeader("Content-Type", "application/json").end(answer.response().encode())
              .onSuccess(v -> answer.afterSent().get()
                  .onFailure(e -> LOG.warn("Answering a Discord interaction failed: {}", e.toString())));
        })
        .onFailure(failure -> {
          if (failure instanceof SwitchboardException refusal) {
            metrics.refused(DiscordCommands.PLATFORM, refusal.code().wire());
          }
          ctx.fail(failure);
        });
  }

  private Future<InteractionAnswer> answer(VerifiedInteraction interaction) {
    UnstorableCharacters.refuseIn(interaction.payload());
    Object type = interaction.payload().getValue("type");
    if (!(type instanceof Integer kind)) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the interaction has no numeric type");
    }
    return switch (kind) {
      case 1 -> Future.succeededFuture(InteractionAnswer.of(new JsonObject().put("type", InteractionAnswer.PONG)));
      case 2 -> commands.run(interaction);
      case 3 -> click(interaction, ButtonClick.parse(interaction.payload()));
      default -> throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "unsupported interaction type " + kind);
    };
  }

  private Future<InteractionAnswer> click(VerifiedInteraction interaction, ButtonClick click) {
    return click.onApproval() ? approvalClicks.click(interaction, click) : jobClicks.click(interaction, click);
  }
}

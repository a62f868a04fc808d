package io.switchboard.gateway.discord;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.function.Supplier;

/**
 * How Switchboard answers one interaction: the HTTP response Discord waits for (at most 3 s), and
 * what to do once it has been sent (edits of the deferred response go through the webhook only after
 * Discord has the response).
 */
public record InteractionAnswer(JsonObject response, Supplier<Future<Void>> afterSent) {

  /** Interaction response types (Discord's {@code InteractionCallbackType}). */
  static final int PONG = 1;
  static final int CHANNEL_MESSAGE = 4;
  static final int DEFERRED_CHANNEL_MESSAGE = 5;
  static final int DEFERRED_UPDATE_MESSAGE = 6;
  static final int UPDATE_MESSAGE = 7;
  /** Message flag: only the user who interacted sees it. */
  static final int EPHEMERAL = 64;

  static InteractionAnswer of(JsonObject response) {
    return new InteractionAnswer(response, Future::succeededFuture);
  }

  /** A message only the user sees, sent at once. */
  static InteractionAnswer ephemeral(String content) {
    return of(new JsonObject().put("type", CHANNEL_MESSAGE)
        .put("data", DiscordText.message(content).put("flags", EPHEMERAL)));
  }

  /** "Thinking…" now (ephemeral or not), the real message later through the webhook. */
  static InteractionAnswer deferred(boolean ephemeral, Supplier<Future<Void>> afterSent) {
    JsonObject response = new JsonObject().put("type", DEFERRED_CHANNEL_MESSAGE);
    if (ephemeral) {
      response.put("data", new JsonObject().put("flags", EPHEMERAL));
    }
    return new InteractionAnswer(response, afterSent);
  }
}

package io.switchboard.gateway.discord;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the answers to one Discord interaction go: the application's webhook with the interaction's
 * token, valid until {@code expiresAt} (Discord keeps a token 15 minutes). Kept in a job's (or an
 * approval's) {@code reply_to} as kind {@value #REPLY_KIND}, with the guild and channel for
 * answers after the token expired. Ids and tokens are checked when read, so they are safe in a URL path.
 */
public record InteractionWebhook(String applicationId, String token, String guildId, String channelId,
                                 Instant expiresAt) {

  /** The {@code reply_to.kind} of jobs and approvals answered through an interaction webhook. */
  public static final String REPLY_KIND = "discord_interaction";

  /** How long Discord accepts an interaction token. */
  public static final Duration LIFETIME = Duration.ofMinutes(15);

  private static final Pattern ID = Pattern.compile("[0-9]{1,20}");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._\\-]{1,500}");

  /** The webhook of a {@code reply_to}, or empty if it is not one or is malformed. */
  public static Optional<InteractionWebhook> fromReplyTo(JsonObject replyTo) {
    if (replyTo == null || !REPLY_KIND.equals(replyTo.getString("kind"))) {
      return Optional.empty();
    }
    try {
      return valid(replyTo.getString("application_id"), replyTo.getString("token"), replyTo.getString("guild"),
          replyTo.getString("channel"), Instant.parse(replyTo.getString("expires_at")));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A webhook if the ids and token have Discord's form. */
  public static Optional<InteractionWebhook> valid(String applicationId, String token, String guildId,
                                                   String channelId, Instant expiresAt) {
    boolean ok = applicationId != null && ID.matcher(applicationId).matches() && token != null
        && TOKEN.matcher(token).matches() && guildId != null && ID.matcher(guildId).matches()
        && channelId != null && ID.matcher(channelId).matches();
    return ok ? Optional.of(new InteractionWebhook(applicationId, token, guildId, channelId, expiresAt))
        : Optional.empty();
  }

  /**
   * The webhook of an interaction received now, valid for Discord's {@link #LIFETIME}; fails with
   * {@link ErrorCode#MALFORMED_REQUEST} if the ids or token are not in Discord's form.
   */
  public static InteractionWebhook of(String applicationId, String token, String guildId, String channelId,
                                      Instant receivedAt) {
    return valid(applicationId, token, guildId, channelId, receivedAt.plus(LIFETIME))
        .orElseThrow(() -> new SwitchboardException(ErrorCode.MALFORMED_REQUEST,
            "the interaction's ids or token are not in Discord's form"));
  }

  public JsonObject toReplyTo() {
    return new JsonObject().put("kind", REPLY_KIND).put("application_id", applicationId).put("token", token)
        .put("guild", guildId).put("channel", channelId).put("expires_at", expiresAt.toString());
  }

  /** Whether the token is past its lifetime at {@code now}. */
  public boolean expired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  String path() {
    return "/webhooks/" + applicationId + "/" + token;
  }

  @Override
  public String toString() {
    return "InteractionWebhook[application " + applicationId + ", guild " + guildId + ", channel " + channelId + "]";
  }
}

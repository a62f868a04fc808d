package io.switchboard.gateway.discord;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Proves an interaction comes from Discord before anything acts on it: both signature headers
 * present, the timestamp within {@link #MAX_SKEW} of now (a replay later is refused), and the Ed25519
 * signature valid under the public key of the guild's own application, or the shared application's
 * for PINGs, direct messages and guilds without their own; and the interaction for that application
 * (its {@code application_id}, when the application's id is known). Each failure is a 401 with its
 * own code; a body that verifies but is not a JSON object is a 400.
 */
public final class DiscordRequestAuthenticator {

  static final Duration MAX_SKEW = Duration.ofMinutes(5);

  private final DiscordGuilds guilds;
  private final Optional<String> sharedApplicationId;
  private final Optional<String> sharedPublicKey;
  private final Clock clock;

  public DiscordRequestAuthenticator(DiscordGuilds guilds, Optional<String> sharedApplicationId,
                                     Optional<String> sharedPublicKey, Clock clock) {
    this.guilds = guilds;
    this.sharedApplicationId = sharedApplicationId;
    this.sharedPublicKey = sharedPublicKey;
    this.clock = clock;
  }

  public Future<VerifiedInteraction> authenticate(MultiMap headers, Buffer body) {
    String signature = headers.get("X-Signature-Ed25519");
    String timestamp = headers.get("X-Signature-Timestamp");
    if (signature == null || timestamp == null) {
      return refuse(ErrorCode.MISSING_SIGNATURE, "the Discord signature headers are missing");
    }
    if (!fresh(timestamp)) {
      return refuse(ErrorCode.STALE_REQUEST, "the request timestamp is not within five minutes of now");
    }
    Optional<JsonObject> payload = parse(body);
    Optional<String> guild = payload.map(p -> p.getValue("guild_id") instanceof String id ? id : null);
    Future<Optional<DiscordInstallation>> installation = guild.isPresent()
        ? guilds.find(guild.get()) : Future.succeededFuture(Optional.empty());
    return installation.compose(found -> {
      Optional<String> key = found.flatMap(DiscordInstallation::publicKey).or(() -> sharedPublicKey);
      if (key.isEmpty()) {
        return refuse(ErrorCode.UNKNOWN_WORKSPACE, "no Discord public key is configured for this request");
      }
      if (!DiscordSignature.verify(key.get(), timestamp, body.getBytes(), signature)) {
        return refuse(ErrorCode.BAD_SIGNATURE, "the Discord signature does not match");
      }
      if (payload.isEmpty()) {
        return refuse(ErrorCode.MALFORMED_REQUEST, "the interaction is not a JSON object");
      }
      boolean ownApp = found.flatMap(DiscordInstallation::publicKey).isPresent();
      Optional<String> application = ownApp ? found.flatMap(DiscordInstallation::applicationId) : sharedApplicationId;
      if (application.isPresent() && !application.get().equals(payload.get().getValue("application_id"))) {
        return refuse(ErrorCode.UNKNOWN_WORKSPACE, "the interaction is for another Discord application");
      }
      return Future.succeededFuture(new VerifiedInteraction(payload.get(), found));
    });
  }

  private boolean fresh(String timestamp) {
    try {
      long seconds = Long.parseLong(timestamp.trim());
      return Math.abs(clock.instant().getEpochSecond() - seconds) <= MAX_SKEW.toSeconds();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static Optional<JsonObject> parse(Buffer body) {
    try {
      return Json.decodeValue(body) instanceof JsonObject object ? Optional.of(object) : Optional.empty();
    } catch (DecodeException e) {
      return Optional.empty();
    }
  }

  private static <T> Future<T> refuse(ErrorCode code, String detail) {
    return Future.failedFuture(new SwitchboardException(code, detail));
  }
}

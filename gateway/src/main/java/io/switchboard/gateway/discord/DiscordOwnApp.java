package io.switchboard.gateway.discord;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.platform.OwnAppCredentials;
import io.vertx.core.json.JsonObject;

import java.util.Optional;
import java.util.Set;

/**
 * A tenant's own Discord application is named by its application id and public key, which go
 * together; the installation row holds both (the key verifies the application's interactions).
 */
final class DiscordOwnApp implements OwnAppCredentials {

  static final String APPLICATION_ID = "applicationId";
  static final String PUBLIC_KEY = "publicKey";

  @Override
  public Set<String> fields() {
    return Set.of(APPLICATION_ID, PUBLIC_KEY);
  }

  @Override
  public OwnApp read(JsonObject body) {
    if (body.containsKey(APPLICATION_ID) != body.containsKey(PUBLIC_KEY)) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "applicationId and publicKey go together");
    }
    return body.containsKey(PUBLIC_KEY)
        ? new OwnApp(true, Optional.of(body.getString(PUBLIC_KEY)), Optional.of(body.getString(APPLICATION_ID)))
        : OwnApp.SHARED;
  }
}

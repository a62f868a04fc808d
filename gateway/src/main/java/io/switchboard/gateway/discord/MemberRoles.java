package io.switchboard.gateway.discord;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The guild roles of the user behind an interaction ({@code member.roles}, role ids), which Discord
 * sends with every interaction in a guild. They are the user's chat groups for policy bindings
 * ({@code discord:group:<role id>}); a direct message has no member and so no roles.
 */
final class MemberRoles {

  /** Discord allows 250 roles per guild. */
  static final int MAX_ROLES = 250;
  private static final Pattern SNOWFLAKE = Pattern.compile("[0-9]{1,20}");

  private MemberRoles() {
  }

  /** The role ids of the payload's member; fails with {@link ErrorCode#MALFORMED_REQUEST} if they are not ids. */
  static Set<String> of(JsonObject payload) {
    if (!(payload.getValue("member") instanceof JsonObject member) || member.getValue("roles") == null) {
      return Set.of();
    }
    if (!(member.getValue("roles") instanceof JsonArray roles) || roles.size() > MAX_ROLES) {
      throw malformed();
    }
    Set<String> ids = new HashSet<>();
    for (Object role : roles) {
      if (!(role instanceof String id) || !SNOWFLAKE.matcher(id).matches()) {
        throw malformed();
      }
      ids.add(id);
    }
    return Set.copyOf(ids);
  }

  private static SwitchboardException malformed() {
    return new SwitchboardException(ErrorCode.MALFORMED_REQUEST,
        "the interaction's member.roles must be at most " + MAX_ROLES + " role ids");
  }
}

package io.switchboard.gateway.discord;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Whether the user behind an interaction may manage the guild: Discord sends the member's computed
 * permissions in the channel ({@code member.permissions}, a decimal bit set as a string) with every
 * interaction in a guild, inside the signed body. {@code ADMINISTRATOR} (bit 3) or
 * {@code MANAGE_GUILD} (bit 5) is what Discord itself asks before a bot is added to a server, so it
 * is what binding the server to a tenant asks too. No member (a direct message) manages nothing.
 */
final class MemberPermissions {

  private static final int ADMINISTRATOR = 3;
  private static final int MANAGE_GUILD = 5;
  private static final Pattern BIT_SET = Pattern.compile("[0-9]{1,40}");

  private MemberPermissions() {
  }

  /** Whether the payload's member has Administrator or Manage Server; 400 if the permissions are not a bit set. */
  static boolean managesGuild(JsonObject payload) {
    if (!(payload.getValue("member") instanceof JsonObject member) || member.getValue("permissions") == null) {
      return false;
    }
    if (!(member.getValue("permissions") instanceof String bits) || !BIT_SET.matcher(bits).matches()) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST,
          "the interaction's member.permissions is not a decimal bit set");
    }
    BigInteger permissions = new BigInteger(bits);
    return permissions.testBit(ADMINISTRATOR) || permissions.testBit(MANAGE_GUILD);
  }
}

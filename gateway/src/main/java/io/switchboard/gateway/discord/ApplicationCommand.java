package io.switchboard.gateway.discord;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.log.RedactedRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The parts of a Discord {@code APPLICATION_COMMAND} interaction (type 2) Switchboard uses. The
 * command text is the {@code text} string option ({@code /ops text: deploy staging api}), or the
 * string options joined when there is no {@code text}.
 *
 * @param guildId empty in a direct message
 * @param userId  {@code member.user.id} in a guild, {@code user.id} in a direct message
 * @param roles   the user's guild roles ({@link MemberRoles}); empty in a direct message
 */
public record ApplicationCommand(String interactionId, String applicationId, String token, Optional<String> guildId,
                                 String channelId, String userId, Set<String> roles, String name, String text) {

  /** Reads the interaction, or fails with {@link ErrorCode#MALFORMED_REQUEST} naming what is missing. */
  public static ApplicationCommand parse(JsonObject payload) {
    JsonObject data = object(payload, "data");
    JsonObject member = payload.getValue("member") instanceof JsonObject m ? m : null;
    JsonObject user = member != null ? object(member, "user") : object(payload, "user");
    String channel = payload.getValue("channel_id") instanceof String c ? c
        : payload.getValue("channel") instanceof JsonObject c ? string(c, "id") : null;
    return new ApplicationCommand(required(string(payload, "id"), "id"),
        required(string(payload, "application_id"), "application_id"), required(string(payload, "token"), "token"),
        Optional.ofNullable(string(payload, "guild_id")), required(channel, "channel_id"),
        required(string(user, "id"), "user.id"), MemberRoles.of(payload), required(string(data, "name"), "data.name"),
        text(data));
  }

  private static String text(JsonObject data) {
    if (!(data.getValue("options") instanceof JsonArray options)) {
      return "";
    }
    List<String> values = new ArrayList<>();
    for (Object option : options) {
      if (option instanceof JsonObject o && o.getValue("value") instanceof String value) {
        if ("text".equals(o.getValue("name"))) {
          return value;
        }
        values.add(value);
      }
    }
    return String.join(" ", values);
  }

  private static JsonObject object(JsonObject parent, String name) {
    if (parent.getValue(name) instanceof JsonObject object) {
      return object;
    }
    throw malformed(name);
  }

  private static String string(JsonObject parent, String name) {
    return parent.getValue(name) instanceof String s && !s.isBlank() ? s : null;
  }

  private static String required(String value, String name) {
    if (value == null) {
      throw malformed(name);
    }
    return value;
  }

  private static SwitchboardException malformed(String name) {
    return new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the interaction has no " + name);
  }

  @Override
  public String toString() {
    return RedactedRecord.toString(this, "token");
  }
}

package io.switchboard.gateway.teams;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.http.UnstorableCharacters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One Bot Framework activity as Switchboard reads it, parsed strictly from the request body: what
 * the JWT check needs ({@code channelId}, {@code serviceUrl}) and what the handlers need. A body
 * that is not an activity is a {@link ErrorCode#MALFORMED_REQUEST} naming the field.
 *
 * @param teamsTenantId   {@code channelData.tenant.id} (or {@code conversation.tenantId}), the AAD tenant
 * @param fromAadObjectId the sender's AAD object id (users only; bots have none)
 * @param value           the data of an Adaptive Card {@code Action.Submit}, if this message is one
 * @param replyToId       the activity this one answers (for a card's submission: the card)
 * @param membersAdded    the ids of members a {@code conversationUpdate} added
 */
public record TeamsActivity(String type, String id, String channelId, String serviceUrl, String conversationId,
                            Optional<String> teamsTenantId, String fromId, Optional<String> fromAadObjectId,
                            String recipientId, String text, Optional<JsonObject> value, JsonArray entities,
                            Optional<String> replyToId,
                            List<String> membersAdded, List<String> membersRemoved) {

  public static final String MESSAGE = "message";
  public static final String CONVERSATION_UPDATE = "conversationUpdate";

  /** Whether the activity came from the Teams channel (the only one Switchboard serves). */
  public boolean fromTeams() {
    return "msteams".equals(channelId);
  }

  /** Parses {@code body}; throws a malformed-request error naming what is missing. */
  public static TeamsActivity parse(Buffer body) {
    Object decoded;
    try {
      decoded = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw malformed("the body is not JSON");
    }
    if (!(decoded instanceof JsonObject json)) {
      throw malformed("the body is not a JSON object");
    }
    UnstorableCharacters.refuseIn(json);
    JsonObject conversation = object(json, "conversation", true);
    JsonObject from = object(json, "from", true);
    JsonObject recipient = object(json, "recipient", true);
    JsonObject channelData = object(json, "channelData", false);
    JsonObject tenant = channelData == null ? null : object(channelData, "tenant", false);
    Optional<String> teamsTenant = Optional.ofNullable(tenant == null ? null : string(tenant, "id", false))
        .or(() -> Optional.ofNullable(string(conversation, "tenantId", false)));
    Object value = json.getValue("value");
    Object entities = json.getValue("entities");
    return new TeamsActivity(string(json, "type", true), string(json, "id", false), string(json, "channelId", true),
        string(json, "serviceUrl", true), string(conversation, "id", true), teamsTenant, string(from, "id", true),
        Optional.ofNullable(string(from, "aadObjectId", false)), string(recipient, "id", true),
        Optional.ofNullable(string(json, "text", false)).orElse(""),
        Optional.ofNullable(value instanceof JsonObject v ? v : null),
        entities instanceof JsonArray e ? e : new JsonArray(),
        Optional.ofNullable(string(json, "replyToId", false)),
        ids(json, "membersAdded"), ids(json, "membersRemoved"));
  }

  private static List<String> ids(JsonObject json, String field) {
    Object members = json.getValue(field);
    if (members == null) {
      return List.of();
    }
    if (!(members instanceof JsonArray array)) {
      throw malformed(field + " is not an array");
    }
    List<String> ids = new ArrayList<>();
    for (Object member : array) {
      if (!(member instanceof JsonObject m) || !(m.getValue("id") instanceof String id)) {
        throw malformed(field + " holds a member without an id");
      }
      ids.add(id);
    }
    return List.copyOf(ids);
  }

  private static JsonObject object(JsonObject json, String field, boolean required) {
    Object value = json.getValue(field);
    if (value instanceof JsonObject object) {
      return object;
    }
    if (value == null && !required) {
      return null;
    }
    throw malformed(field + (value == null ? " is missing" : " is not an object"));
  }

  private static String string(JsonObject json, String field, boolean required) {
    Object value = json.getValue(field);
    if (value instanceof String text && !text.isBlank()) {
      return text;
    }
    if (value == null && !required) {
      return null;
    }
    throw malformed(field + (value == null ? " is missing" : " is not a non-empty string"));
  }

  private static SwitchboardException malformed(String what) {
    return new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "not a Bot Framework activity: " + what);
  }
}

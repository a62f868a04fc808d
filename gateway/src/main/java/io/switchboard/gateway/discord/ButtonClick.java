package io.switchboard.gateway.discord;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.log.RedactedRecord;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.reply.JobButtons;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * The parts of a Discord {@code MESSAGE_COMPONENT} interaction (type 3) on one of Switchboard's
 * buttons: its custom id is {@code <action>:<id>}, the action one of {@link ApprovalMessages#APPROVE}
 * and {@link ApprovalMessages#DENY} (the id an approval's) or {@link JobButtons#CANCEL} and
 * {@link JobButtons#RERUN} (the id a job's). {@code roles} are the clicking user's guild roles
 * ({@link MemberRoles}).
 */
public record ButtonClick(String interactionId, String applicationId, String token, String channelId, String userId,
                          Set<String> roles, String action, long targetId) {

  private static final Set<String> ACTIONS = Set.of(ApprovalMessages.APPROVE, ApprovalMessages.DENY, JobButtons.CANCEL,
      JobButtons.RERUN);

  /** Whether the button is an approval's (else a job's). */
  public boolean onApproval() {
    return action.startsWith("approval.");
  }

  /** Reads the click, or fails with {@link ErrorCode#MALFORMED_REQUEST}. */
  public static ButtonClick parse(JsonObject payload) {
    JsonObject data = payload.getValue("data") instanceof JsonObject d ? d : new JsonObject();
    String customId = data.getValue("custom_id") instanceof String id ? id : "";
    int colon = customId.lastIndexOf(':');
    String action = colon < 0 ? customId : customId.substring(0, colon);
    if (!ACTIONS.contains(action)) {
      throw malformed("a known custom_id");
    }
    long targetId;
    try {
      targetId = Long.parseLong(customId.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw malformed("an id in its custom_id");
    }
    if (targetId <= 0) {
      throw malformed("an id in its custom_id");
    }
    JsonObject member = payload.getValue("member") instanceof JsonObject m ? m : null;
    Object userHolder = member != null ? member.getValue("user") : payload.getValue("user");
    String user = userHolder instanceof JsonObject u && u.getValue("id") instanceof String id ? id : null;
    String channel = payload.getValue("channel_id") instanceof String c ? c : null;
    String app = payload.getValue("application_id") instanceof String a ? a : null;
    String token = payload.getValue("token") instanceof String t ? t : null;
    String id = payload.getValue("id") instanceof String i ? i : null;
    if (user == null || channel == null || app == null || token == null || id == null) {
      throw malformed("id, user, channel_id, application_id and token");
    }
    return new ButtonClick(id, app, token, channel, user, MemberRoles.of(payload), action, targetId);
  }

  private static SwitchboardException malformed(String what) {
    return new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the button click needs " + what);
  }

  @Override
  public String toString() {
    return RedactedRecord.toString(this, "token");
  }
}

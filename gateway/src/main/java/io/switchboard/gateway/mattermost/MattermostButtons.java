package io.switchboard.gateway.mattermost;

import io.switchboard.core.log.RedactedRecord;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

/**
 * Switchboard's buttons as Mattermost message attachment actions of one team: each button's
 * {@code integration} sends its click to {@code SWITCHBOARD_MATTERMOST_ACTIONS_URL} with a context of
 * the team ({@code team}), the button's id ({@code action}: {@code approval.approve},
 * {@code job.cancel}, ...), its value ({@code value}: the approval or job id) and its
 * {@link ActionProof} ({@code proof}). Without an actions URL there are no buttons.
 *
 * @param actionsUrl where clicks go, if anywhere
 * @param teamId     the team the buttons are for
 * @param actionKey  the team's button key
 */
public record MattermostButtons(Optional<String> actionsUrl, String teamId, String actionKey) {

  /** The context keys. */
  static final String TEAM = "team";
  static final String ACTION = "action";
  static final String VALUE = "value";
  static final String PROOF = "proof";

  /** The attachment actions of {@code buttons}; empty when there is no actions URL. */
  public JsonArray actions(List<ReplyMessage.Button> buttons) {
    JsonArray actions = new JsonArray();
    if (actionsUrl.isEmpty()) {
      return actions;
    }
    for (int i = 0; i < buttons.size(); i++) {
      ReplyMessage.Button button = buttons.get(i);
      JsonObject context = new JsonObject().put(TEAM, teamId).put(ACTION, button.id()).put(VALUE, button.value())
          .put(PROOF, ActionProof.sign(actionKey, teamId, button.id(), button.value()));
      actions.add(new JsonObject()
          // Mattermost wants ids of letters and digits, unique in the post.
          .put("id", "switchboard" + i)
          .put("type", "button")
          .put("name", button.label())
          .put("style", switch (button.style()) {
            case PRIMARY -> "primary";
            case DANGER -> "danger";
            case DEFAULT -> "default";
          })
          .put("integration", new JsonObject().put("url", actionsUrl.get()).put("context", context)));
    }
    return actions;
  }

  @Override
  public String toString() {
    return RedactedRecord.toString(this, "actionKey");
  }
}

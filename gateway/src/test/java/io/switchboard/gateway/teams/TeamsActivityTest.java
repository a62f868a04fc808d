package io.switchboard.gateway.teams;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Activities are parsed strictly; what is missing is named")
class TeamsActivityTest {

  private static final String URL = "https://smba.trafficmanager.net/emea/";

  @Test
  void readsWhatTheHandlersNeed() {
    JsonObject json = TeamsActivities.mention(URL, "tid-1", "19:c@thread.tacv2", "1700", "aad-1", "echo hi")
        .put("replyToId", "1699");
    TeamsActivity activity = TeamsActivity.parse(Buffer.buffer(json.encode()));
    assertThat(activity.fromTeams()).isTrue();
    assertThat(activity.teamsTenantId()).contains("tid-1");
    assertThat(activity.fromAadObjectId()).contains("aad-1");
    assertThat(activity.replyToId()).contains("1699");
    assertThat(activity.serviceUrl()).isEqualTo(URL);
    assertThat(activity.recipientId()).isEqualTo(TeamsActivities.BOT_ID);
  }

  @Test
  void conversationTenantIsTheFallback() {
    JsonObject json = TeamsActivities.mention(URL, "tid-2", "a:1", "1", "aad-1", "x");
    json.remove("channelData");
    assertThat(TeamsActivity.parse(Buffer.buffer(json.encode())).teamsTenantId()).contains("tid-2");
  }

  @Test
  void refusesWhatIsNotAnActivity() {
    JsonObject noConversation = TeamsActivities.mention(URL, "tid", "a:1", "1", "aad", "x");
    noConversation.remove("conversation");
    JsonObject badMembers = TeamsActivities.botMembership(URL, "tid", "a:1", "aad", true).put("membersAdded", "bot");
    JsonObject nul = TeamsActivities.mention(URL, "tid", "a:1", "1", "aad", "echo a\u0000b");
    for (String body : new String[] {"", "42", "{", noConversation.encode(), badMembers.encode(),
        new JsonObject().put("type", 5).encode(), nul.encode()}) {
      assertThatThrownBy(() -> TeamsActivity.parse(Buffer.buffer(body)))
          .isInstanceOfSatisfying(SwitchboardException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST));
    }
  }
}

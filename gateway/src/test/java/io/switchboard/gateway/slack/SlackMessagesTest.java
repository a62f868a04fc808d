package io.switchboard.gateway.slack;

import io.switchboard.core.job.JobRules;
import io.switchboard.gateway.approval.Approval;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.message.ChatText;
import io.switchboard.gateway.reply.JobButtons;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slack's rendering of the neutral messages is the Block Kit Slack got before there was a neutral
 * model: the expected JSON here is written out by hand, as Slack's docs shape it.
 */
@DisplayName("SlackMessages: neutral messages as Slack's text and Block Kit")
class SlackMessagesTest {

  private static final Instant DEADLINE = Instant.parse("2026-12-05T10:30:00Z");

  @Test
  @DisplayName("one paragraph is text alone, escaped, with code and mentions in mrkdwn")
  void aParagraphIsText() {
    ChatMessage message = ChatMessage.ephemeral(ChatText.builder().plain("You are ").mention("U1").plain(" <here> & ")
        .code("a`b<c>").build());
    assertThat(SlackMessages.of(message)).isEqualTo(new JsonObject().put("response_type", "ephemeral")
        .put("text", "You are <@U1> &lt;here&gt; &amp; `a'b&lt;c&gt;`"));
  }

  @Test
  @DisplayName("an approval card is a section, a context line and Approve and Deny buttons in a block of its id")
  void aPendingApproval() {
    JsonObject card = SlackMessages.of(ApprovalMessages.pending(approval(Approval.Status.PENDING), List.of("U2")));
    assertThat(card).isEqualTo(new JsonObject().put("response_type", "in_channel")
        .put("text", "Approval needed for /ops deploy prod &lt;api&gt;")
        .put("blocks", new JsonArray()
            .add(section(":raised_hand: <@U1> asks to run `/ops deploy prod &lt;api&gt;` — needs 2 approvals from role "
                + "`approver` (approval 7)"))
            .add(context("production change · deadline 2026-12-05 10:30 UTC · approved so far by <@U2>"))
            .add(new JsonObject().put("type", "actions").put("block_id", "approval-7").put("elements", new JsonArray()
                .add(button("Approve", ApprovalMessages.APPROVE, "primary"))
                .add(button("Deny", ApprovalMessages.DENY, "danger"))))));
  }

  @Test
  @DisplayName("a decided approval replaces its card, without buttons")
  void aDecidedApproval() {
    JsonObject card = SlackMessages.of(ApprovalMessages.decided(approval(Approval.Status.DENIED), List.of()));
    assertThat(card.getBoolean("replace_original")).isTrue();
    assertThat(card.getString("text")).isEqualTo("denied: /ops deploy prod &lt;api&gt;");
    assertThat(card.getJsonArray("blocks").getJsonObject(1))
        .isEqualTo(context(":no_entry_sign: Denied by <@U3>. Nothing ran."));
    assertThat(card.getJsonArray("blocks")).hasSize(2);
  }

  @Test
  @DisplayName("a text with buttons becomes a section with an actions block, the text kept as the summary")
  void textWithButtons() {
    JsonObject json = SlackMessages.of(ChatMessage.ephemeral("Queued as job 5.").withButtons(List.of(JobButtons.cancel(5))));
    assertThat(json.getString("text")).isEqualTo("Queued as job 5.");
    assertThat(json.getJsonArray("blocks").getJsonObject(0)).isEqualTo(section("Queued as job 5."));
    assertThat(json.getJsonArray("blocks").getJsonObject(1).getJsonArray("elements").getJsonObject(0)
        .getString("action_id")).isEqualTo(JobButtons.CANCEL);
  }

  private static Approval approval(Approval.Status status) {
    return new Approval(7, "acme", "slack", "T1", "U1", "C1", "deploy", "/ops deploy prod <api>", "http",
        new JsonObject(), JobRules.DEFAULTS, new JsonObject(),
        "prod", 2, "approver", "production change", status, DEADLINE.minusSeconds(600), DEADLINE,
        Optional.empty(), status == Approval.Status.DENIED ? Optional.of("U3") : Optional.empty(), Optional.empty());
  }

  private static JsonObject section(String mrkdwn) {
    return new JsonObject().put("type", "section").put("text", new JsonObject().put("type", "mrkdwn").put("text", mrkdwn));
  }

  private static JsonObject context(String mrkdwn) {
    return new JsonObject().put("type", "context").put("elements", new JsonArray()
        .add(new JsonObject().put("type", "mrkdwn").put("text", mrkdwn)));
  }

  private static JsonObject button(String label, String actionId, String style) {
    return new JsonObject().put("type", "button").put("action_id", actionId).put("style", style).put("value", "7")
        .put("text", new JsonObject().put("type", "plain_text").put("text", label));
  }
}

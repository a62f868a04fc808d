package io.switchboard.gateway.mattermost;

import io.switchboard.core.config.Environment;
import io.switchboard.core.config.WorkspaceRate;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.message.ChatText;
import io.switchboard.gateway.message.Emoji;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mattermost's renderer, button proofs, form parsing and settings, without a server. */
@DisplayName("Mattermost: rendering, button proofs, forms and settings")
class MattermostRenderingTest {

  private static final String TEAM = MattermostTest.id("team");
  private static final String KEY = ActionProof.newKey();
  private static final MattermostButtons BUTTONS =
      new MattermostButtons(Optional.of("https://switchboard.example.com/mattermost/actions"), TEAM, KEY);

  @Test
  @DisplayName("text: Markdown of what users typed is escaped, code stays code, no @mention pings, symbols as short codes")
  void text() {
    ChatText text = ChatText.builder().symbol(Emoji.CHECK).plain(" *bold* @channel [x](y) ").strong("Title")
        .plain(" ").code("a`b @all").plain(" by ").mention("u1").build();
    String rendered = MattermostText.of(text);
    assertThat(rendered).startsWith(":white_check_mark: \\*bold\\* @\u200Bchannel \\[x\\](y) **Title** `a'b @\u200Ball`")
        .endsWith("by user `u1`");
    assertThat(rendered).doesNotContain("@channel").doesNotContain("@all");
  }

  @Test
  @DisplayName("a message: its text as the post's message, its buttons as attachment actions whose context carries a valid proof")
  void messageWithButtons() {
    ChatMessage message = ChatMessage.ephemeral("Queued as job 7").withButtons(List.of(JobButtons.cancel(7)));
    JsonObject post = MattermostPosts.of(message, BUTTONS);
    assertThat(post.getString("message")).isEqualTo("Queued as job 7");
    JsonObject action = MattermostTest.actions(post).get(0);
    assertThat(action.getString("name")).isEqualTo("Cancel");
    assertThat(action.getString("style")).isEqualTo("danger");
    assertThat(action.getString("id")).matches("[A-Za-z0-9]+");
    JsonObject integration = action.getJsonObject("integration");
    assertThat(integration.getString("url")).isEqualTo("https://switchboard.example.com/mattermost/actions");
    JsonObject context = integration.getJsonObject("context");
    assertThat(context.getString("team")).isEqualTo(TEAM);
    assertThat(ActionProof.verify(KEY, TEAM, JobButtons.CANCEL, "7", context.getString("proof"))).isTrue();
    assertThat(ActionProof.verify(KEY, TEAM, JobButtons.CANCEL, "8", context.getString("proof"))).isFalse();
    assertThat(ActionProof.verify(ActionProof.newKey(), TEAM, JobButtons.CANCEL, "7", context.getString("proof")))
        .isFalse();
  }

  @Test
  @DisplayName("without an actions URL, messages carry no buttons")
  void noActionsUrl() {
    JsonObject post = MattermostPosts.of(ChatMessage.ephemeral("x").withButtons(List.of(JobButtons.cancel(1))),
        new MattermostButtons(Optional.empty(), TEAM, KEY));
    assertThat(post.getJsonObject("props").getJsonArray("attachments")).isEmpty();
  }

  @Test
  @DisplayName("a job report: one attachment with colour, outcome title, output in a code block, fields and Rerun")
  void jobReport() {
    ReplyMessage result = new ReplyMessage("/ops echo hi", ReplyMessage.Status.SUCCEEDED, "job 9",
        List.of(new ReplyMessage.Field("requested by", "u1", ReplyMessage.Field.Kind.USER)), List.of("a *note*"),
        Optional.of(new ReplyMessage.Excerpt("hello @here\n```", 9)), List.of(JobButtons.rerun(9)));
    JsonObject attachment = MattermostPosts.of(result, BUTTONS).getJsonObject("props").getJsonArray("attachments")
        .getJsonObject(0);
    assertThat(attachment.getString("title")).contains("/ops echo hi succeeded (job 9)");
    assertThat(attachment.getString("color")).isEqualTo("#2EB67D");
    assertThat(attachment.getString("text")).startsWith("a \\*note\\*\n```\nhello @\u200Bhere\n'''\n```");
    assertThat(attachment.getJsonArray("fields").getJsonObject(0).getString("value")).isEqualTo("user `u1`");
    assertThat(attachment.getJsonArray("actions").getJsonObject(0).getJsonObject("integration")
        .getJsonObject("context").getString("action")).isEqualTo(JobButtons.RERUN);
  }

  @Test
  @DisplayName("a long message is cut to Mattermost's 16,383 characters")
  void cut() {
    JsonObject post = MattermostPosts.of(ChatMessage.ephemeral("x".repeat(20_000)), BUTTONS);
    assertThat(post.getString("message")).hasSize(MattermostText.MAX_MESSAGE_CHARS).endsWith("…");
  }

  @Test
  @DisplayName("slash command and click responses: ephemeral or in_channel, update, ephemeral_text")
  void responses() {
    JsonObject post = MattermostPosts.of(ChatMessage.ephemeral("hi"), BUTTONS);
    assertThat(MattermostPosts.commandResponse(post, true))
        .isEqualTo(new JsonObject().put("response_type", "ephemeral").put("text", "hi"));
    assertThat(MattermostPosts.commandResponse(post, false).getString("response_type")).isEqualTo("in_channel");
    assertThat(MattermostPosts.update(post).getJsonObject("update")).isEqualTo(post);
    assertThat(MattermostPosts.ephemeral(ChatMessage.ephemeral("only you"))).isEqualTo(
        new JsonObject().put("ephemeral_text", "only you"));
  }

  @Test
  @DisplayName("forms: fields decoded; a repeated field, a bad escape or a NUL is a 400")
  void forms() {
    FormFields form = FormFields.parse("text=deploy+staging%20api&team_id=t1&empty=&flag");
    assertThat(form.get("text")).hasValue("deploy staging api");
    assertThat(form.get("empty")).isEmpty();
    assertThat(form.get("flag")).isEmpty();
    assertThat(form.get("missing")).isEmpty();
    for (String bad : List.of("a=1&a=2", "a=%ZZ", "a=%", "a=x%00y")) {
      assertThatThrownBy(() -> FormFields.parse(bad)).as(bad).isInstanceOf(SwitchboardException.class);
    }
    assertThatThrownBy(() -> form.required("user_id")).isInstanceOf(SwitchboardException.class)
        .hasMessageContaining("user_id");
  }

  @Test
  @DisplayName("settings: pacing inside Mattermost's default 10 requests a second, overridable; the actions URL is checked")
  void settings() {
    MattermostSettings defaults = MattermostSettings.fromEnv(new Environment(Map.of()));
    assertThat(defaults.platform()).isEqualTo("mattermost");
    assertThat(defaults.outboundPacing()).hasValue(MattermostSettings.DEFAULT_PACING);
    assertThat(defaults.actionsUrl()).isEmpty();
    assertThat(defaults.allowHttp()).isFalse();
    WorkspaceRate rate = defaults.pacing().workspace();
    assertThat((rate.postsPerMinute() + rate.editsPerMinute()) / 60.0).isLessThanOrEqualTo(10.0);
    MattermostSettings tuned = MattermostSettings.fromEnv(new Environment(Map.of(
        "SWITCHBOARD_PACING_MATTERMOST_MILLIS", "250",
        "SWITCHBOARD_PACING_MATTERMOST_WORKSPACE_POSTS_PER_MINUTE", "60",
        "SWITCHBOARD_MATTERMOST_ACTIONS_URL", "https://sb.example.com/mattermost/actions",
        "SWITCHBOARD_MATTERMOST_ALLOW_HTTP", "true")));
    assertThat(tuned.pacing().channelInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(tuned.pacing().workspace().postsPerMinute()).isEqualTo(60);
    assertThat(tuned.actionsUrl()).hasValue("https://sb.example.com/mattermost/actions");
    assertThat(tuned.allowHttp()).isTrue();
    assertThatThrownBy(() -> MattermostSettings.fromEnv(new Environment(Map.of(
        "SWITCHBOARD_MATTERMOST_ACTIONS_URL", "not a url")))).hasMessageContaining("SWITCHBOARD_MATTERMOST_ACTIONS_URL");
    assertThatThrownBy(() -> MattermostSettings.fromEnv(new Environment(Map.of(
        "SWITCHBOARD_MATTERMOST_ALLOW_HTTP", "maybe")))).hasMessageContaining("SWITCHBOARD_MATTERMOST_ALLOW_HTTP");
  }

  @Test
  @DisplayName("credentials: read back from the stored secret; toString names no token")
  void credentials() {
    MattermostCredentials credentials = new MattermostCredentials("https://chat.example.com", "cmd-token", "bot-token",
        KEY);
    assertThat(MattermostCredentials.fromJson(credentials.toJson().encode())).hasValue(credentials);
    assertThat(MattermostCredentials.fromJson("not json")).isEmpty();
    assertThat(MattermostCredentials.fromJson("{\"serverUrl\":\"x\"}")).isEmpty();
    assertThat(credentials.toString()).doesNotContain("cmd-token").doesNotContain("bot-token").doesNotContain(KEY);
  }

  @Test
  @DisplayName("reply_to: well-formed ids only")
  void replyTo() {
    MattermostReplyTo to = new MattermostReplyTo(TEAM, "c1", "u1");
    assertThat(MattermostReplyTo.fromJson(to.toJson())).hasValue(to);
    assertThat(MattermostReplyTo.fromJson(to.toJson().put("channelId", "../x"))).isEmpty();
    assertThat(MattermostReplyTo.fromJson(to.toJson().put("kind", "discord_interaction"))).isEmpty();
    assertThat(MattermostReplyTo.fromJson(null)).isEmpty();
  }
}

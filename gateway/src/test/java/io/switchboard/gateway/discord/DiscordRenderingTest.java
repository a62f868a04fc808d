package io.switchboard.gateway.discord;

import io.switchboard.core.job.Job;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.message.ChatText;
import io.switchboard.gateway.message.Emoji;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DiscordRenderingTest {

  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void aResultIsOneEmbedWithTheOutcomeOutputAndFields() {
    JsonObject message = DiscordEmbeds.of(ReplyMessage.result(job(JobStatus.FAILED, null, "timed out", 2)));
    JsonObject embed = message.getJsonArray("embeds").getJsonObject(0);
    assertThat(embed.getString("title")).isEqualTo("\u274C /ops echo hello failed (job 42)");
    assertThat(embed.getString("description")).isEqualTo("```\ntimed out\n```");
    assertThat(embed.getInteger("color")).isEqualTo(0xE01E5A);
    assertThat(embed.getJsonArray("fields")).containsExactly(
        new JsonObject().put("name", "Requested by").put("value", "<@710>").put("inline", true),
        new JsonObject().put("name", "Took").put("value", "1.5 s").put("inline", true),
        new JsonObject().put("name", "Attempt").put("value", "2").put("inline", true));
    assertThat(message.getJsonObject("allowed_mentions").getJsonArray("parse")).isEmpty();
    assertThat(message.getJsonArray("components")).isEmpty();
  }

  @Test
  void longOutputIsCutAndCannotCloseItsCodeBlock() {
    String output = "```" + "x".repeat(DiscordEmbeds.MAX_OUTPUT_CHARS + 100);
    String description = DiscordEmbeds.of(ReplyMessage.result(job(JobStatus.SUCCEEDED, output, null, 1)))
        .getJsonArray("embeds").getJsonObject(0).getString("description");
    assertThat(description.length()).isLessThanOrEqualTo(4096);
    assertThat(description).startsWith("```\n'''").endsWith("more characters: GET /api/v1/jobs/42)\n```");
  }

  @Test
  void buttonsBecomeOneActionRow() {
    ReplyMessage message = new ReplyMessage("deploy", ReplyMessage.Status.RUNNING, "approval 7", List.of(), List.of(),
        Optional.empty(), List.of(new ReplyMessage.Button("approval.approve", "Approve", ReplyMessage.Button.Style.PRIMARY, "7"),
        new ReplyMessage.Button("approval.deny", "Deny", ReplyMessage.Button.Style.DANGER, "7")));
    JsonArray row = DiscordEmbeds.of(message).getJsonArray("components").getJsonObject(0).getJsonArray("components");
    assertThat(row).containsExactly(
        new JsonObject().put("type", 2).put("style", 1).put("label", "Approve").put("custom_id", "approval.approve:7"),
        new JsonObject().put("type", 2).put("style", 4).put("label", "Deny").put("custom_id", "approval.deny:7"));
  }

  @Test
  void chatMessagesBecomeDiscordContentAndButtons() {
    ChatMessage refusal = ChatMessage.ephemeral(ChatText.builder().symbol(Emoji.CROSS).plain(" Unknown command ")
        .code("frob <x>").plain("; *as typed* by ").mention("710").build());
    assertThat(DiscordText.of(refusal).getString("content"))
        .isEqualTo("\u274C Unknown command `frob <x>`; *as typed* by <@710>");
    ChatMessage card = new ChatMessage(Optional.of(ChatText.of("fallback")), List.of(
        new ChatMessage.Paragraph(ChatText.of("head")), new ChatMessage.Context(ChatText.of("foot")),
        new ChatMessage.Buttons(Optional.of("approval-3"), List.of(
            new ReplyMessage.Button("approval.deny", "Deny", ReplyMessage.Button.Style.DANGER, "3")))),
        ChatMessage.Visibility.PUBLIC, ChatMessage.Placement.REPLACE);
    JsonObject message = DiscordText.of(card);
    assertThat(message.getString("content")).isEqualTo("head\nfoot");
    assertThat(message.getJsonArray("components").getJsonObject(0).getJsonArray("components").getJsonObject(0))
        .isEqualTo(new JsonObject().put("type", 2).put("label", "Deny").put("style", 4).put("custom_id", "approval.deny:3"));
    assertThat(message.getJsonObject("allowed_mentions")).isEqualTo(new JsonObject().put("parse", new JsonArray()));
  }

  @Test
  void aJobReportIsTheJobsEmbed() {
    ReplyMessage result = ReplyMessage.result(job(JobStatus.SUCCEEDED, "ok", null, 1));
    assertThat(DiscordText.of(new ChatMessage(Optional.empty(), List.of(new ChatMessage.JobReport(result)),
        ChatMessage.Visibility.EPHEMERAL, ChatMessage.Placement.DEFAULT))).isEqualTo(DiscordEmbeds.of(result));
  }

  @Test
  void contentIsCutToDiscordsLimit() {
    String content = DiscordText.of(ChatMessage.ephemeral("y".repeat(5000))).getString("content");
    assertThat(content).hasSize(DiscordText.MAX_CONTENT_CHARS).endsWith("…");
  }

  @Test
  void anApprovedJobNamesWhoApprovedIt() {
    JsonArray fields = DiscordEmbeds.of(ReplyMessage.result(job(JobStatus.SUCCEEDED, "ok", null, 1, "711")))
        .getJsonArray("embeds").getJsonObject(0).getJsonArray("fields");
    assertThat(fields).contains(new JsonObject().put("name", "Approved by").put("value", "<@711>").put("inline", true));
  }

  private static Job job(JobStatus status, String output, String error, int attempts, String... approvedBy) {
    return new Job(42, "acme", "discord", "710", "500", "echo", "/ops echo hello", "echo", new JsonObject(),
        new JsonObject(), status, attempts, output, error, START, START, START.plusMillis(1500), null, null, List.of(approvedBy));
  }
}

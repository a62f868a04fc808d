package io.switchboard.gateway.slack;

import io.switchboard.core.job.Job;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BlockKitResultTest {

  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void aSuccessShowsTheOutputInACodeBlock() {
    JsonObject message = BlockKitResult.of(job(JobStatus.SUCCEEDED, "hello", null, 1));
    assertThat(message.getString("response_type")).isEqualTo("in_channel");
    assertThat(message.getString("text")).isEqualTo("Job 42 succeeded: /ops echo hello");
    String blocks = message.getJsonArray("blocks").encode();
    assertThat(blocks).contains(":white_check_mark:").contains("```hello```").contains("<@U0ALICE>")
        .contains("took 1.5 s").doesNotContain("attempt");
  }

  @Test
  void theCommandTextCannotMentionAnyone() {
    Job job = job(JobStatus.SUCCEEDED, "hi", null, 1);
    Job loud = new Job(job.id(), job.tenantId(), job.platform(), job.requester(), job.channel(), job.command(),
        "/ops echo <!channel>", job.action(), job.arguments(), job.replyTo(), job.status(), job.attempts(),
        job.output(), job.error(), job.createdAt(), job.startedAt(), job.finishedAt(), null, null, List.of());

    JsonObject message = BlockKitResult.of(loud);

    assertThat(message.getString("text")).isEqualTo("Job 42 succeeded: /ops echo &lt;!channel&gt;");
    assertThat(message.getJsonArray("blocks").encode()).doesNotContain("<!channel>");
  }

  @Test
  void aFailureShowsTheErrorAndAttempts() {
    String blocks = BlockKitResult.of(job(JobStatus.FAILED, null, "timed out after 30 s", 2))
        .getJsonArray("blocks").encode();
    assertThat(blocks).contains(":x:").contains("failed").contains("timed out after 30 s").contains("attempt 2");
  }

  @Test
  void outputIsEscapedAndCannotCloseItsCodeBlock() {
    String blocks = BlockKitResult.of(job(JobStatus.SUCCEEDED, "<!channel> ```& more", null, 1))
        .getJsonArray("blocks").encode();
    assertThat(blocks).contains("&lt;!channel&gt; '''&amp; more").doesNotContain("<!channel>");
  }

  @Test
  void longOutputIsCutWithAPointerToTheApi() {
    String output = "x".repeat(BlockKitResult.MAX_OUTPUT_CHARS + 500);
    JsonObject message = BlockKitResult.of(job(JobStatus.SUCCEEDED, output, null, 1));
    String section = message.getJsonArray("blocks").getJsonObject(1).getJsonObject("text").getString("text");
    assertThat(section.length()).isLessThanOrEqualTo(3000);
    assertThat(section).contains("500 more characters: GET /api/v1/jobs/42");
  }

  @Test
  void buttonsOfTheReplyModelBecomeAnActionsBlock() {
    ReplyMessage message = new ReplyMessage("deploy", ReplyMessage.Status.RUNNING, "approval 7", java.util.List.of(),
        java.util.List.of(), java.util.Optional.empty(), java.util.List.of(
            new ReplyMessage.Button("approval.approve", "Approve", ReplyMessage.Button.Style.PRIMARY, "7"),
            new ReplyMessage.Button("approval.deny", "Deny", ReplyMessage.Button.Style.DEFAULT, "7")));
    JsonObject actions = BlockKitResult.of(message).getJsonArray("blocks").getJsonObject(2);
    assertThat(actions.getString("type")).isEqualTo("actions");
    assertThat(actions.getJsonArray("elements").getJsonObject(0).getString("style")).isEqualTo("primary");
    assertThat(actions.getJsonArray("elements").getJsonObject(1).containsKey("style")).isFalse();
    assertThat(actions.getJsonArray("elements").getJsonObject(1).getString("action_id")).isEqualTo("approval.deny");
  }

  @Test
  void anApprovedJobNamesWhoApprovedItAndOthersDoNot() {
    assertThat(BlockKitResult.of(job(JobStatus.SUCCEEDED, "ok", null, 1, "U0BOB")).getJsonArray("blocks").encode())
        .contains("Approved by <@U0BOB>");
    assertThat(BlockKitResult.of(job(JobStatus.SUCCEEDED, "ok", null, 1)).getJsonArray("blocks").encode())
        .doesNotContain("Approved by");
  }

  private static Job job(JobStatus status, String output, String error, int attempts, String... approvedBy) {
    return new Job(42, "acme", "slack", "U0ALICE", "C1", "echo", "/ops echo hello", "echo", new JsonObject(),
        new JsonObject(), status, attempts, output, error, START, START, START.plusMillis(1500), null, null, List.of(approvedBy));
  }
}

package io.switchboard.gateway.teams;

import io.switchboard.core.job.Job;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Job cards in Teams are Adaptive Cards rendered from the neutral reply model")
class TeamsRenderingTest {

  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  @DisplayName("a result: heading with outcome and reference, output in monospace, fields as facts")
  void result() {
    JsonObject activity = TeamsCards.reply(ReplyMessage.result(job(JobStatus.FAILED, null, "timed out", 2)));
    assertThat(activity.getString("summary")).isEqualTo("Job 42 failed");
    JsonArray body = card(activity).getJsonArray("body");
    assertThat(body.getJsonObject(0).getString("text")).isEqualTo("\u274C /ops echo hello — failed (job 42)");
    assertThat(body.getJsonObject(0).getString("weight")).isEqualTo("Bolder");
    assertThat(body.getJsonObject(1)).isEqualTo(new JsonObject().put("type", "TextBlock").put("text", "timed out")
        .put("wrap", true).put("fontType", "Monospace"));
    assertThat(body.getJsonObject(2).getJsonArray("facts")).containsExactly(
        new JsonObject().put("title", "Requested by").put("value", "aad-alice"),
        new JsonObject().put("title", "took").put("value", "1.5 s"),
        new JsonObject().put("title", "attempt").put("value", "2"));
    assertThat(card(activity).containsKey("actions")).isFalse();
  }

  @Test
  @DisplayName("long output shows its first lines; the whole of it is folded behind a Show card before the job's buttons")
  void longOutputFolded() {
    String output = IntStream.rangeClosed(1, 120).mapToObj(i -> "line " + i + " of the build log")
        .collect(Collectors.joining("\n"));
    JsonObject card = card(TeamsCards.reply(ReplyMessage.result(job(JobStatus.SUCCEEDED, output, null, 1))
        .withButtons(JobButtons.forJob(42, JobStatus.SUCCEEDED))));
    String shown = card.getJsonArray("body").getJsonObject(1).getString("text");
    assertThat(shown).startsWith("line 1 of the build log\n").contains("line 20 of the build log")
        .doesNotContain("line 21 of the build log").endsWith("(100 more lines, 2521 more characters)");
    JsonArray actions = card.getJsonArray("actions");
    assertThat(actions.getJsonObject(0).getString("type")).isEqualTo("Action.ShowCard");
    assertThat(actions.getJsonObject(0).getString("title")).isEqualTo("Whole output (120 lines)");
    assertThat(actions.getJsonObject(0).getJsonObject("card").getJsonArray("body")).containsExactly(new JsonObject()
        .put("type", "TextBlock").put("text", output).put("wrap", true).put("fontType", "Monospace"));
    assertThat(actions.getJsonObject(1).getJsonObject("data").getString("switchboard")).isEqualTo("job.rerun");
  }

  @Test
  @DisplayName("output beyond what a card may carry is cut in the fold, pointing at the whole of it; progress shows its line")
  void hugeOutputAndProgress() {
    String output = "x".repeat(TeamsCards.MAX_WHOLE_OUTPUT_CHARS + 100);
    JsonObject card = card(TeamsCards.reply(ReplyMessage.result(job(JobStatus.SUCCEEDED, output, null, 1))));
    assertThat(card.getJsonArray("body").getJsonObject(1).getString("text")).startsWith("x".repeat(2_500) + "\n… (");
    String folded = card.getJsonArray("actions").getJsonObject(0).getJsonObject("card").getJsonArray("body")
        .getJsonObject(0).getString("text");
    assertThat(folded).startsWith("x".repeat(TeamsCards.MAX_WHOLE_OUTPUT_CHARS))
        .endsWith("100 more characters: GET /api/v1/jobs/42)");

    JsonObject progress = TeamsCards.reply(ReplyMessage.progress(42, "/ops deploy", "step 2 of 3"));
    assertThat(progress.getString("summary")).isEqualTo("Job 42 running: step 2 of 3");
    assertThat(card(progress).getJsonArray("body").getJsonObject(1).getString("text")).isEqualTo("step 2 of 3");
  }

  @Test
  @DisplayName("buttons become Action.Submit actions whose data names the button and what it applies to")
  void buttons() {
    ReplyMessage message = new ReplyMessage("deploy", ReplyMessage.Status.RUNNING, "job 7", List.of(), List.of(),
        Optional.empty(), List.of(new ReplyMessage.Button("job.cancel", "Cancel", ReplyMessage.Button.Style.DANGER, "7")));
    assertThat(card(TeamsCards.reply(message)).getJsonArray("actions")).containsExactly(new JsonObject()
        .put("type", "Action.Submit").put("title", "Cancel").put("style", "destructive")
        .put("data", new JsonObject().put("switchboard", "job.cancel").put("value", "7")));
  }

  private static JsonObject card(JsonObject activity) {
    return activity.getJsonArray("attachments").getJsonObject(0).getJsonObject("content");
  }

  @Test
  @DisplayName("an approved job names who approved it, one fact each")
  void approvers() {
    JsonArray facts = card(TeamsCards.reply(ReplyMessage.result(job(JobStatus.SUCCEEDED, "ok", null, 1, "aad-bob",
        "aad-carol")))).getJsonArray("body").getJsonObject(2).getJsonArray("facts");
    assertThat(facts).containsSubsequence(new JsonObject().put("title", "Requested by").put("value", "aad-alice"),
        new JsonObject().put("title", "Approved by").put("value", "aad-bob"),
        new JsonObject().put("title", "Approved by").put("value", "aad-carol"));
  }

  private static Job job(JobStatus status, String output, String error, int attempts, String... approvedBy) {
    return new Job(42, "acme", "teams", "aad-alice", "19:ops", "echo", "/ops echo hello", "echo", new JsonObject(),
        new JsonObject(), status, attempts, output, error, START, START, START.plusMillis(1500), null, null, List.of(approvedBy));
  }
}

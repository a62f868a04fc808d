package io.switchboard.gateway.discord;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.discord.DiscordApiStandIn;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Long output of a job started by a Discord interaction: the job's message keeps the first lines and
 * the whole output is attached to it as a text file, in the same multipart edit of the original
 * response (Discord's "Uploading Files"), all against the stand-in, which refuses a file that the
 * payload's {@code attachments} does not name.
 */
@DisplayName("Discord: long job output as a file attached to the job's message")
class DiscordLongOutputTest {

  private static final String GUILD = "100000000000000001";
  private static final String CHANNEL = "500000000000000005";
  private static final String ALICE = "710000000000000001";
  private static final String LONG = IntStream.rangeClosed(1, 120).mapToObj(i -> "line " + i + " of the build log")
      .collect(Collectors.joining("\n"));

  private final SignedInteraction.App shared = SignedInteraction.App.generate("810000000000000001");
  private DiscordApiStandIn discord;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    discord = DiscordApiStandIn.start();
    fixture = new GatewayFixture(discord.env(shared.applicationId(), shared.publicKeyHex()));
    Await.result(fixture.pool().withTransaction(tx -> Installations.add(tx, "acme", "discord", GUILD, null, null,
        InstallationProof.OPERATOR)));
  }

  @AfterEach
  void stop() {
    fixture.close();
    discord.close();
  }

  @Test
  @DisplayName("long output is attached whole to the result edit; the embed keeps only the first lines and names the file")
  void longOutputIsAttached() {
    String token = command("echo long");
    long job = fixture.count("SELECT max(id) FROM jobs");

    finish(job, LONG);

    Await.until("the reply marked sent", () -> fixture.count("SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL") == 1);
    DiscordApiStandIn.Call result = discord.succeeded("edit_original").get(1);
    assertThat(result.files()).singleElement().satisfies(file -> {
      assertThat(file.field()).isEqualTo("files[0]");
      assertThat(file.filename()).isEqualTo("job-" + job + "-output.txt");
      assertThat(file.contentType()).startsWith("text/plain");
      assertThat(file.text()).isEqualTo(LONG);
    });
    String description = discord.original(token).getJsonArray("embeds").getJsonObject(0).getString("description");
    assertThat(description).contains("line 1 of the build log").contains("line 20 of the build log")
        .doesNotContain("line 21 of the build log").contains("job-" + job + "-output.txt").contains("120 lines");
    assertThat(discord.calls()).filteredOn(call -> !call.files().isEmpty()).hasSize(1);
  }

  @Test
  @DisplayName("short output stays in the embed and nothing is attached")
  void shortOutputStaysInline() {
    String token = command("echo short");
    long job = fixture.count("SELECT max(id) FROM jobs");

    finish(job, "just a few\nlines");

    Await.until("the result edit", () -> discord.succeeded("edit_original").size() == 2);
    assertThat(discord.calls()).allSatisfy(call -> assertThat(call.files()).isEmpty());
    assertThat(discord.original(token).getJsonArray("embeds").getJsonObject(0).getString("description"))
        .contains("just a few\nlines");
  }

  @Test
  @DisplayName("a 429 on the multipart edit is waited out and the file is sent again with the retried edit, once accepted")
  void rateLimitedUploadIsRetried() {
    command("echo long");
    long job = fixture.count("SELECT max(id) FROM jobs");
    discord.rateLimit("edit_original", 1, 0.05);

    finish(job, LONG);

    Await.until("the reply marked sent", () -> fixture.count("SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL") == 1);
    assertThat(discord.calls()).filteredOn(call -> !call.files().isEmpty())
        .extracting(DiscordApiStandIn.Call::status).containsExactly(429, 200);
    assertThat(discord.succeeded("edit_original")).filteredOn(call -> !call.files().isEmpty())
        .singleElement().satisfies(call -> assertThat(call.files().get(0).text()).isEqualTo(LONG));
  }

  @Test
  @DisplayName("after the interaction token expired, the result is a bot message with the file attached")
  void expiredTokenPostsTheFileAsTheBot() {
    command("echo long");
    long job = fixture.count("SELECT max(id) FROM jobs");
    Await.result(fixture.secrets().put("acme", DiscordBotTokens.secretName(GUILD), "acme-bot-token"));
    discord.acceptBotToken("acme-bot-token");
    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET reply_to = jsonb_set(reply_to, '{expires_at}', "
        + "to_jsonb($2::text)) WHERE id = $1").execute(Tuple.of(job, Instant.now().minusSeconds(1).toString())));

    finish(job, LONG);

    Await.until("the result as a bot message", () -> discord.succeeded("create_message").size() == 1);
    DiscordApiStandIn.Call post = discord.succeeded("create_message").get(0);
    assertThat(post.authorization()).isEqualTo("Bot acme-bot-token");
    assertThat(post.files()).singleElement().satisfies(file -> assertThat(file.text()).isEqualTo(LONG));
  }

  /** Sends a command and waits for its acknowledgement; answers the interaction's token. */
  private String command(String text) {
    JsonObject command = SignedInteraction.command(shared, GUILD, CHANNEL, ALICE, text);
    discord.issueToken(command.getString("token"));
    assertThat(SignedInteraction.post(fixture.baseUrl(), shared, command).statusCode()).isEqualTo(200);
    Await.until("the acknowledgement", () -> discord.succeeded("edit_original").size() == 1);
    return command.getString("token");
  }

  private void finish(long job, String output) {
    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET status = 'succeeded', output = $2, started_at = now(), "
        + "finished_at = now() WHERE id = $1").execute(Tuple.of(job, output)));
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", job, JobStatus.SUCCEEDED).toJson());
  }
}

package io.switchboard.gateway.slack;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.Await;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("POST /slack/commands")
class SlashCommandEndpointTest {

  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    fixture = new GatewayFixture();
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  @DisplayName("a signed echo is queued as one job with its audit records, and executors are woken")
  void queuesASignedCommand() {
    HttpResponse<String> response = fixture.acmeCommand("echo hello world").post(fixture.baseUrl());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject ack = new JsonObject(response.body());
    assertThat(ack.getString("response_type")).isEqualTo("ephemeral");
    assertThat(ack.getString("text")).startsWith("Queued as job ");
    assertThat(fixture.jobCount()).isEqualTo(1);
    long jobId = fixture.count("SELECT id FROM jobs");
    assertThat(ack.getString("text")).contains("job " + jobId);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND status = 'queued' "
        + "AND arguments->>'text' = 'hello world' AND requester = 'U0USER' AND command_text = '/ops echo hello world'"))
        .isEqualTo(1);
    assertThat(fixture.auditTypes("acme")).containsExactly("command.received", "job.queued");
    Await.until("a wake-up for the job", () -> fixture.wakeups().contains(jobId));
    assertThat(fixture.metric("switchboard.jobs.queued")).isEqualTo(1);
  }

  @Test
  @DisplayName("help is answered at once and makes no job")
  void answersHelp() {
    HttpResponse<String> response = fixture.acmeCommand("help").post(fixture.baseUrl());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getString("text")).contains("`/ops echo &lt;text&gt;` — reply with the text").contains("`/ops help [command]`");
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("an unknown command is refused with a message naming help, audited, and makes no job")
  void refusesUnknownCommands() {
    HttpResponse<String> response = fixture.acmeCommand("deploy production api").post(fixture.baseUrl());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getString("text")).contains("Unknown command 'deploy'").contains("help");
    assertThat(fixture.jobCount()).isZero();
    assertThat(fixture.auditTypes("acme")).containsExactly("command.refused");
    assertThat(fixture.metric("switchboard.commands.refused", "reason", "unknown_command")).isEqualTo(1);
  }

  @Test
  @DisplayName("the same delivery twice makes one job")
  void deduplicatesRetriedDeliveries() {
    var command = fixture.acmeCommand("echo once");
    HttpResponse<String> first = command.post(fixture.baseUrl());
    HttpResponse<String> second = command.at(Instant.now()).post(fixture.baseUrl());
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(second.body()).getString("text")).startsWith("Already queued as job");
    assertThat(fixture.jobCount()).isEqualTo(1);
    assertThat(fixture.auditTypes("acme")).containsExactly("command.received", "job.queued");
  }

  @Test
  @DisplayName("the same delivery many times at once makes one job")
  void deduplicatesConcurrentDeliveries() {
    var command = fixture.acmeCommand("echo race");
    List<CompletableFuture<HttpResponse<String>>> sends = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      sends.add(CompletableFuture.supplyAsync(() -> command.post(fixture.baseUrl())));
    }
    sends.forEach(send -> assertThat(send.join().statusCode()).isEqualTo(200));
    assertThat(fixture.jobCount()).isEqualTo(1);
  }

  @Test
  @DisplayName("two commands with different trigger ids make two jobs")
  void distinctDeliveriesMakeDistinctJobs() {
    fixture.acmeCommand("echo one").post(fixture.baseUrl());
    fixture.acmeCommand("echo one").post(fixture.baseUrl());
    assertThat(fixture.jobCount()).isEqualTo(2);
  }
}

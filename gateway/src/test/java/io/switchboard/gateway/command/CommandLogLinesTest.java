package io.switchboard.gateway.command;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.switchboard.core.log.LogSettings;
import io.switchboard.core.log.SwitchboardLogging;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.reply.JobResultReplier;
import io.switchboard.gateway.slack.SlackResponseUrlResults;
import io.opentelemetry.api.trace.SpanKind;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.trace.SpanRecorder;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Every JSON line logged on a command's path carries that command's correlation id, tenant and platform. */
class CommandLogLinesTest {

  private static final Set<String> PATH_LOGGERS = Set.of(CommandPipeline.class.getName(),
      ApproveOrEnqueue.class.getName(), CommandRefusing.class.getName(), JobResultReplier.class.getName());

  private final LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private Appender<ILoggingEvent> appender;
  private GatewayFixture fixture;

  @BeforeEach
  void setUp() {
    fixture = new GatewayFixture();
    appender = SwitchboardLogging.install(logback, new LogSettings(true, Level.INFO), out);
    // The per-command lines are DEBUG (a line per command would cost more than the command): look at them.
    PATH_LOGGERS.forEach(name -> logback.getLogger(name).setLevel(Level.DEBUG));
  }

  @AfterEach
  void tearDown() {
    SwitchboardLogging.install(logback, LogSettings.DEFAULT, System.err);
    fixture.close();
  }

  private List<JsonObject> pathLines() {
    appender.stop();
    try {
      // Kept for reading when an assertion fails.
      Files.write(Path.of("target", "command-log-lines.jsonl"), out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new)
        .filter(line -> PATH_LOGGERS.contains(line.getString("logger_name"))).toList();
  }

  @Test
  @DisplayName("interleaved commands of two tenants: each line names its own command, queued ones their job")
  void interleavedCommandsOfTwoTenants() {
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String text = "echo round " + i + " xoxb-1234567890-notlogged";
      sent.add(CompletableFuture.supplyAsync(() -> fixture.acmeCommand(text).post(fixture.baseUrl())));
      sent.add(CompletableFuture.supplyAsync(() -> fixture.globexCommand(text).post(fixture.baseUrl())));
    }
    sent.add(CompletableFuture.supplyAsync(() -> fixture.acmeCommand("no-such-command").post(fixture.baseUrl())));
    sent.forEach(response -> assertThat(response.join().statusCode()).isEqualTo(200));

    List<JsonObject> lines = pathLines();
    assertThat(lines).isNotEmpty();
    for (JsonObject line : lines) {
      assertThat(line.getString("correlationId")).as(line.encode()).matches("[0-9a-z]{16}");
      assertThat(line.getString("tenant")).as(line.encode()).isIn("acme", "globex");
      assertThat(line.getString("platform")).as(line.encode()).isEqualTo("slack");
    }
    Map<String, List<JsonObject>> byCommand = lines.stream()
        .collect(Collectors.groupingBy(line -> line.getString("correlationId")));
    assertThat(byCommand).as("one correlation id per request").hasSize(13);
    for (List<JsonObject> command : byCommand.values()) {
      assertThat(command.stream().map(line -> line.getString("tenant")).distinct()).as(command.toString()).hasSize(1);
      assertThat(command).extracting(line -> line.getString("message"))
          .anyMatch(message -> message.startsWith("Command received"))
          .anyMatch(message -> message.startsWith("Command answered"));
      command.stream().filter(line -> line.getString("message").startsWith("Command queued as job ")).forEach(queued -> {
        String jobId = queued.getString("jobId");
        assertThat(queued.getString("message")).startsWith("Command queued as job " + jobId + " ");
        assertThat(fixture.count("SELECT count(*) FROM jobs WHERE id = " + Long.parseLong(jobId)
            + " AND tenant_id = '" + queued.getString("tenant") + "' AND correlation_id = '"
            + queued.getString("correlationId") + "'")).as("the job carries the request's correlation id").isEqualTo(1);
        assertThat(command).filteredOn(line -> line.getString("message").startsWith("Command answered"))
            .allSatisfy(answered -> assertThat(answered.getString("jobId")).isEqualTo(jobId));
      });
    }
    assertThat(lines).filteredOn(line -> line.getString("message").startsWith("Command queued")).hasSize(12);
    assertThat(lines).filteredOn(line -> line.getString("message").startsWith("Command refused")).hasSize(1)
        .allSatisfy(line -> assertThat(line.getString("tenant")).isEqualTo("acme"));
    String all = out.toString(StandardCharsets.UTF_8);
    assertThat(all).doesNotContain(GatewayFixture.ACME_SECRET, GatewayFixture.GLOBEX_SECRET, "xoxb-1234567890");
  }

  @Test
  @DisplayName("the lines of a job's reply carry its tenant, platform, job id and correlation id, each its own")
  void replyLines() {
    List<Long> jobs = fixture.finishedAcmeJobs("slack", "C0LOGS", n -> new JsonObject()
        .put("kind", SlackResponseUrlResults.KIND).put("url", fixture.slack().responseUrl("logs-" + n)), 3);
    Await.result(fixture.pool().query("UPDATE jobs SET correlation_id = 'cid-of-job-' || id WHERE tenant_id = 'acme'")
        .execute());
    jobs.forEach(fixture::publishAcmeSucceeded);
    Await.until("every result was posted", () -> jobs.stream()
        .allMatch(id -> out.toString(StandardCharsets.UTF_8).contains("Result of job " + id + " posted")));

    List<JsonObject> lines = pathLines().stream()
        .filter(line -> line.getString("logger_name").equals(JobResultReplier.class.getName())).toList();
    assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
    for (JsonObject line : lines) {
      assertThat(line.getString("tenant")).as(line.encode()).isEqualTo("acme");
      assertThat(line.getString("platform")).as(line.encode()).isEqualTo("slack");
      assertThat(line.getString("message")).as(line.encode()).contains(" job " + line.getString("jobId") + " ");
      assertThat(line.getString("correlationId")).as(line.encode()).isEqualTo("cid-of-job-" + line.getString("jobId"));
    }
    assertThat(lines).extracting(line -> line.getString("jobId")).containsAll(jobs.stream().map(String::valueOf).toList());
  }

  @Test
  @DisplayName("with tracing on, a command's lines carry the trace id of its request's span")
  void linesCarryTheTraceId() {
    try (SpanRecorder spans = SpanRecorder.install()) {
      assertThat(fixture.acmeCommand("echo traced").post(fixture.baseUrl()).statusCode()).isEqualTo(200);
      Await.until("the request span", () -> spans.spans().stream().anyMatch(span -> span.getKind() == SpanKind.SERVER));
      String traceId = spans.spans().stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst()
          .orElseThrow().getTraceId();

      List<JsonObject> lines = pathLines();
      assertThat(lines).extracting(line -> line.getString("message"))
          .anyMatch(message -> message.startsWith("Command queued as job"));
      assertThat(lines).allSatisfy(line -> assertThat(line.getString("traceId")).as(line.encode()).isEqualTo(traceId));
    }
  }
}

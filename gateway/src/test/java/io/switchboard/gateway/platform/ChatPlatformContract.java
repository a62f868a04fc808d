package io.switchboard.gateway.platform;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobProgress;
import io.switchboard.core.job.JobStatus;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.switchboard.core.trace.Tracing;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.trace.SpanRecorder;
import io.switchboard.testkit.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every chat platform promises, run against each one (a subclass per platform gives its
 * {@link PlatformDriver}), in the manner of {@code SecretStoreContract}: one job per delivery however
 * often the platform retries it, refusals audited and answered, each tenant's workspace acting for that
 * tenant only, approvals decided by others than the requester and only by approvers, and a result
 * delivered exactly once, in place where the platform edits messages, also when the platform refuses
 * it once with its rate limit, and progress shown in the job's own message, in order, ending with the
 * latest line. Pacing, and how many progress lines an edit in flight coalesces, are tested per platform
 * ({@code SlackPacingTest}, {@code TeamsPacingTest}, {@code DiscordPacingTest}, {@code MattermostTest}),
 * where the platform's own limits are known.
 */
public abstract class ChatPlatformContract {

  private PlatformDriver platform;

  /** The platform under test, with acme's and globex's workspaces installed. */
  protected abstract PlatformDriver start();

  @BeforeEach
  void startPlatform() {
    platform = start();
  }

  @AfterEach
  void stopPlatform() {
    platform.close();
  }

  @Test
  @DisplayName("a command delivered twice (a platform retry) makes one job")
  void aCommandDeliveredTwiceMakesOneJob() {
    PlatformDriver.Delivery delivery = platform.command("acme", "alice", "echo once");
    delivery.send();
    Await.until("the job", () -> fixture().jobCount() == 1);
    Await.until("the acknowledgement", () -> delivery.answer().contains("Queued as job"));

    delivery.send();
    PlatformDriver.Delivery later = platform.command("acme", "alice", "echo later");
    later.send();
    Await.until("the later job", () -> fixture().jobCount() == 2);
    assertThat(fixture().count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND arguments->>'text' = 'once' "
        + "AND platform = '" + platform.platform() + "'")).as("the retried delivery queued nothing").isEqualTo(1);
  }

  @Test
  @DisplayName("a command is one trace: the request's span is the enqueue span's parent, whose context the job row keeps")
  void aCommandIsOneTrace() {
    try (SpanRecorder spans = SpanRecorder.install()) {
      PlatformDriver.Delivery delivery = platform.command("acme", "alice", "echo traced");
      delivery.send();
      Await.until("the enqueue span", () -> spans.first("job.enqueue", SpanKind.PRODUCER).isPresent());
      SpanData enqueue = spans.first("job.enqueue", SpanKind.PRODUCER).orElseThrow();
      Await.until("the request span", () -> spans.trace(enqueue.getTraceId()).stream()
          .anyMatch(span -> span.getKind() == SpanKind.SERVER));
      SpanData request = spans.trace(enqueue.getTraceId()).stream()
          .filter(span -> span.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
      assertThat(enqueue.getParentSpanId()).isEqualTo(request.getSpanId());
      assertThat(request.getParentSpanContext().isValid()).isFalse();
      assertThat(request.getAttributes().get(Tracing.PLATFORM)).isEqualTo(platform.platform());
      assertThat(fixture().count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND trace_parent LIKE '00-"
          + enqueue.getTraceId() + "-" + enqueue.getSpanId() + "-0_'")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a refusal is audited, answered to the user, and runs nothing")
  void aRefusalIsAuditedAndAnsweredAndRunsNothing() {
    PlatformDriver.Delivery delivery = platform.command("acme", "alice", "frobnicate the servers");
    delivery.send();

    Await.until("the refusal", () -> delivery.answer().contains("Unknown command 'frobnicate'"));
    assertThat(fixture().count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme' "
        + "AND event_type = 'command.refused' AND actor = '" + platform.subject("alice").substring(
            platform.platform().length() + ":user:".length()) + "'")).isEqualTo(1);
    assertThat(fixture().jobCount()).isZero();
    assertThat(fixture().auditChainsIntact()).isTrue();
  }

  @Test
  @DisplayName("each workspace acts for its own tenant only; an unknown workspace runs nothing")
  void eachWorkspaceActsForItsOwnTenantOnly() {
    platform.command("globex", "alice", "echo from globex").send();
    platform.command("acme", "alice", "echo from acme").send();
    Await.until("both jobs", () -> fixture().jobCount() == 2);
    assertThat(fixture().count("SELECT count(*) FROM jobs WHERE tenant_id = 'globex' AND arguments->>'text' = "
        + "'from globex'")).isEqualTo(1);
    assertThat(fixture().count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND arguments->>'text' = "
        + "'from acme'")).isEqualTo(1);

    long acmeJob = fixture().count("SELECT id FROM jobs WHERE tenant_id = 'acme'");
    PlatformDriver.Delivery peek = platform.command("globex", "alice", "job " + acmeJob);
    peek.send();
    Await.until("globex's answer", () -> peek.answer().contains("no job " + acmeJob));
    assertThat(peek.answer()).doesNotContain("from acme");

    long events = fixture().count("SELECT count(*) FROM audit_events");
    int status = platform.commandFromUnknownWorkspace("alice", "echo nobody");
    assertThat(status).isBetween(200, 499);
    assertThat(fixture().jobCount()).as("a workspace no tenant installed runs nothing").isEqualTo(2);
    assertThat(fixture().count("SELECT count(*) FROM audit_events")).isEqualTo(events);
  }

  @Test
  @DisplayName("approvals are decided by approvers other than the requester only")
  void approvalsAreDecidedByOtherApproversOnly() {
    // alice may run it and approve, but not her own; carol approves; bob holds no role.
    fixture().putPolicy("acme", restartNeedsApproval(List.of(platform.subject("alice")),
        List.of(platform.subject("alice"), platform.subject("carol"))));
    platform.command("acme", "alice", "restart production api").send();
    Await.until("the approval", () -> fixture().count("SELECT count(*) FROM approvals WHERE tenant_id = 'acme' "
        + "AND status = 'pending'") == 1);
    long approval = fixture().count("SELECT id FROM approvals WHERE tenant_id = 'acme'");

    platform.approve("acme", "alice", approval);
    platform.approve("acme", "bob", approval);
    Await.until("the refused votes", () -> fixture().count("SELECT count(*) FROM audit_events "
        + "WHERE tenant_id = 'acme' AND event_type = 'approval.vote_refused'") == 2);
    assertThat(fixture().jobCount()).as("neither the requester nor a non-approver decides").isZero();

    platform.approve("acme", "carol", approval);
    Await.until("the approved job", () -> fixture().jobCount() == 1);
    assertThat(fixture().count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND command = 'restart' "
        + "AND platform = '" + platform.platform() + "'")).isEqualTo(1);
    assertThat(fixture().auditChainsIntact()).isTrue();
  }

  @Test
  @DisplayName("a result is delivered exactly once, even when its end is announced twice")
  void aResultIsDeliveredOnceEvenWhenAnnouncedTwice() {
    long first = queued("echo first");
    finish(first, "output of the first");
    Await.until("the first result", () -> platform.resultDeliveries("acme", first).size() == 1);

    announceFinished(first);
    long second = queued("echo second");
    finish(second, "output of the second");
    Await.until("the second result", () -> platform.resultDeliveries("acme", second).size() == 1);

    assertThat(platform.resultDeliveries("acme", first)).as("the repeated announcement delivered nothing more")
        .singleElement().asString().contains("output of the first");
    Await.until("both replies recorded as sent", () -> fixture().count("SELECT count(*) FROM jobs "
        + "WHERE tenant_id = 'acme' AND replied_at IS NOT NULL") == 2);
  }

  @Test
  @DisplayName("a result the platform refuses once (its rate limit) is delivered later, exactly once")
  void aRefusedResultIsDeliveredLaterExactlyOnce() {
    long job = queued("echo patiently");
    platform.refuseNextResultCall();
    finish(job, "output delivered patiently");

    Await.until("the result, after the refusal", () -> platform.resultDeliveries("acme", job).size() == 1);
    assertThat(platform.resultCallRefused()).as("the platform did refuse the first call").isTrue();
    Await.until("the reply recorded as sent", () -> fixture().count("SELECT count(*) FROM jobs "
        + "WHERE tenant_id = 'acme' AND replied_at IS NOT NULL") == 1);
    assertThat(platform.resultDeliveries("acme", job)).singleElement().asString()
        .contains("output delivered patiently");
  }

  @Test
  @DisplayName("progress replaces the job's own message, in order, each line at most once, ending with the latest")
  void progressReplacesTheJobsMessageInOrder() {
    assumeTrue(platform.showsProgress(), "this platform's command has no message of its own to show progress in");
    long job = queued("echo step by step");
    fixture().count("WITH running AS (UPDATE jobs SET status = 'running', attempts = 1, started_at = now() "
        + "WHERE tenant_id = 'acme' AND id = " + job + " RETURNING 1) SELECT count(*) FROM running");
    List<String> lines = IntStream.rangeClosed(1, 5).mapToObj(i -> "step " + i + " of 5").toList();
    lines.forEach(line -> progress(job, line));

    Await.until("the latest line shown", () -> shownLines(job, lines).contains("step 5 of 5"));
    List<String> shown = shownLines(job, lines);
    assertThat(shown).as("lines shown").doesNotHaveDuplicates().endsWith("step 5 of 5");
    assertThat(lines).as("in the order they came").containsSubsequence(shown);
  }

  /** The progress lines the job's message showed, one per edit that showed one, in order. */
  private List<String> shownLines(long jobId, List<String> lines) {
    return platform.jobMessageEdits("acme", jobId).stream()
        .flatMap(edit -> lines.stream().filter(edit::contains).limit(1)).toList();
  }

  /** Reports a progress line as an executor would: on the job's row, then the announcement. */
  private void progress(long jobId, String line) {
    fixture().count("WITH reported AS (UPDATE jobs SET progress = '" + line + "', progress_at = now() "
        + "WHERE tenant_id = 'acme' AND id = " + jobId + " RETURNING 1) SELECT count(*) FROM reported");
    fixture().vertx().eventBus().publish(EventBusAddresses.JOBS_PROGRESS,
        new JobProgress("acme", jobId, 1, line).toJson());
  }

  /** Queues a job and waits until its acknowledgement is shown, so its result comes after it. */
  private long queued(String text) {
    long before = fixture().jobCount();
    PlatformDriver.Delivery delivery = platform.command("acme", "alice", text);
    delivery.send();
    Await.until("the job of " + text, () -> fixture().jobCount() == before + 1);
    Await.until("the acknowledgement of " + text, () -> delivery.answer().contains("Queued as job"));
    return fixture().count("SELECT max(id) FROM jobs WHERE tenant_id = 'acme'");
  }

  /** Ends the job as an executor would: its row, then the announcement every gateway hears. */
  private void finish(long jobId, String output) {
    fixture().count("WITH done AS (UPDATE jobs SET status = 'succeeded', attempts = 1, output = '" + output
        + "', started_at = now(), finished_at = now() WHERE tenant_id = 'acme' AND id = " + jobId
        + " RETURNING 1) SELECT count(*) FROM done");
    announceFinished(jobId);
  }

  private void announceFinished(long jobId) {
    fixture().vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", jobId, JobStatus.SUCCEEDED).toJson());
  }

  private GatewayFixture fixture() {
    return platform.fixture();
  }

  /**
   * A policy whose {@code restart production <service>} needs one approval from role {@code approver}:
   * {@code operators} may run it, {@code approvers} approve it (a test's own platform subjects).
   */
  public static JsonObject restartNeedsApproval(List<String> operators, List<String> approvers) {
    JsonObject restart = new JsonObject().put("name", "restart").put("description", "Restart a service")
        .put("arguments", new JsonArray()
            .add(new JsonObject().put("name", "environment").put("type", "enum")
                .put("values", new JsonArray().add("staging").add("production")).put("scope", "environment"))
            .add(new JsonObject().put("name", "service").put("type", "string").put("pattern", "[a-z]{2,20}")
                .put("scope", "target")))
        .put("action", new JsonObject().put("type", "echo").put("parameters", new JsonObject()
            .put("text", "restarted {{service}}")));
    return new JsonObject()
        .put("commands", new JsonArray().add(restart))
        .put("roles", new JsonArray()
            .add(new JsonObject().put("name", "operator").put("permissions", new JsonArray()
                .add(new JsonObject().put("commands", new JsonArray().add("restart")))))
            .add(new JsonObject().put("name", "approver").put("permissions", new JsonArray())))
        .put("bindings", new JsonArray()
            .add(new JsonObject().put("role", "operator").put("subjects", new JsonArray(List.copyOf(operators))))
            .add(new JsonObject().put("role", "approver").put("subjects", new JsonArray(List.copyOf(approvers)))))
        .put("approvalRules", new JsonArray().add(new JsonObject().put("name", "production").put("commands",
            new JsonArray().add("restart")).put("environments", new JsonArray().add("production"))
            .put("approvals", 1).put("approverRole", "approver")));
  }
}

package io.switchboard.executor;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.job.JobRules;
import io.switchboard.core.job.NewJob;
import io.switchboard.core.log.LogSettings;
import io.switchboard.core.log.SwitchboardLogging;
import io.switchboard.core.trace.Tracing;
import io.switchboard.executor.ExecutorVerticle.ExecutorSettings;
import io.switchboard.executor.action.ActionRegistry;
import io.switchboard.executor.action.EchoAction;
import io.switchboard.jobs.JobQueue;
import io.switchboard.jobs.JobStore;
import io.switchboard.jobs.QueueSettings;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.trace.SpanRecorder;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The executor continues the trace of the command that queued a job from the job row's trace parent,
 * whichever process wrote it: its claim and run spans are children of that span, and its log lines
 * for the job carry the trace id. A job without one starts a trace of its own.
 */
@DisplayName("Executor tracing: the job row's trace parent is the parent of the claim and the run")
class ExecutorTracingTest {

  /** As another process's gateway wrote it: trace 4bf9..., span 00f0... */
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT = "00f067aa0ba902b7";

  private final Vertx vertx = Vertx.vertx();
  private SpanRecorder spans;
  private DatabaseUrl url;
  private Pool pool;

  @BeforeEach
  void setUp() {
    spans = SpanRecorder.install();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme')");
  }

  @AfterEach
  void tearDown() {
    for (String deployment : vertx.deploymentIDs()) {
      Await.result(vertx.undeploy(deployment));
    }
    Await.result(vertx.close());
    spans.close();
  }

  @Test
  @DisplayName("claim and run are children of the row's span, and the job's log lines carry its trace id")
  void continuesTheTraceFromTheRow() {
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Appender<ILoggingEvent> appender = SwitchboardLogging.install(logback, new LogSettings(true, Level.INFO), out);
    logback.getLogger(ExecutorVerticle.class).setLevel(Level.DEBUG); // the claim line is DEBUG
    long id;
    try {
      id = insert("00-" + TRACE + "-" + PARENT + "-01");
      runAll(id);
    } finally {
      appender.stop();
      SwitchboardLogging.install(logback, LogSettings.DEFAULT, System.err);
    }

    SpanData claim = spans.first("job.claim", SpanKind.CONSUMER).orElseThrow();
    SpanData run = spans.first("job.run", SpanKind.INTERNAL).orElseThrow();
    assertThat(List.of(claim, run)).allSatisfy(span -> {
      assertThat(span.getTraceId()).isEqualTo(TRACE);
      assertThat(span.getParentSpanId()).isEqualTo(PARENT);
      assertThat(span.getParentSpanContext().isRemote()).isTrue();
      assertThat(span.getAttributes().get(Tracing.JOB_ID)).isEqualTo(id);
      assertThat(span.getAttributes().get(Tracing.TENANT)).isEqualTo("acme");
      assertThat(span.getAttributes().get(Tracing.ACTION)).isEqualTo("echo");
    });
    assertThat(run.getAttributes().get(Tracing.OUTCOME)).isEqualTo("succeeded");
    assertThat(run.getAttributes().asMap().values().toString()).as("never the arguments").doesNotContain("secret words");

    List<JsonObject> lines = out.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new)
        .filter(line -> line.getString("logger_name").equals(ExecutorVerticle.class.getName())
            && line.getString("message").startsWith("Job " + id + " "))
        .toList();
    assertThat(lines).as("a claim line and an outcome line").hasSize(2)
        .allSatisfy(line -> assertThat(line.getString("traceId")).as(line.encode()).isEqualTo(TRACE));
  }

  @Test
  @DisplayName("a job without a trace parent (tracing was off, or an older gateway) starts a trace of its own")
  void aJobWithoutAParentStartsItsOwnTrace() {
    long first = insert(null);
    long second = insert("not a traceparent");
    runAll(first, second);

    List<SpanData> runs = spans.spans().stream().filter(span -> span.getName().equals("job.run")).toList();
    assertThat(runs).hasSize(2).allSatisfy(run -> assertThat(run.getParentSpanContext().isValid()).isFalse());
    assertThat(runs.get(0).getTraceId()).isNotEqualTo(runs.get(1).getTraceId());
  }

  private long insert(String traceParent) {
    NewJob job = new NewJob("acme", "key-" + UUID.randomUUID(), "slack", "U1", "C1", "echo", "echo secret words",
        "echo", new JsonObject().put("text", "secret words"), new JsonObject().put("url", "http://localhost/r"),
        JobRules.DEFAULTS, "cid-trace", traceParent);
    return Await.result(JobStore.insert(pool, job)).orElseThrow();
  }

  /** Runs the jobs; returns once each is announced finished (after its last log line and its spans end). */
  private void runAll(long... ids) {
    AtomicInteger announced = new AtomicInteger();
    Await.result(vertx.eventBus().consumer(EventBusAddresses.JOBS_FINISHED, message -> announced.incrementAndGet())
        .completion());
    JobQueue queue = new JobQueue(pool, "executor-trace", QueueSettings.of(Duration.ofSeconds(30), Duration.ofSeconds(30)));
    Await.result(vertx.deployVerticle(new ExecutorVerticle(queue, new ActionRegistry(List.of(new EchoAction())),
        new LocalSecretStore(pool, MasterKey.generate()),
        new ExecutorSettings(4, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofMillis(200)),
        new SimpleMeterRegistry())));
    for (long id : ids) {
      vertx.eventBus().publish(EventBusAddresses.JOBS_WAKEUP, id);
    }
    Await.until("every job is announced finished", () -> announced.get() == ids.length);
  }
}

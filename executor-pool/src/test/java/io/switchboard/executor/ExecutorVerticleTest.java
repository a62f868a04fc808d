package io.switchboard.executor;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.switchboard.core.job.JobRules;
import io.switchboard.core.job.NewJob;
import io.switchboard.core.log.LogSettings;
import io.switchboard.core.log.SwitchboardLogging;
import io.switchboard.jobs.JobStore;
import org.slf4j.LoggerFactory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.audit.AuditChainVerifier;
import io.switchboard.audit.AuditRecord;
import io.switchboard.audit.ChainVerification;
import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobProgress;
import io.switchboard.core.job.JobStatus;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.executor.ExecutorVerticle.ExecutorSettings;
import io.switchboard.executor.action.Action;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionRegistry;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.EchoAction;
import io.switchboard.jobs.AttemptResult;
import io.switchboard.jobs.ClaimedJob;
import io.switchboard.jobs.JobFixtures.AttemptRow;
import io.switchboard.jobs.JobFixtures.JobRow;
import io.switchboard.jobs.JobQueue;
import io.switchboard.jobs.QueueSettings;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.SecretStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.switchboard.jobs.JobFixtures.announced;
import static io.switchboard.jobs.JobFixtures.attemptOutcomes;
import static io.switchboard.jobs.JobFixtures.attempts;
import static io.switchboard.jobs.JobFixtures.audit;
import static io.switchboard.jobs.JobFixtures.auditTypes;
import static io.switchboard.jobs.JobFixtures.count;
import static io.switchboard.jobs.JobFixtures.holds;
import static io.switchboard.jobs.JobFixtures.insertEcho;
import static io.switchboard.jobs.JobFixtures.insertJob;
import static io.switchboard.jobs.JobFixtures.job;
import static org.assertj.core.api.Assertions.assertThat;

class ExecutorVerticleTest {

  /** Long enough that only a wake-up (or the start-up round) can make the executor look for work. */
  private static final Duration NO_POLL = Duration.ofHours(1);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration HEARTBEAT = Duration.ofSeconds(1);
  private static final Duration FAST_HEARTBEAT = Duration.ofMillis(100);
  private static final Duration ACTION_TIMEOUT = Duration.ofSeconds(30);

  private Vertx vertx;
  private DatabaseUrl url;
  private Pool pool;
  private SimpleMeterRegistry registry;
  private SecretStore secrets;
  private HoldAction hold;
  private ContextRecordingAction where;
  private FlakyAction flaky;
  private ActionRegistry actions;
  private final Queue<JobFinished> finished = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    registry = new SimpleMeterRegistry();
    secrets = new LocalSecretStore(pool, MasterKey.generate());
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    hold = new HoldAction();
    where = new ContextRecordingAction();
    flaky = new FlakyAction();
    actions = new ActionRegistry(List.of(new EchoAction(), hold, where, flaky, new ThrowingAction(), new FailingAction()));
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(EventBusAddresses.JOBS_FINISHED,
        message -> finished.add(JobFinished.fromJson(message.body())));
    Await.result(consumer.completion());
  }

  @AfterEach
  void tearDown() {
    // Undeploy first, while the pool is open, so executors release what they hold; then close.
    for (String deployment : vertx.deploymentIDs()) {
      Await.result(vertx.undeploy(deployment));
    }
    Await.result(vertx.close());
  }

  // ---------------------------------------------------------------- log lines

  @Test
  void eachJobsLinesCarryItsCorrelationIdTenantPlatformAndJobIdAndNoOther() {
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Appender<ILoggingEvent> appender = SwitchboardLogging.install(logback, new LogSettings(true, Level.INFO), out);
    logback.getLogger(ExecutorVerticle.class).setLevel(Level.DEBUG); // the claim line is DEBUG
    List<JsonObject> lines;
    Map<Long, String[]> jobs = new HashMap<>();
    try {
      for (int i = 0; i < 4; i++) {
        String tenant = i % 2 == 0 ? "acme" : "globex";
        String correlationId = "cid" + i + "-" + tenant;
        NewJob job = new NewJob(tenant, "key-" + UUID.randomUUID(), i % 2 == 0 ? "slack" : "teams", "U1", "C1", "echo",
            "echo " + i, "echo", new JsonObject().put("text", "run " + i), new JsonObject().put("url", "http://localhost/r"),
            JobRules.DEFAULTS, correlationId);
        jobs.put(Await.result(JobStore.insert(pool, job)).orElseThrow(), new String[] {correlationId, tenant});
      }
      deploy(settings(4, NO_POLL));
      jobs.keySet().forEach(id -> vertx.eventBus().publish(EventBusAddresses.JOBS_WAKEUP, id));
      Await.until("all four are announced", () -> finished.size() == 4);
    } finally {
      appender.stop();
      SwitchboardLogging.install(logback, LogSettings.DEFAULT, System.err);
    }
    lines = out.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new)
        .filter(line -> line.getString("logger_name").equals(ExecutorVerticle.class.getName())
            && line.getString("message").startsWith("Job "))
        .toList();
    assertThat(lines).as("a claim line and an outcome line per job").hasSize(8);
    for (JsonObject line : lines) {
      long id = Long.parseLong(line.getString("jobId"));
      assertThat(line.getString("message")).startsWith("Job " + id + " ");
      assertThat(line.getString("correlationId")).as(line.encode()).isEqualTo(jobs.get(id)[0]);
      assertThat(line.getString("tenant")).as(line.encode()).isEqualTo(jobs.get(id)[1]);
      assertThat(line.getString("platform")).as(line.encode()).isEqualTo(jobs.get(id)[1].equals("acme") ? "slack" : "teams");
    }
    assertThat(lines).extracting(line -> line.getString("message"))
        .anyMatch(message -> message.contains(" claimed (action echo"))
        .anyMatch(message -> message.contains(" succeeded after "));
  }

  // ---------------------------------------------------------------- the basic path

  @Test
  void aWokenEchoJobSucceedsAndIsAnnounced() {
    deploy(settings(4, NO_POLL));
    long id = insertEcho(pool, "acme", "hello from the test");
    vertx.eventBus().publish(EventBusAddresses.JOBS_WAKEUP, id);

    Await.until("the job is announced as finished", () -> !finished.isEmpty());
    assertThat(finished).containsExactly(announced("acme", id, JobStatus.SUCCEEDED));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("succeeded");
    assertThat(row.output()).isEqualTo("hello from the test");
    assertThat(row.error()).isNull();
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.finishedAt()).isNotNull();
    assertThat(row.leaseId()).isNull();
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.succeeded");
    assertThat(attemptOutcomes(pool, id)).containsExactly("succeeded");
    ChainVerification chain = Await.result(new AuditChainVerifier(pool).verify("acme"));
    assertThat(chain.isIntact()).as(chain.problem()).isTrue();
    assertThat(registry.counter("switchboard.jobs.completed", "status", "succeeded").count()).isEqualTo(1.0);
    assertThat(registry.timer("switchboard.job.run.time").count()).isEqualTo(1);
    assertThat(registry.timer("switchboard.job.claim.latency").count()).isEqualTo(1);
    assertThat(registry.summary("switchboard.job.attempts").count()).isEqualTo(1);
    assertThat(registry.summary("switchboard.job.attempts").totalAmount()).isEqualTo(1.0);
    assertThat(registry.timer("switchboard.job.latency", "status", "succeeded").count()).isEqualTo(1);
  }

  @Test
  void progressIsStoredUnderTheLeaseRedactedAnnouncedAndEndsWithTheJob() {
    Await.result(secrets.put("acme", "api-token", "tok-progress-secret"));
    List<JobProgress> announced = new CopyOnWriteArrayList<>();
    Await.result(vertx.eventBus().<JsonObject>consumer(EventBusAddresses.JOBS_PROGRESS,
        message -> announced.add(JobProgress.fromJson(message.body()))).completion());
    deploy(settings(2, POLL));
    long id = insertJob(pool, "acme", "hold", new JsonObject());
    Await.until("the job runs", () -> hold.started(id));
    ActionContext running = hold.held.get(id).action();
    String secret = Await.result(running.secrets().get("api-token"));

    running.progress().report("step 1 of 3");
    running.progress().report("step 2 of 3, token " + secret);
    String expected = "step 2 of 3, token [redacted:api-token]";
    Await.until("the latest line is stored and announced", () -> expected.equals(progressOf(id))
        && announced.stream().anyMatch(p -> p.text().equals(expected)));

    assertThat(announced).allSatisfy(p -> {
      assertThat(p.tenantId()).isEqualTo("acme");
      assertThat(p.jobId()).isEqualTo(id);
      assertThat(p.attempt()).isEqualTo(1);
      assertThat(p.text()).doesNotContain(secret);
    });
    hold.complete(id, ActionResult.success("done"));
    Await.until("the job is finished", () -> !finished.isEmpty());
    running.progress().report("a line after the end");
    assertThat(count(pool, "SELECT count(*) FROM jobs WHERE progress = 'a line after the end'")).isZero();
    assertThat(progressOf(id)).isEqualTo(expected);
  }

  @Test
  void aSecretWhereAProgressLineIsCutLeavesNoPieceOfItself() {
    String secret = "tok-progress-secret-cut-by-the-limit";
    Await.result(secrets.put("acme", "api-token", secret));
    deploy(settings(2, POLL));
    long id = insertJob(pool, "acme", "hold", new JsonObject());
    Await.until("the job runs", () -> hold.started(id));
    ActionContext running = hold.held.get(id).action();
    Await.result(running.secrets().get("api-token"));

    // The first 10 characters of the secret fit below the limit, the rest does not.
    running.progress().report(".".repeat(ProgressRelay.MAX_CHARS - 10) + secret);
    Await.until("the line is stored", () -> progressOf(id) != null);

    assertThat(progressOf(id)).startsWith("....").contains("[redac").endsWith("…").doesNotContain(secret.substring(0, 8));
    hold.complete(id, ActionResult.success("done"));
    Await.until("the job is finished", () -> !finished.isEmpty());
  }

  private String progressOf(long id) {
    return Await.result(pool.preparedQuery("SELECT progress FROM jobs WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(id))
        .map(rows -> rows.iterator().next().getString("progress")));
  }

  @Test
  void secretValuesHandedToAnActionNeverLeaveTheExecutor() {
    Await.result(secrets.put("acme", "api-token", "tok-3f9a-very-secret"));
    Await.result(secrets.put("globex", "api-token", "globex-other-secret"));
    actions = new ActionRegistry(List.of(new SecretLeakingAction()));
    deploy(settings(2, POLL));
    long leaked = insertJob(pool, "acme", "leak", new JsonObject().put("secret", "api-token").put("fail", false));
    long failed = insertJob(pool, "acme", "leak", new JsonObject().put("secret", "api-token").put("fail", true));
    long missing = insertJob(pool, "acme", "leak", new JsonObject().put("secret", "nope").put("fail", false));

    Await.until("all three end", () -> count(pool, "SELECT count(*) FROM jobs WHERE finished_at IS NOT NULL") == 3);
    assertThat(job(pool, leaked).output()).isEqualTo("token is [redacted:api-token] and again [redacted:api-token]");
    assertThat(job(pool, failed).error()).isEqualTo("the target refused [redacted:api-token]");
    assertThat(job(pool, missing).error()).contains("secret 'nope' is not set");
    assertThat(count(pool, "SELECT count(*) FROM jobs WHERE output LIKE '%very-secret%' OR error LIKE '%very-secret%'"))
        .isZero();
    assertThat(count(pool, "SELECT count(*) FROM audit_events WHERE detail LIKE '%very-secret%'")).isZero();
    assertThat(count(pool, "SELECT count(*) FROM job_attempts WHERE error LIKE '%very-secret%'")).isZero();
  }

  @Test
  void aJobWithoutAWakeUpIsPickedUpByPolling() {
    deploy(settings(4, POLL));
    long id = insertEcho(pool, "acme", "nobody woke me");

    Await.until("the job succeeds", () -> "succeeded".equals(job(pool, id).status()));
    assertThat(job(pool, id).output()).isEqualTo("nobody woke me");
    assertThat(job(pool, id).attempts()).isEqualTo(1);
    Await.until("the job is announced", () -> finished.contains(announced("acme", id, JobStatus.SUCCEEDED)));
  }

  @Test
  void aJobWhoseExecutorDiedIsRunAgainOnceItsLeaseExpires() {
    long id = insertEcho(pool, "acme", "second time lucky");
    // Another executor claimed it and died. Its lease outlives the executor's start-up claim round;
    // nothing publishes a wake-up when a lease expires, so only polling can find the job again.
    TestDatabase.execute(url, "UPDATE jobs SET status = 'running', attempts = 1, lease_id = gen_random_uuid(), "
        + "lease_owner = 'dead-executor', lease_expires_at = now() + interval '1 second', started_at = now() "
        + "WHERE id = " + id);
    deploy(settings(4, POLL));

    Await.until("the job succeeds", () -> "succeeded".equals(job(pool, id).status()));
    JobRow row = job(pool, id);
    assertThat(row.output()).isEqualTo("second time lucky");
    assertThat(row.attempts()).isEqualTo(2);
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType)
        .containsExactly("job.lease_expired", "job.started", "job.succeeded");
    assertThat(records.get(0).detailJson().getInteger("attempt")).isEqualTo(1);
    assertThat(records.get(1).detailJson().getInteger("attempt")).isEqualTo(2);
    assertThat(records.get(2).detailJson().getInteger("attempt")).isEqualTo(2);
  }

  @Test
  void aJobWhoseLeaseExpiredTooOftenIsFailedNotRun() {
    long id = insertEcho(pool, "acme", "kills executors");
    TestDatabase.execute(url, "UPDATE jobs SET status = 'running', attempts = " + JobQueue.DEFAULT_MAX_ATTEMPTS
        + ", lease_id = gen_random_uuid(), lease_owner = 'dead-executor', "
        + "lease_expires_at = now() - interval '1 second', started_at = now() WHERE id = " + id);
    deploy(settings(4, POLL));

    Await.until("the job is announced as failed", () -> finished.contains(announced("acme", id, JobStatus.FAILED)));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.error()).contains("not retried");
    assertThat(row.output()).isNull();
    assertThat(row.attempts()).isEqualTo(JobQueue.DEFAULT_MAX_ATTEMPTS);
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.lease_expired", "job.failed");
    assertThat(registry.counter("switchboard.jobs.completed", "status", "failed").count()).isEqualTo(1.0);
  }

  @Test
  void anUnknownActionFailsWithAClearError() {
    deploy(settings(4, NO_POLL));
    long id = insertJob(pool, "acme", "teleport", new JsonObject().put("to", "mars"));
    wake(id);

    Await.until("the job is announced", () -> !finished.isEmpty());
    assertThat(finished).containsExactly(announced("acme", id, JobStatus.FAILED));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.error()).isEqualTo("no action of type 'teleport' is installed");
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.failed");
    assertThat(records.get(1).detailJson().getString("error")).isEqualTo("no action of type 'teleport' is installed");
  }

  @Test
  void anActionReportingFailureFailsTheJob() {
    deploy(settings(4, NO_POLL));
    long id = insertJob(pool, "acme", "echo", new JsonObject());
    wake(id);

    Await.until("the job fails", () -> "failed".equals(job(pool, id).status()));
    assertThat(job(pool, id).error()).isEqualTo("echo needs a 'text' argument");
    assertThat(job(pool, id).attempts()).as("a plain failure is not retried").isEqualTo(1);
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.failed");
  }

  @Test
  void anActionThatThrowsFailsItsJobAndTheExecutorKeepsWorking() {
    deploy(settings(1, NO_POLL));
    long thrown = insertJob(pool, "acme", "throw", new JsonObject());
    wake(thrown);
    Await.until("the throwing job fails", () -> "failed".equals(job(pool, thrown).status()));
    assertThat(job(pool, thrown).error()).isEqualTo("the action failed: boom");

    long failing = insertJob(pool, "acme", "fail", new JsonObject());
    wake(failing);
    Await.until("the failing job fails", () -> "failed".equals(job(pool, failing).status()));
    assertThat(job(pool, failing).error()).isEqualTo("the action failed: target refused");

    long echo = insertEcho(pool, "acme", "still here");
    wake(echo);
    Await.until("the echo job succeeds", () -> "succeeded".equals(job(pool, echo).status()));
    assertThat(job(pool, echo).output()).isEqualTo("still here");
    Await.until("all three are announced", () -> finished.size() == 3);
    assertThat(finished).containsExactly(
        announced("acme", thrown, JobStatus.FAILED),
        announced("acme", failing, JobStatus.FAILED),
        announced("acme", echo, JobStatus.SUCCEEDED));
    assertThat(registry.counter("switchboard.jobs.completed", "status", "failed").count()).isEqualTo(2.0);
  }

  // ---------------------------------------------------------------- timeouts

  @Test
  void anActionThatNeverCompletesTimesOut() {
    deploy(settings(4, NO_POLL), Duration.ofSeconds(1));
    long id = insertJob(pool, "acme", "hold", new JsonObject());
    wake(id);

    Await.until("the action has started", () -> hold.started(id));
    Await.until("the job fails", () -> "failed".equals(job(pool, id).status()));
    JobRow row = job(pool, id);
    assertThat(row.error()).isEqualTo("timed out after 1 s");
    assertThat(row.leaseId()).isNull();
    assertThat(row.attempts()).as("a timeout is not retried").isEqualTo(1);
    // The action was told to stop, with the reason.
    assertThat(hold.stop(id).isComplete()).isTrue();
    assertThat(hold.stop(id).result()).isEqualTo("timed out after 1 s");
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.failed");
    assertThat(records.get(1).detailJson().getString("error")).isEqualTo("timed out after 1 s");
    assertThat(attempts(pool, id)).singleElement().satisfies(attempt -> {
      assertThat(attempt.outcome()).isEqualTo("timed_out");
      assertThat(attempt.error()).isEqualTo("timed out after 1 s");
    });
    Await.until("the job is announced", () -> finished.contains(announced("acme", id, JobStatus.FAILED)));
  }

  @Test
  void aJobsOwnTimeoutOverridesTheDefault() {
    long id = insertJob(pool, "acme", "hold", new JsonObject());
    TestDatabase.execute(url, "UPDATE jobs SET timeout_ms = 300 WHERE id = " + id);
    deploy(settings(4, NO_POLL), ACTION_TIMEOUT);

    Await.until("the job fails", () -> "failed".equals(job(pool, id).status()));
    assertThat(job(pool, id).error()).isEqualTo("timed out after 300 ms");
    assertThat(attemptOutcomes(pool, id)).containsExactly("timed_out");
  }

  @Test
  void actionsRunOnTheExecutorsOwnContextEvenAfterATimeout() {
    deploy(settings(1, NO_POLL), Duration.ofSeconds(1));
    long stuck = insertJob(pool, "acme", "hold", new JsonObject());
    wake(stuck);
    Await.until("the stuck action has started", () -> hold.started(stuck));
    long next = insertJob(pool, "acme", "where", new JsonObject());
    wake(next);

    // The stuck action's timeout frees the only slot; the next job then runs.
    Await.until("the next job succeeds", () -> "succeeded".equals(job(pool, next).status()));
    assertThat(job(pool, stuck).status()).isEqualTo("failed");
    assertThat(where.contexts.get(next)).as("context the next action ran on")
        .isSameAs(hold.held.get(stuck).context());
  }

  @Test
  void actionsRunOnTheExecutorsOwnContextWhenAnotherThreadCompletesOne() {
    long foreign = insertJob(pool, "acme", "foreign", new JsonObject());
    long next = insertJob(pool, "acme", "where", new JsonObject());
    ForeignThreadAction foreignAction = new ForeignThreadAction();
    actions = new ActionRegistry(List.of(foreignAction, where));
    deploy(settings(1, POLL));

    Await.until("the next job succeeds", () -> "succeeded".equals(job(pool, next).status()));
    assertThat(job(pool, foreign).status()).isEqualTo("succeeded");
    assertThat(job(pool, foreign).output()).isEqualTo("done on another thread");
    assertThat(where.contexts.get(next)).as("context the next action ran on")
        .isSameAs(foreignAction.contexts.get(foreign));
  }

  @Test
  void noMoreJobsRunAtOnceThanTheConcurrencyAllows() {
    deploy(settings(2, POLL));
    long first = insertJob(pool, "acme", "hold", new JsonObject().put("n", 1));
    long second = insertJob(pool, "acme", "hold", new JsonObject().put("n", 2));
    long third = insertJob(pool, "acme", "hold", new JsonObject().put("n", 3));
    for (long id : List.of(first, second, third)) {
      wake(id);
    }

    Await.until("two jobs run", () -> count(pool, "SELECT count(*) FROM jobs WHERE status = 'running'") == 2);
    // Give the executor ten poll rounds and a wake-up to over-claim; it must not.
    wake(third);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (System.nanoTime() < deadline) {
      assertThat(count(pool, "SELECT count(*) FROM jobs WHERE status = 'running'")).isEqualTo(2);
    }
    assertThat(job(pool, first).status()).isEqualTo("running");
    assertThat(job(pool, second).status()).isEqualTo("running");
    assertThat(job(pool, third).status()).isEqualTo("queued");
    assertThat(hold.held).containsOnlyKeys(first, second);

    // A freed slot is taken by the waiting job.
    hold.complete(first, ActionResult.success("first done"));
    Await.until("the third job runs", () -> "running".equals(job(pool, third).status()));
    assertThat(job(pool, first).status()).isEqualTo("succeeded");
    assertThat(job(pool, first).output()).isEqualTo("first done");
    assertThat(count(pool, "SELECT count(*) FROM jobs WHERE status = 'running'")).isEqualTo(2);
  }

  // ---------------------------------------------------------------- retries

  @Test
  void aRetryableFailureIsRetriedWithBackOffUntilItSucceeds() {
    deploy(settings(4, POLL));
    long id = insertJob(pool, "acme", "flaky", new JsonObject().put("failures", 2));
    wake(id);

    Await.until("the job succeeds", () -> "succeeded".equals(job(pool, id).status()));
    JobRow row = job(pool, id);
    assertThat(row.attempts()).isEqualTo(3);
    assertThat(row.output()).isEqualTo("worked on attempt 3");
    assertThat(row.error()).isNull();
    assertThat(flaky.attemptsSeen(id)).containsExactly(1, 2, 3);
    assertThat(flaky.keysSeen(id)).hasSize(3).containsOnly(flaky.keysSeen(id).get(0));
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.retry_scheduled",
        "job.started", "job.retry_scheduled", "job.started", "job.succeeded");
    assertThat(records).extracting(record -> record.detailJson().getInteger("attempt")).containsExactly(1, 1, 2, 2, 3, 3);
    assertThat(records.get(1).detailJson().getString("error")).isEqualTo("unavailable (attempt 1)");
    assertThat(records.get(3).detailJson().getString("error")).isEqualTo("unavailable (attempt 2)");
    assertThat(attempts(pool, id)).extracting(AttemptRow::attempt, AttemptRow::outcome, AttemptRow::error).containsExactly(
        Tuple.tuple(1, "retrying", "unavailable (attempt 1)"),
        Tuple.tuple(2, "retrying", "unavailable (attempt 2)"),
        Tuple.tuple(3, "succeeded", null));
    Await.until("the job is announced", () -> !finished.isEmpty());
    assertThat(finished).containsExactly(announced("acme", id, JobStatus.SUCCEEDED));
    assertThat(registry.counter("switchboard.jobs.retried").count()).isEqualTo(2.0);
    assertThat(registry.counter("switchboard.jobs.completed", "status", "succeeded").count()).isEqualTo(1.0);
    assertThat(registry.summary("switchboard.job.attempts").count()).isEqualTo(1);
    assertThat(registry.summary("switchboard.job.attempts").max()).isEqualTo(3.0);
    assertThat(registry.timer("switchboard.job.run.time").count()).isEqualTo(3);
    assertThat(registry.timer("switchboard.job.action.duration", "action", "flaky", "outcome", "retried").count())
        .as("each attempt's duration, by action type and outcome").isEqualTo(2);
    assertThat(registry.timer("switchboard.job.action.duration", "action", "flaky", "outcome", "succeeded").count())
        .isEqualTo(1);
    assertThat(Await.result(new AuditChainVerifier(pool).verify("acme")).isIntact()).isTrue();
  }

  @Test
  void aJobOutOfAttemptsFailsWithItsLastError() {
    long id = insertJob(pool, "acme", "flaky", new JsonObject().put("failures", 5));
    TestDatabase.execute(url, "UPDATE jobs SET max_attempts = 2 WHERE id = " + id);
    deploy(settings(4, POLL));

    Await.until("the job is announced as failed", () -> finished.contains(announced("acme", id, JobStatus.FAILED)));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.attempts()).isEqualTo(2);
    assertThat(row.error()).isEqualTo("unavailable (attempt 2)");
    assertThat(flaky.attemptsSeen(id)).containsExactly(1, 2);
    assertThat(auditTypes(pool, "acme", id))
        .containsExactly("job.started", "job.retry_scheduled", "job.started", "job.failed");
    assertThat(attemptOutcomes(pool, id)).containsExactly("retrying", "failed");
    assertThat(registry.counter("switchboard.jobs.retried").count()).isEqualTo(1.0);
    assertThat(registry.counter("switchboard.jobs.completed", "status", "failed").count()).isEqualTo(1.0);
  }

  // ---------------------------------------------------------------- heartbeats, cancellation, lost leases

  @Test
  void heartbeatsKeepALongJobsLeaseAlive() {
    deploy(new ExecutorSettings(1, POLL, FAST_HEARTBEAT, Duration.ofMillis(200)));
    long id = insertJob(pool, "acme", "hold", new JsonObject());
    wake(id);
    Await.until("the action has started", () -> hold.started(id));
    UUID lease = job(pool, id).leaseId();
    JobQueue reaper = new JobQueue(pool, "executor-reaper", queueSettings(ACTION_TIMEOUT));

    // Over and over, the lease is cut to one second (as if it were that short) while this executor's
    // poll and another executor reap expired leases; only heartbeats keep the job this executor's.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    int rounds = 0;
    while (System.nanoTime() < deadline) {
      TestDatabase.execute(url, "UPDATE jobs SET lease_expires_at = now() + interval '1 second' WHERE id = " + id);
      Await.until("a heartbeat extends the cut lease", () -> holds(pool,
          "SELECT lease_expires_at > now() + interval '10 seconds' FROM jobs WHERE id = " + id));
      Await.result(reaper.reapExpiredLeases());
      JobRow row = job(pool, id);
      assertThat(row.status()).isEqualTo("running");
      assertThat(row.leaseId()).isEqualTo(lease);
      assertThat(row.attempts()).isEqualTo(1);
      rounds++;
    }
    assertThat(rounds).isGreaterThan(1);
    assertThat(hold.stop(id).isComplete()).isFalse();
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started");
    assertThat(attempts(pool, id)).as("a running attempt's row is written when it ends").isEmpty();

    hold.complete(id, ActionResult.success("long but fine"));
    Await.until("the job succeeds", () -> "succeeded".equals(job(pool, id).status()));
    assertThat(job(pool, id).attempts()).isEqualTo(1);
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.succeeded");
  }

  @Test
  void aCancelOnTheEventBusStopsTheRunningAction() {
    deploy(settings(4, NO_POLL));
    long target = insertJob(pool, "acme", "hold", new JsonObject().put("n", 1));
    long bystander = insertJob(pool, "acme", "hold", new JsonObject().put("n", 2));
    wake(target);
    Await.until("both actions have started", () -> hold.started(target) && hold.started(bystander));

    // Another tenant names acme's job ids: ignored. The right tenant's cancel, sent after, is honoured.
    cancel("globex", bystander, "intruder");
    cancel("globex", target, "intruder");
    cancel("acme", target, "U999");

    Await.until("the job is cancelled", () -> "cancelled".equals(job(pool, target).status()));
    assertThat(hold.stop(target).isComplete()).isTrue();
    assertThat(hold.stop(target).result()).isEqualTo("cancelled by U999");
    JobRow row = job(pool, target);
    assertThat(row.error()).isEqualTo("cancelled by U999");
    assertThat(row.output()).isNull();
    assertThat(row.finishedAt()).isNotNull();
    assertThat(row.leaseId()).isNull();
    List<AuditRecord> records = audit(pool, "acme", target);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.cancelled");
    assertThat(records.get(1).detailJson().getString("error")).isEqualTo("cancelled by U999");
    assertThat(attemptOutcomes(pool, target)).containsExactly("cancelled");
    Await.until("the cancellation is announced", () -> !finished.isEmpty());
    assertThat(finished).containsExactly(announced("acme", target, JobStatus.CANCELLED));
    assertThat(registry.counter("switchboard.jobs.completed", "status", "cancelled").count()).isEqualTo(1.0);

    // The other tenant's cancel for the bystander (handled before the honoured one) did nothing.
    assertThat(hold.stop(bystander).isComplete()).isFalse();
    assertThat(job(pool, bystander).status()).isEqualTo("running");
    assertThat(auditTypes(pool, "acme", bystander)).containsExactly("job.started");
    // A late result of the cancelled action changes nothing.
    hold.complete(target, ActionResult.success("too late"));
    hold.complete(bystander, ActionResult.success("fine"));
    Await.until("the bystander succeeds", () -> "succeeded".equals(job(pool, bystander).status()));
    assertThat(job(pool, target).status()).isEqualTo("cancelled");
    assertThat(job(pool, target).output()).isNull();
    assertThat(auditTypes(pool, "acme", target)).containsExactly("job.started", "job.cancelled");
  }

  @Test
  void aCancelRequestSeenInTheHeartbeatStopsTheAction() {
    deploy(new ExecutorSettings(4, NO_POLL, FAST_HEARTBEAT, Duration.ofMillis(200)));
    long id = insertJob(pool, "acme", "hold", new JsonObject());
    wake(id);
    Await.until("the action has started", () -> hold.started(id));

    // Recorded in the database only; the event-bus message was lost.
    TestDatabase.execute(url, "UPDATE jobs SET cancel_requested_at = now(), cancel_requested_by = 'U7' WHERE id = " + id);

    Await.until("the job is cancelled", () -> "cancelled".equals(job(pool, id).status()));
    assertThat(hold.stop(id).isComplete()).isTrue();
    assertThat(job(pool, id).error()).isEqualTo(hold.stop(id).result()).isNotBlank();
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.cancelled");
    assertThat(attemptOutcomes(pool, id)).containsExactly("cancelled");
    Await.until("the cancellation is announced", () -> finished.contains(announced("acme", id, JobStatus.CANCELLED)));
  }

  @Test
  void anExecutorThatLostTheLeaseStopsTheActionAndWritesNothing() {
    PausableHeartbeats heartbeats = new PausableHeartbeats(pool);
    JobQueue queue = new JobQueue(heartbeats.proxy(), "executor-1", queueSettings(ACTION_TIMEOUT));
    Await.result(vertx.deployVerticle(new ExecutorVerticle(queue, actions, secrets,
        new ExecutorSettings(4, NO_POLL, FAST_HEARTBEAT, Duration.ofMillis(200)), registry)));
    long id = insertJob(pool, "acme", "hold", new JsonObject());
    wake(id);
    Await.until("the action has started", () -> hold.started(id));
    Await.until("a heartbeat has gone through", () -> heartbeats.executed.get() >= 1);
    UUID firstLease = job(pool, id).leaseId();

    // This executor stalls (its heartbeats are held back, its lease runs out), and another executor
    // reaps and re-claims the job. A heartbeat already under way may still extend the lease once, so
    // the lease is cut until the reaper has taken the job.
    heartbeats.pause();
    Await.until("a heartbeat is held back", () -> heartbeats.heldBack() >= 1);
    JobQueue other = new JobQueue(pool, "executor-2", queueSettings(ACTION_TIMEOUT));
    Await.until("another executor has taken the job back", () -> {
      TestDatabase.execute(url, "UPDATE jobs SET lease_expires_at = now() - interval '1 second' "
          + "WHERE status = 'running' AND id = " + id);
      Await.result(other.reapExpiredLeases());
      return "queued".equals(job(pool, id).status());
    });
    ClaimedJob theirs = Await.result(other.claim(1)).get(0);
    assertThat(theirs.id()).isEqualTo(id);
    assertThat(theirs.attempt()).isEqualTo(2);

    // The stalled executor comes back; its heartbeat finds the lease gone.
    heartbeats.resume();
    Await.until("the first executor stops its action", () -> hold.stop(id).isComplete());
    assertThat(hold.stop(id).result()).isEqualTo("this executor lost the job's lease");
    Await.until("the first executor has given the attempt up",
        () -> registry.counter("switchboard.jobs.lease.lost").count() == 1.0);
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("running");
    assertThat(row.leaseId()).isEqualTo(theirs.leaseId()).isNotEqualTo(firstLease);
    assertThat(row.leaseOwner()).isEqualTo("executor-2");
    assertThat(row.error()).isNull();
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.lease_expired", "job.started");
    assertThat(finished).isEmpty();
    // The stale action's late result is dropped too.
    hold.complete(id, ActionResult.failure("stale failure"));

    // The second attempt's result stands.
    assertThat(Await.result(other.finish(theirs, AttemptResult.success("second attempt"))).notification())
        .contains(announced("acme", id, JobStatus.SUCCEEDED));
    JobRow done = job(pool, id);
    assertThat(done.status()).isEqualTo("succeeded");
    assertThat(done.output()).isEqualTo("second attempt");
    assertThat(done.error()).isNull();
    assertThat(auditTypes(pool, "acme", id))
        .containsExactly("job.started", "job.lease_expired", "job.started", "job.succeeded");
    assertThat(attempts(pool, id)).extracting(AttemptRow::executor, AttemptRow::attempt, AttemptRow::outcome)
        .containsExactly(Tuple.tuple("executor-1", 1, "lease_expired"), Tuple.tuple("executor-2", 2, "succeeded"));
    assertThat(registry.find("switchboard.jobs.completed").counters()).isEmpty();
    assertThat(finished).isEmpty();
    assertThat(Await.result(new AuditChainVerifier(pool).verify("acme")).isIntact()).isTrue();
  }

  // ---------------------------------------------------------------- metrics

  @Test
  void metricsShowQueueDepthAndClaimLatency() {
    deploy(settings(1, POLL));
    long first = insertJob(pool, "acme", "hold", new JsonObject().put("n", 1));
    long second = insertJob(pool, "acme", "hold", new JsonObject().put("n", 2));
    long third = insertJob(pool, "globex", "hold", new JsonObject().put("n", 3));

    Await.until("the first job runs", () -> hold.started(first));
    Await.until("the gauge shows the two waiting jobs", () -> queueDepthGauge() == 2.0);
    Await.until("the oldest of them has waited", () -> oldestWaitingGauge() > 0.0);
    assertThat(registry.timer("switchboard.job.claim.latency").count()).isEqualTo(1);

    hold.complete(first, ActionResult.success("1"));
    Await.until("the second job runs", () -> hold.started(second));
    Await.until("the gauge shows the one waiting job", () -> queueDepthGauge() == 1.0);
    hold.complete(second, ActionResult.success("2"));
    Await.until("the third job runs", () -> hold.started(third));
    hold.complete(third, ActionResult.success("3"));
    Await.until("all three succeed", () -> count(pool, "SELECT count(*) FROM jobs WHERE status = 'succeeded'") == 3);
    Await.until("the gauge shows an empty queue", () -> queueDepthGauge() == 0.0);
    Await.until("no job waits", () -> oldestWaitingGauge() == 0.0);

    assertThat(registry.timer("switchboard.job.claim.latency").count()).isEqualTo(3);
    // The third job waited in the queue at least as long as the first job ran.
    assertThat(registry.timer("switchboard.job.claim.latency").max(TimeUnit.NANOSECONDS)).isPositive();
    Await.until("all three are recorded", () -> registry.timer("switchboard.job.run.time").count() == 3);
    assertThat(registry.summary("switchboard.job.attempts").count()).isEqualTo(3);
    assertThat(registry.counter("switchboard.jobs.completed", "status", "succeeded").count()).isEqualTo(3.0);
    assertThat(registry.timer("switchboard.job.latency", "status", "succeeded").count()).isEqualTo(3);
    assertThat(registry.counter("switchboard.jobs.retried").count()).isZero();
    assertThat(registry.counter("switchboard.jobs.lease.lost").count()).isZero();
  }

  // ---------------------------------------------------------------- shutdown

  @Test
  void undeployPutsARunningJobBackInTheQueue() {
    String deployment = deploy(new ExecutorSettings(2, POLL, HEARTBEAT, Duration.ofMillis(300)));
    long id = insertJob(pool, "acme", "hold", new JsonObject());
    wake(id);
    Await.until("the action has started", () -> hold.started(id));

    Await.result(vertx.undeploy(deployment));

    assertThat(hold.stop(id).isComplete()).as("the action was told to stop").isTrue();
    assertThat(hold.stop(id).result()).isEqualTo("the executor is shutting down");
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("queued");
    assertThat(row.leaseId()).isNull();
    assertThat(row.leaseOwner()).isNull();
    assertThat(row.leaseExpiresAt()).isNull();
    assertThat(row.error()).isNull();
    assertThat(row.finishedAt()).isNull();
    assertThat(row.attempts()).as("a shutdown is not the job's fault").isZero();
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.lease_released");
    assertThat(records.get(1).detailJson().getString("reason")).isEqualTo("executor shutting down");
    assertThat(attemptOutcomes(pool, id)).containsExactly("released");
    assertThat(count(pool, "SELECT count(*) FROM jobs WHERE status = 'failed'")).isZero();
    assertThat(finished).isEmpty();
    assertThat(registry.counter("switchboard.jobs.lease.lost").count()).as("releasing is not losing a lease").isZero();

    // Another executor runs the released job, as attempt 1 again.
    Action quick = new Action() {
      @Override
      public String type() {
        return "hold";
      }

      @Override
      public Future<ActionResult> run(ActionContext context) {
        return Future.succeededFuture(ActionResult.success("ran elsewhere on attempt " + context.attempt()));
      }
    };
    Await.result(vertx.deployVerticle(new ExecutorVerticle(new JobQueue(pool, "executor-2", queueSettings(ACTION_TIMEOUT)),
        new ActionRegistry(List.of(quick)), secrets, settings(2, POLL), registry)));
    Await.until("the job succeeds elsewhere", () -> "succeeded".equals(job(pool, id).status()));
    assertThat(job(pool, id).output()).isEqualTo("ran elsewhere on attempt 1");
    assertThat(job(pool, id).attempts()).isEqualTo(1);
    assertThat(auditTypes(pool, "acme", id))
        .containsExactly("job.started", "job.lease_released", "job.started", "job.succeeded");
    assertThat(attempts(pool, id)).extracting(AttemptRow::executor, AttemptRow::attempt, AttemptRow::outcome)
        .containsExactly(Tuple.tuple("executor-1", 1, "released"), Tuple.tuple("executor-2", 1, "succeeded"));
    assertThat(Await.result(new AuditChainVerifier(pool).verify("acme")).isIntact()).isTrue();
  }

  @Test
  void undeployLetsAJobThatEndsWithinTheGraceFinish() {
    String deployment = deploy(new ExecutorSettings(2, POLL, HEARTBEAT, Duration.ofSeconds(20)));
    long id = insertJob(pool, "acme", "hold", new JsonObject());
    wake(id);
    Await.until("the action has started", () -> hold.started(id));

    Future<Void> undeployed = vertx.undeploy(deployment);
    hold.complete(id, ActionResult.success("made it"));
    Await.result(undeployed);

    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("succeeded");
    assertThat(row.output()).isEqualTo("made it");
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.succeeded");
    assertThat(finished).containsExactly(announced("acme", id, JobStatus.SUCCEEDED));
  }

  @Test
  void undeployDuringAClaimInFlightStillPutsTheClaimedJobBack() {
    long id = insertJob(pool, "acme", "hold", new JsonObject());
    // The start-up poll first reaps expired leases (one transaction, let through), then claims (held).
    GatedPool gated = new GatedPool(pool, 1);
    JobQueue queue = new JobQueue(gated.proxy(), "executor-1", queueSettings(ACTION_TIMEOUT));
    String deployment = Await.result(vertx.deployVerticle(new ExecutorVerticle(queue, actions, secrets,
        new ExecutorSettings(2, NO_POLL, HEARTBEAT, Duration.ofMillis(300)), registry)));
    Await.until("the start-up claim is waiting at the gate", () -> gated.caller != null);
    assertThat(job(pool, id).status()).isEqualTo("queued");

    // Undeploy while that claim is in flight; the claim then goes through and takes the job.
    Future<Void> undeployed = vertx.undeploy(deployment);
    gated.caller.runOnContext(v -> gated.gate.complete());
    Await.result(undeployed);
    Await.until("the claim has finished", () -> gated.finished.get() >= 1);

    JobRow row = job(pool, id);
    assertThat(row.status()).as("the job an undeployed executor claimed").isEqualTo("queued");
    assertThat(row.leaseId()).isNull();
    assertThat(row.attempts()).isZero();
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.lease_released");
  }

  // ---------------------------------------------------------------- helpers

  /** Leases of at least a minute; quick retries (10 ms base, 50 ms cap) so retry tests run fast. */
  private static QueueSettings queueSettings(Duration actionTimeout) {
    return new QueueSettings(Duration.ofSeconds(60), Duration.ofSeconds(30), actionTimeout, Duration.ofMillis(10),
        Duration.ofMillis(50));
  }

  private static ExecutorSettings settings(int concurrency, Duration poll) {
    return new ExecutorSettings(concurrency, poll, HEARTBEAT, Duration.ofMillis(200), POLL);
  }

  private String deploy(ExecutorSettings settings) {
    return deploy(settings, ACTION_TIMEOUT);
  }

  private String deploy(ExecutorSettings settings, Duration actionTimeout) {
    JobQueue queue = new JobQueue(pool, "executor-1", queueSettings(actionTimeout));
    return Await.result(vertx.deployVerticle(new ExecutorVerticle(queue, actions, secrets, settings, registry)));
  }

  private void wake(long jobId) {
    vertx.eventBus().publish(EventBusAddresses.JOBS_WAKEUP, jobId);
  }

  private void cancel(String tenantId, long jobId, String by) {
    vertx.eventBus().publish(EventBusAddresses.JOBS_CANCEL,
        new JsonObject().put("tenantId", tenantId).put("jobId", jobId).put("by", by));
  }

  private double queueDepthGauge() {
    return registry.get("switchboard.jobs.queue.depth").gauge().value();
  }

  private double oldestWaitingGauge() {
    return registry.get("switchboard.jobs.queue.oldest.age").gauge().value();
  }

  /**
   * A pool whose transactions, after the first {@code letThrough}, wait for a gate, so a test can
   * hold a claim in flight.
   */
  static final class GatedPool {

    final Pool delegate;
    final int letThrough;
    final Promise<Void> gate = Promise.promise();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();
    volatile Context caller;

    GatedPool(Pool delegate, int letThrough) {
      this.delegate = delegate;
      this.letThrough = letThrough;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    Pool proxy() {
      return (Pool) java.lang.reflect.Proxy.newProxyInstance(Pool.class.getClassLoader(), new Class<?>[] {Pool.class},
          (proxy, method, args) -> {
            if (method.getName().equals("withTransaction") && args.length == 1
                && calls.incrementAndGet() > letThrough) {
              if (caller == null) {
                caller = Vertx.currentContext();
              }
              java.util.function.Function work = (java.util.function.Function) args[0];
              return gate.future().compose(v -> (Future) delegate.withTransaction(work))
                  .onComplete(ar -> finished.incrementAndGet());
            }
            try {
              return method.invoke(delegate, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }
  }

  /**
   * A pool whose plain prepared queries (the queue's heartbeats; claims and outcomes run in
   * transactions) can be held back, as if the executor stalled, and then let through.
   */
  static final class PausableHeartbeats {

    final Pool delegate;
    final AtomicInteger executed = new AtomicInteger();
    private final List<Runnable> held = new java.util.ArrayList<>();
    private boolean paused;

    PausableHeartbeats(Pool delegate) {
      this.delegate = delegate;
    }

    synchronized void pause() {
      paused = true;
    }

    synchronized void resume() {
      paused = false;
      held.forEach(Runnable::run);
      held.clear();
    }

    synchronized int heldBack() {
      return held.size();
    }

    private synchronized boolean holdBack(Runnable later) {
      if (paused) {
        held.add(later);
      }
      return paused;
    }

    Pool proxy() {
      return (Pool) java.lang.reflect.Proxy.newProxyInstance(Pool.class.getClassLoader(), new Class<?>[] {Pool.class},
          (proxy, method, args) -> {
            if (method.getName().equals("preparedQuery") && args.length == 1) {
              Object real = invoke(method, delegate, args);
              return java.lang.reflect.Proxy.newProxyInstance(Pool.class.getClassLoader(),
                  new Class<?>[] {io.vertx.sqlclient.PreparedQuery.class}, (query, execute, params) -> {
                    if (!execute.getName().equals("execute")) {
                      return invoke(execute, real, params);
                    }
                    Context caller = Vertx.currentContext();
                    Promise<Object> result = Promise.promise();
                    Runnable run = () -> caller.runOnContext(v -> {
                      executed.incrementAndGet();
                      try {
                        ((Future<?>) invoke(execute, real, params)).onComplete(ar -> {
                          if (ar.succeeded()) {
                            result.complete(ar.result());
                          } else {
                            result.fail(ar.cause());
                          }
                        });
                      } catch (Throwable e) {
                        result.fail(e);
                      }
                    });
                    if (!holdBack(run)) {
                      run.run();
                    }
                    return result.future();
                  });
            }
            return invoke(method, delegate, args);
          });
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (java.lang.reflect.InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  /** Never completes by itself; the test completes a held run on the context it started on. */
  static final class HoldAction implements Action {

    record Held(Context context, Promise<ActionResult> promise, ActionContext action) {
    }

    final Map<Long, Held> held = new ConcurrentHashMap<>();

    @Override
    public String type() {
      return "hold";
    }

    @Override
    public Future<ActionResult> run(ActionContext context) {
      Promise<ActionResult> promise = Promise.promise();
      held.put(context.jobId(), new Held(callersContext(), promise, context));
      return promise.future();
    }

    boolean started(long jobId) {
      return held.containsKey(jobId);
    }

    /** The stop signal the executor gave the job's (latest) run. */
    Future<String> stop(long jobId) {
      return held.get(jobId).action().stop();
    }

    void complete(long jobId, ActionResult result) {
      Held run = held.get(jobId);
      run.context().runOnContext(v -> run.promise().tryComplete(result));
    }
  }

  /**
   * Fails retryably as often as the job's {@code failures} argument says, then succeeds; notes the
   * attempt number and idempotency key of each run.
   */
  static final class FlakyAction implements Action {

    final Map<Long, List<ActionContext>> runs = new ConcurrentHashMap<>();

    @Override
    public String type() {
      return "flaky";
    }

    @Override
    public Future<ActionResult> run(ActionContext context) {
      List<ActionContext> seen = runs.computeIfAbsent(context.jobId(), id -> new CopyOnWriteArrayList<>());
      seen.add(context);
      if (seen.size() <= context.arguments().getInteger("failures")) {
        return Future.succeededFuture(ActionResult.retryableFailure("unavailable (attempt " + context.attempt() + ")"));
      }
      return Future.succeededFuture(ActionResult.success("worked on attempt " + context.attempt()));
    }

    List<Integer> attemptsSeen(long jobId) {
      return runs.getOrDefault(jobId, List.of()).stream().map(ActionContext::attempt).toList();
    }

    List<String> keysSeen(long jobId) {
      return runs.getOrDefault(jobId, List.of()).stream().map(ActionContext::idempotencyKey).toList();
    }
  }

  /**
   * The context an action was called on. Vert.x may call it on a duplicate of the executor's context
   * (as it does in the SQL client's callbacks): the same context, thread and state, so it counts as
   * the same one here.
   */
  static Context callersContext() {
    return ((ContextInternal) Vertx.currentContext()).unwrap();
  }

  /** Succeeds at once, noting the Vert.x context each run was called on. */
  static final class ContextRecordingAction implements Action {

    final Map<Long, Context> contexts = new ConcurrentHashMap<>();

    @Override
    public String type() {
      return "where";
    }

    @Override
    public Future<ActionResult> run(ActionContext context) {
      contexts.put(context.jobId(), callersContext());
      return Future.succeededFuture(ActionResult.success("here"));
    }
  }

  /** Completes its result from a thread of its own, as a blocking client library might. */
  static final class ForeignThreadAction implements Action {

    final Map<Long, Context> contexts = new ConcurrentHashMap<>();

    @Override
    public String type() {
      return "foreign";
    }

    @Override
    public Future<ActionResult> run(ActionContext context) {
      contexts.put(context.jobId(), callersContext());
      Promise<ActionResult> promise = Promise.promise();
      new Thread(() -> {
        try {
          Thread.sleep(200); // completes well after run() returned, as real work would
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        promise.complete(ActionResult.success("done on another thread"));
      }, "not-vertx").start();
      return promise.future();
    }
  }

  static final class ThrowingAction implements Action {

    @Override
    public String type() {
      return "throw";
    }

    @Override
    public Future<ActionResult> run(ActionContext context) {
      throw new IllegalStateException("boom");
    }
  }

  static final class FailingAction implements Action {

    @Override
    public String type() {
      return "fail";
    }

    @Override
    public Future<ActionResult> run(ActionContext context) {
      return Future.failedFuture(new IllegalStateException("target refused"));
    }
  }

  /** Reads a secret and puts its value into its output or error, as a careless script would. */
  static final class SecretLeakingAction implements Action {

    @Override
    public String type() {
      return "leak";
    }

    @Override
    public Future<ActionResult> run(ActionContext context) {
      return context.secrets().get(context.arguments().getString("secret")).map(value ->
          context.arguments().getBoolean("fail")
              ? ActionResult.failure("the target refused " + value)
              : ActionResult.success("token is " + value + " and again " + value));
    }
  }
}

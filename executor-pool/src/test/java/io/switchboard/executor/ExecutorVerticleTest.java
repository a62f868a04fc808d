package io.switchboard.executor;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.audit.AuditChainVerifier;
import io.switchboard.audit.AuditRecord;
import io.switchboard.audit.ChainVerification;
import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobStatus;
import io.switchboard.core.testsupport.Await;
import io.switchboard.core.testsupport.TestDatabase;
import io.switchboard.executor.ExecutorVerticle.ExecutorSettings;
import io.switchboard.executor.JobFixtures.JobRow;
import io.switchboard.executor.action.Action;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionRegistry;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.EchoAction;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static io.switchboard.executor.JobFixtures.audit;
import static io.switchboard.executor.JobFixtures.auditTypes;
import static io.switchboard.executor.JobFixtures.count;
import static io.switchboard.executor.JobFixtures.insertEcho;
import static io.switchboard.executor.JobFixtures.insertJob;
import static io.switchboard.executor.JobFixtures.job;
import static org.assertj.core.api.Assertions.assertThat;

class ExecutorVerticleTest {

  /** Long enough that only a wake-up (or the start-up round) can make the executor look for work. */
  private static final Duration NO_POLL = Duration.ofHours(1);
  private static final Duration POLL = Duration.ofMillis(100);

  private Vertx vertx;
  private DatabaseUrl url;
  private Pool pool;
  private SimpleMeterRegistry registry;
  private HoldAction hold;
  private ContextRecordingAction where;
  private ActionRegistry actions;
  private final Queue<JobFinished> finished = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    registry = new SimpleMeterRegistry();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    hold = new HoldAction();
    where = new ContextRecordingAction();
    actions = new ActionRegistry(List.of(new EchoAction(), hold, where, new ThrowingAction(), new FailingAction()));
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

  @Test
  void aWokenEchoJobSucceedsAndIsAnnounced() {
    deploy(settings(4, NO_POLL, Duration.ofSeconds(30)));
    long id = insertEcho(pool, "acme", "hello from the test");
    vertx.eventBus().publish(EventBusAddresses.JOBS_WAKEUP, id);

    Await.until("the job is announced as finished", () -> !finished.isEmpty());
    assertThat(finished).containsExactly(new JobFinished("acme", id, JobStatus.SUCCEEDED));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("succeeded");
    assertThat(row.output()).isEqualTo("hello from the test");
    assertThat(row.error()).isNull();
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.finishedAt()).isNotNull();
    assertThat(row.leaseId()).isNull();
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.succeeded");
    ChainVerification chain = Await.result(new AuditChainVerifier(pool).verify("acme"));
    assertThat(chain.isIntact()).as(chain.problem()).isTrue();
    assertThat(registry.counter("switchboard.jobs.completed", "status", "succeeded").count()).isEqualTo(1.0);
    assertThat(registry.timer("switchboard.job.run.time").count()).isEqualTo(1);
  }

  @Test
  void aJobWithoutAWakeUpIsPickedUpByPolling() {
    deploy(settings(4, POLL, Duration.ofSeconds(30)));
    long id = insertEcho(pool, "acme", "nobody woke me");

    Await.until("the job succeeds", () -> "succeeded".equals(job(pool, id).status()));
    assertThat(job(pool, id).output()).isEqualTo("nobody woke me");
    assertThat(job(pool, id).attempts()).isEqualTo(1);
    Await.until("the job is announced", () -> finished.contains(new JobFinished("acme", id, JobStatus.SUCCEEDED)));
  }

  @Test
  void aJobWhoseExecutorDiedIsRunAgainOnceItsLeaseExpires() {
    long id = insertEcho(pool, "acme", "second time lucky");
    // Another executor claimed it and died. Its lease outlives the executor's start-up claim round;
    // nothing publishes a wake-up when a lease expires, so only polling can find the job again.
    TestDatabase.execute(url, "UPDATE jobs SET status = 'running', attempts = 1, lease_id = gen_random_uuid(), "
        + "lease_owner = 'dead-executor', lease_expires_at = now() + interval '1 second', started_at = now() "
        + "WHERE id = " + id);
    deploy(settings(4, POLL, Duration.ofSeconds(30)));

    Await.until("the job succeeds", () -> "succeeded".equals(job(pool, id).status()));
    JobRow row = job(pool, id);
    assertThat(row.output()).isEqualTo("second time lucky");
    assertThat(row.attempts()).isEqualTo(2);
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.succeeded");
    assertThat(records.get(0).detailJson().getInteger("attempt")).isEqualTo(2);
  }

  @Test
  void aJobWhoseLeaseExpiredTooOftenIsFailedNotRun() {
    long id = insertEcho(pool, "acme", "kills executors");
    TestDatabase.execute(url, "UPDATE jobs SET status = 'running', attempts = " + JobQueue.MAX_ATTEMPTS
        + ", lease_id = gen_random_uuid(), lease_owner = 'dead-executor', "
        + "lease_expires_at = now() - interval '1 second', started_at = now() WHERE id = " + id);
    deploy(settings(4, POLL, Duration.ofSeconds(30)));

    Await.until("the job is announced as failed", () -> finished.contains(new JobFinished("acme", id, JobStatus.FAILED)));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.error()).contains("not retried");
    assertThat(row.output()).isNull();
    assertThat(row.attempts()).isEqualTo(JobQueue.MAX_ATTEMPTS);
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.failed");
    assertThat(registry.counter("switchboard.jobs.completed", "status", "failed").count()).isEqualTo(1.0);
  }

  @Test
  void anUnknownActionFailsWithAClearError() {
    deploy(settings(4, NO_POLL, Duration.ofSeconds(30)));
    long id = insertJob(pool, "acme", "teleport", new JsonObject().put("to", "mars"));
    wake(id);

    Await.until("the job is announced", () -> !finished.isEmpty());
    assertThat(finished).containsExactly(new JobFinished("acme", id, JobStatus.FAILED));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.error()).isEqualTo("no action of type 'teleport' is installed");
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.failed");
    assertThat(records.get(1).detailJson().getString("error")).isEqualTo("no action of type 'teleport' is installed");
  }

  @Test
  void anActionReportingFailureFailsTheJob() {
    deploy(settings(4, NO_POLL, Duration.ofSeconds(30)));
    long id = insertJob(pool, "acme", "echo", new JsonObject());
    wake(id);

    Await.until("the job fails", () -> "failed".equals(job(pool, id).status()));
    assertThat(job(pool, id).error()).isEqualTo("echo needs a 'text' argument");
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.failed");
  }

  @Test
  void anActionThatThrowsFailsItsJobAndTheExecutorKeepsWorking() {
    deploy(settings(1, NO_POLL, Duration.ofSeconds(30)));
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
        new JobFinished("acme", thrown, JobStatus.FAILED),
        new JobFinished("acme", failing, JobStatus.FAILED),
        new JobFinished("acme", echo, JobStatus.SUCCEEDED));
    assertThat(registry.counter("switchboard.jobs.completed", "status", "failed").count()).isEqualTo(2.0);
  }

  @Test
  void anActionThatNeverCompletesTimesOut() {
    deploy(settings(4, NO_POLL, Duration.ofSeconds(1)));
    long id = insertJob(pool, "acme", "hold", new JsonObject());
    wake(id);

    Await.until("the action has started", () -> hold.started(id));
    Await.until("the job fails", () -> "failed".equals(job(pool, id).status()));
    JobRow row = job(pool, id);
    assertThat(row.error()).contains("timed out").contains("1 s");
    assertThat(row.leaseId()).isNull();
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.failed");
    assertThat(records.get(1).detailJson().getString("error")).contains("timed out");
    Await.until("the job is announced", () -> finished.contains(new JobFinished("acme", id, JobStatus.FAILED)));
  }

  @Test
  void actionsRunOnTheExecutorsOwnContextEvenAfterATimeout() {
    deploy(settings(1, NO_POLL, Duration.ofSeconds(1)));
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
    deploy(settings(1, POLL, Duration.ofSeconds(30)));

    Await.until("the next job succeeds", () -> "succeeded".equals(job(pool, next).status()));
    assertThat(job(pool, foreign).status()).isEqualTo("succeeded");
    assertThat(job(pool, foreign).output()).isEqualTo("done on another thread");
    assertThat(where.contexts.get(next)).as("context the next action ran on")
        .isSameAs(foreignAction.contexts.get(foreign));
  }

  @Test
  void noMoreJobsRunAtOnceThanTheConcurrencyAllows() {
    deploy(settings(2, POLL, Duration.ofSeconds(30)));
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

  @Test
  void undeployPutsARunningJobBackInTheQueue() {
    String deployment = deploy(new ExecutorSettings(2, POLL, Duration.ofSeconds(30), Duration.ofMillis(300)));
    long id = insertJob(pool, "acme", "hold", new JsonObject());
    wake(id);
    Await.until("the action has started", () -> hold.started(id));

    Await.result(vertx.undeploy(deployment));

    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("queued");
    assertThat(row.leaseId()).isNull();
    assertThat(row.leaseOwner()).isNull();
    assertThat(row.leaseExpiresAt()).isNull();
    assertThat(row.error()).isNull();
    assertThat(row.finishedAt()).isNull();
    assertThat(row.attempts()).isEqualTo(1);
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.lease_released");
    assertThat(records.get(1).detailJson().getString("reason")).isEqualTo("executor shutting down");
    assertThat(count(pool, "SELECT count(*) FROM jobs WHERE status = 'failed'")).isZero();
    assertThat(finished).isEmpty();

    // Another executor runs the released job as its next attempt.
    Action quick = new Action() {
      @Override
      public String type() {
        return "hold";
      }

      @Override
      public Future<ActionResult> run(ActionContext context) {
        return Future.succeededFuture(ActionResult.success("ran elsewhere"));
      }
    };
    Await.result(vertx.deployVerticle(new ExecutorVerticle(new JobQueue(pool, "executor-2", Duration.ofSeconds(60)),
        new ActionRegistry(List.of(quick)), settings(2, POLL, Duration.ofSeconds(30)), registry)));
    Await.until("the job succeeds elsewhere", () -> "succeeded".equals(job(pool, id).status()));
    assertThat(job(pool, id).output()).isEqualTo("ran elsewhere");
    assertThat(job(pool, id).attempts()).isEqualTo(2);
    assertThat(auditTypes(pool, "acme", id))
        .containsExactly("job.started", "job.lease_released", "job.started", "job.succeeded");
    assertThat(Await.result(new AuditChainVerifier(pool).verify("acme")).isIntact()).isTrue();
  }

  @Test
  void undeployLetsAJobThatEndsWithinTheGraceFinish() {
    String deployment = deploy(new ExecutorSettings(2, POLL, Duration.ofSeconds(30), Duration.ofSeconds(20)));
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
    assertThat(finished).containsExactly(new JobFinished("acme", id, JobStatus.SUCCEEDED));
  }

  @Test
  void undeployDuringAClaimInFlightStillPutsTheClaimedJobBack() {
    long id = insertJob(pool, "acme", "hold", new JsonObject());
    GatedPool gated = new GatedPool(pool);
    JobQueue queue = new JobQueue(gated.proxy(), "executor-1", Duration.ofSeconds(60));
    String deployment = Await.result(vertx.deployVerticle(new ExecutorVerticle(queue, actions,
        new ExecutorSettings(2, POLL, Duration.ofSeconds(30), Duration.ofMillis(300)), registry)));
    Await.until("the start-up claim is waiting at the gate", () -> gated.caller != null);

    // Undeploy while that claim is in flight; the claim then goes through and takes the job.
    Future<Void> undeployed = vertx.undeploy(deployment);
    gated.caller.runOnContext(v -> gated.gate.complete());
    Await.result(undeployed);
    Await.until("the claim has finished", () -> gated.finished.get() >= 1);

    JobRow row = job(pool, id);
    assertThat(row.status()).as("the job an undeployed executor claimed").isEqualTo("queued");
    assertThat(row.leaseId()).isNull();
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.lease_released");
  }

  private static ExecutorSettings settings(int concurrency, Duration poll, Duration actionTimeout) {
    return new ExecutorSettings(concurrency, poll, actionTimeout, Duration.ofMillis(200));
  }

  private String deploy(ExecutorSettings settings) {
    JobQueue queue = new JobQueue(pool, "executor-1", Duration.ofSeconds(60));
    return Await.result(vertx.deployVerticle(new ExecutorVerticle(queue, actions, settings, registry)));
  }

  private void wake(long jobId) {
    vertx.eventBus().publish(EventBusAddresses.JOBS_WAKEUP, jobId);
  }

  /** A pool whose transactions wait for a gate, so a test can hold a claim in flight. */
  static final class GatedPool {

    final Pool delegate;
    final Promise<Void> gate = Promise.promise();
    final java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
    volatile Context caller;

    GatedPool(Pool delegate) {
      this.delegate = delegate;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    Pool proxy() {
      return (Pool) java.lang.reflect.Proxy.newProxyInstance(Pool.class.getClassLoader(), new Class<?>[] {Pool.class},
          (proxy, method, args) -> {
            if (method.getName().equals("withTransaction") && args.length == 1) {
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

  /** Never completes by itself; the test completes a held run on the context it started on. */
  static final class HoldAction implements Action {

    record Held(Context context, Promise<ActionResult> promise) {
    }

    final Map<Long, Held> held = new ConcurrentHashMap<>();

    @Override
    public String type() {
      return "hold";
    }

    @Override
    public Future<ActionResult> run(ActionContext context) {
      Promise<ActionResult> promise = Promise.promise();
      held.put(context.jobId(), new Held(Vertx.currentContext(), promise));
      return promise.future();
    }

    boolean started(long jobId) {
      return held.containsKey(jobId);
    }

    void complete(long jobId, ActionResult result) {
      Held run = held.get(jobId);
      run.context().runOnContext(v -> run.promise().tryComplete(result));
    }
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
      contexts.put(context.jobId(), Vertx.currentContext());
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
      contexts.put(context.jobId(), Vertx.currentContext());
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
}

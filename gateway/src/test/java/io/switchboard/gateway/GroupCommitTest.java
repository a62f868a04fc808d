package io.switchboard.gateway;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.audit.AuditChainVerifier;
import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.job.JobRules;
import io.switchboard.core.job.NewJob;
import io.switchboard.core.job.TargetLock;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link GroupCommit} against a real PostgreSQL: writes submitted together share transactions, yet
 * each answers exactly as if it had committed alone. Writes are submitted from one event loop in one
 * turn, so none can commit before the last is submitted and the batches are known in advance.
 */
@DisplayName("GroupCommit: commands' writes committed together, each answered after its commit")
class GroupCommitTest {

  private static final JsonObject ALLOWED = new JsonObject().put("outcome", "allowed");

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private DatabaseUrl url;
  private Pool pool;
  private GroupCommit commits;

  @BeforeEach
  void start() {
    url = TestDatabase.fresh();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    pool = TestDatabase.pool(vertx, url);
    commits = new GroupCommit(pool, vertx.eventBus(), new GatewayMetrics(registry));
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  private static NewJob job(String tenant, String key) {
    return job(tenant, key, JobRules.DEFAULTS);
  }

  private static NewJob job(String tenant, String key, JobRules rules) {
    return new NewJob(tenant, "slack:" + key, "slack", "U1", "C1", "echo", "/ops echo " + key, "echo",
        new JsonObject().put("text", key), new JsonObject().put("kind", "test"), rules);
  }

  /** Submits every write in one turn of an event loop and waits for all their answers. */
  private <T> List<Future<T>> inOneTurn(List<Supplier<Future<T>>> writes) {
    Promise<List<Future<T>>> submitted = Promise.promise();
    vertx.runOnContext(v -> submitted.complete(writes.stream().map(Supplier::get).toList()));
    List<Future<T>> futures = Await.result(submitted.future());
    Await.result(Future.join(futures).otherwiseEmpty());
    return futures;
  }

  private long count(String sql, Object... params) {
    return Await.result(pool.preparedQuery(sql).execute(Tuple.wrap(params))).iterator().next().getLong(0);
  }

  private double batches() {
    return registry.get("switchboard.commit.batch.size").summary().count();
  }

  @Test
  @DisplayName("300 jobs of two tenants commit in a few transactions; each is queued once with its two audit records")
  void manyJobsFewTransactions() {
    List<Supplier<Future<JobEnqueuer.Enqueued>>> writes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      NewJob job = job(i % 3 == 0 ? "globex" : "acme", "t" + i);
      writes.add(() -> commits.enqueue(new JobEnqueuer.Queued(job, ALLOWED)));
    }
    List<JobEnqueuer.Enqueued> answers = inOneTurn(writes).stream().map(Future::result).toList();

    assertThat(answers).noneMatch(JobEnqueuer.Enqueued::duplicate);
    assertThat(answers.stream().map(JobEnqueuer.Enqueued::jobId).distinct()).hasSize(300);
    assertThat(answers.subList(2, 2 + GroupCommit.MAX_BATCH).stream().map(JobEnqueuer.Enqueued::jobId).toList())
        .as("within a batch, ids ascend in the order the commands came").isSorted();
    assertThat(count("SELECT count(*) FROM jobs WHERE status = 'queued'")).isEqualTo(300);
    assertThat(count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme'")).isEqualTo(400);
    assertThat(count("SELECT count(*) FROM audit_events WHERE tenant_id = 'globex'")).isEqualTo(200);
    assertThat(batches()).isLessThanOrEqualTo(4);
    for (String tenant : List.of("acme", "globex")) {
      assertThat(Await.result(new AuditChainVerifier(pool).verify(tenant)).isIntact()).isTrue();
    }
  }

  @Test
  @DisplayName("a delivery repeated in the same batch, or after it, makes no second job and answers with the first's id")
  void duplicatesInAndAcrossBatches() {
    List<Supplier<Future<JobEnqueuer.Enqueued>>> writes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      NewJob job = job("acme", "same");
      writes.add(() -> commits.enqueue(new JobEnqueuer.Queued(job, ALLOWED)));
    }
    List<JobEnqueuer.Enqueued> answers = inOneTurn(writes).stream().map(Future::result).toList();
    JobEnqueuer.Enqueued later = Await.result(commits.enqueue(new JobEnqueuer.Queued(job("acme", "same"), ALLOWED)));

    assertThat(answers).filteredOn(a -> !a.duplicate()).hasSize(1);
    long id = answers.stream().filter(a -> !a.duplicate()).findFirst().orElseThrow().jobId();
    assertThat(answers).allSatisfy(a -> assertThat(a.jobId()).isEqualTo(id));
    assertThat(later).isEqualTo(new JobEnqueuer.Enqueued(id, true));
    assertThat(count("SELECT count(*) FROM jobs")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM audit_events")).isEqualTo(2);
  }

  @Test
  @DisplayName("a write that cannot commit fails alone; the rest of its batch commits and the chain stays intact")
  void badWriteFailsAlone() {
    List<Supplier<Future<JobEnqueuer.Enqueued>>> writes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      NewJob job = job(i == 13 ? "no-such-tenant" : "acme", "t" + i);
      writes.add(() -> commits.enqueue(new JobEnqueuer.Queued(job, ALLOWED)));
    }
    List<Future<JobEnqueuer.Enqueued>> answers = inOneTurn(writes);

    assertThat(answers.get(13).failed()).isTrue();
    assertThat(answers).filteredOn(Future::succeeded).hasSize(19);
    assertThat(count("SELECT count(*) FROM jobs")).isEqualTo(19);
    assertThat(count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme'")).isEqualTo(38);
    assertThat(Await.result(new AuditChainVerifier(pool).verify("acme")).isIntact()).isTrue();
  }

  @Test
  @DisplayName("refusals share a batch with jobs; a job waits for an earlier job of its batch whose lock overlaps its own")
  void refusalsAndLocksInOneBatch() {
    JobRules locked = new JobRules(Optional.of(Duration.ofMinutes(1)), Optional.empty(),
        Optional.of(new TargetLock(Optional.of("production"), List.of("api"))));
    JobRules overlapping = new JobRules(Optional.empty(), Optional.empty(),
        Optional.of(new TargetLock(Optional.of("production"), List.of("web", "api"))));
    List<Supplier<Future<Object>>> writes = new ArrayList<>();
    writes.add(() -> commits.enqueue(new JobEnqueuer.Queued(job("acme", "alone-1"), ALLOWED)).map(e -> e));
    writes.add(() -> commits.enqueue(new JobEnqueuer.Queued(job("acme", "alone-2"), ALLOWED)).map(e -> e));
    writes.add(() -> commits.enqueue(new JobEnqueuer.Queued(job("acme", "first", locked), ALLOWED)).map(e -> e));
    writes.add(() -> commits.audit(AuditEvent.of("acme", AuditEventType.COMMAND_REFUSED, "U2", null,
        new JsonObject().put("reason", "denied"))).map(v -> "refused"));
    writes.add(() -> commits.enqueue(new JobEnqueuer.Queued(job("acme", "second", overlapping), ALLOWED)).map(e -> e));
    List<Object> answers = inOneTurn(writes).stream().map(Future::result).toList();

    JobEnqueuer.Enqueued first = (JobEnqueuer.Enqueued) answers.get(2);
    JobEnqueuer.Enqueued second = (JobEnqueuer.Enqueued) answers.get(4);
    assertThat(answers.get(3)).isEqualTo("refused");
    assertThat(first.waitsFor()).isEmpty();
    assertThat(second.waitsFor()).hasValueSatisfying(holder -> assertThat(holder.id()).isEqualTo(first.jobId()));
    assertThat(count("SELECT count(*) FROM audit_events WHERE event_type = 'command.refused'")).isEqualTo(1);
    assertThat(batches()).as("two writes alone, then the three that came while they ran").isEqualTo(3);
    assertThat(Await.result(new AuditChainVerifier(pool).verify("acme")).isIntact()).isTrue();
  }
}

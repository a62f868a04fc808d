package io.switchboard.jobs;

import io.switchboard.audit.AuditChainVerifier;
import io.switchboard.audit.AuditRecord;
import io.switchboard.audit.ChainVerification;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobStatus;
import io.switchboard.jobs.JobFixtures.AttemptRow;
import io.switchboard.jobs.JobFixtures.JobRow;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.switchboard.jobs.JobFixtures.announced;
import static io.switchboard.jobs.JobFixtures.attemptOutcomes;
import static io.switchboard.jobs.JobFixtures.attempts;
import static io.switchboard.jobs.JobFixtures.audit;
import static io.switchboard.jobs.JobFixtures.auditTypes;
import static io.switchboard.jobs.JobFixtures.count;
import static io.switchboard.jobs.JobFixtures.holds;
import static io.switchboard.jobs.JobFixtures.insertEcho;
import static io.switchboard.jobs.JobFixtures.insertLocked;
import static io.switchboard.jobs.JobFixtures.job;
import static org.assertj.core.api.Assertions.assertThat;

class JobQueueTest {

  /** Jobs without their own timeout get 10 s and a 30 s lease (a margin of 20 s over the timeout). */
  private static final QueueSettings SETTINGS = QueueSettings.of(Duration.ofSeconds(30), Duration.ofSeconds(10));
  /** Leases that are gone almost at once, for executors that "die". */
  private static final QueueSettings TINY_LEASE = new QueueSettings(Duration.ofMillis(1), Duration.ZERO,
      Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(50));

  private Vertx vertx;
  private DatabaseUrl url;
  private Pool pool;
  private AuditChainVerifier verifier;
  private JobQueue queue;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    verifier = new AuditChainVerifier(pool);
    queue = new JobQueue(pool, "executor-a", SETTINGS);
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  // ---------------------------------------------------------------- statements cached across a migration

  @Test
  void aColumnAddedWhileStatementsAreCachedBreaksNoClaimOrRead() {
    Pool single = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(url.connectOptions())
        .using(vertx).build();
    JobQueue onOneConnection = new JobQueue(single, "executor-a", SETTINGS);
    long first = insertEcho(pool, "acme", "before");
    assertThat(Await.result(onOneConnection.claim(1))).extracting(ClaimedJob::id).containsExactly(first);
    assertThat(Await.result(JobStore.find(single, "acme", first))).isPresent();

    TestDatabase.execute(url, "ALTER TABLE jobs ADD COLUMN added_by_a_later_migration text");
    long second = insertEcho(pool, "acme", "after");

    assertThat(Await.result(onOneConnection.claim(1))).extracting(ClaimedJob::id).containsExactly(second);
    assertThat(Await.result(JobStore.find(single, "acme", second)).orElseThrow().id()).isEqualTo(second);
  }

  // ---------------------------------------------------------------- claiming

  @Test
  void claimTakesQueuedJobsOldestFirstUnderALease() {
    long newer = insertEcho(pool, "acme", "newer");
    long older = insertEcho(pool, "acme", "older");
    long oldest = insertEcho(pool, "acme", "oldest");
    // Ids follow insertion order; created_at says otherwise, and created_at is what counts.
    TestDatabase.execute(url, "UPDATE jobs SET created_at = now() - interval '1 minute', run_after = now() - interval '1 minute'"
        + " WHERE id = " + older);
    TestDatabase.execute(url, "UPDATE jobs SET created_at = now() - interval '2 minutes', run_after = now() - interval '2 minutes'"
        + " WHERE id = " + oldest);

    List<ClaimedJob> first = Await.result(queue.claim(2));
    assertThat(first).extracting(ClaimedJob::id).containsExactly(oldest, older);
    List<ClaimedJob> second = Await.result(queue.claim(5));
    assertThat(second).extracting(ClaimedJob::id).containsExactly(newer);
    assertThat(Await.result(queue.claim(5))).isEmpty();

    for (ClaimedJob claimed : List.of(first.get(0), first.get(1), second.get(0))) {
      JobRow row = job(pool, claimed.id());
      assertThat(row.status()).isEqualTo("running");
      assertThat(row.attempts()).isEqualTo(1);
      assertThat(row.leaseId()).isNotNull().isEqualTo(claimed.leaseId());
      assertThat(row.leaseOwner()).isEqualTo("executor-a");
      assertThat(row.leaseExpiresAt()).isNotNull();
      assertThat(row.heartbeatAt()).isNotNull();
      assertThat(row.startedAt()).isNotNull();
      assertThat(row.finishedAt()).isNull();
      assertThat(claimed.job().status()).isEqualTo(JobStatus.RUNNING);
      assertThat(claimed.attempt()).isEqualTo(1);
      assertThat(claimed.maxAttempts()).isEqualTo(JobQueue.DEFAULT_MAX_ATTEMPTS);
      assertThat(claimed.timeout()).isEqualTo(Duration.ofSeconds(10));
      assertThat(claimed.waited()).isGreaterThanOrEqualTo(Duration.ZERO);
      assertThat(claimed.idempotencyKey()).startsWith("key-");
      assertThat(claimed.tenantId()).isEqualTo("acme");

      // A running attempt is the job's lease and start; its job_attempts row is written when it ends.
      assertThat(holds(pool, "SELECT attempt_started_at IS NOT NULL FROM jobs WHERE id = " + claimed.id())).isTrue();
      assertThat(attempts(pool, claimed.id())).isEmpty();
    }
    assertThat(first.get(0).leaseId()).isNotEqualTo(first.get(1).leaseId());
    assertThat(first.get(0).job().arguments().getString("text")).isEqualTo("oldest");
    // The oldest job waited (at least) the two minutes its created_at says.
    assertThat(first.get(0).waited()).isGreaterThanOrEqualTo(Duration.ofMinutes(2));

    for (long id : List.of(oldest, older, newer)) {
      List<AuditRecord> records = audit(pool, "acme", id);
      assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started");
      assertThat(records.get(0).actor()).isEqualTo("executor:executor-a");
      assertThat(records.get(0).detailJson().getInteger("attempt")).isEqualTo(1);
    }
    ChainVerification chain = Await.result(verifier.verify("acme"));
    assertThat(chain.isIntact()).as(chain.problem()).isTrue();
    assertThat(chain.recordsChecked()).isEqualTo(3);
  }

  @Test
  void aClaimsLeaseOutlivesTheJobsOwnTimeout() {
    long plain = insertEcho(pool, "acme", "default timeout");
    long slow = insertEcho(pool, "acme", "slow");
    TestDatabase.execute(url, "UPDATE jobs SET timeout_ms = 120000, max_attempts = 5 WHERE id = " + slow);

    Map<Long, ClaimedJob> claimed = Await.result(queue.claim(2)).stream()
        .collect(Collectors.toMap(ClaimedJob::id, Function.identity()));
    assertThat(claimed).containsOnlyKeys(plain, slow);

    // No timeout of its own: the default (10 s); the lease is max(30 s, 10 s + 20 s margin) = 30 s.
    assertThat(claimed.get(plain).timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(claimed.get(plain).maxAttempts()).isEqualTo(3);
    assertThat(holds(pool, "SELECT lease_expires_at BETWEEN now() + interval '25 seconds' AND now() + interval '31 seconds'"
        + " FROM jobs WHERE id = " + plain)).as("lease of the default-timeout job is about 30 s").isTrue();
    // Its own two minutes: the lease outlives it by the margin, 120 s + 20 s.
    assertThat(claimed.get(slow).timeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(claimed.get(slow).maxAttempts()).isEqualTo(5);
    assertThat(holds(pool, "SELECT lease_expires_at BETWEEN now() + interval '135 seconds' AND now() + interval '141 seconds'"
        + " FROM jobs WHERE id = " + slow)).as("lease of the 2-minute job is about 140 s").isTrue();
  }

  @Test
  void claimLeavesJobsThatAreNotRunnableAlone() {
    long done = insertEcho(pool, "acme", "done");
    long leased = insertEcho(pool, "acme", "leased");
    long later = insertEcho(pool, "acme", "backing off");
    TestDatabase.execute(url, "UPDATE jobs SET status = 'succeeded', finished_at = now() WHERE id = " + done);
    TestDatabase.execute(url, "UPDATE jobs SET run_after = now() + interval '1 hour' WHERE id = " + later);
    ClaimedJob held = Await.result(new JobQueue(pool, "executor-b", SETTINGS).claim(1)).get(0);
    assertThat(held.id()).isEqualTo(leased);

    assertThat(Await.result(queue.claim(10))).isEmpty();
    assertThat(job(pool, done).status()).isEqualTo("succeeded");
    assertThat(job(pool, leased).leaseOwner()).isEqualTo("executor-b");
    assertThat(job(pool, leased).attempts()).isEqualTo(1);
    assertThat(job(pool, later).status()).isEqualTo("queued");
    assertThat(job(pool, later).attempts()).isZero();
  }

  @Test
  void expiredLeasesAreNotClaimedAgainUntilReaped() {
    long id = insertEcho(pool, "acme", "hi");
    ClaimedJob lost = Await.result(new JobQueue(pool, "executor-dying", TINY_LEASE).claim(1)).get(0);
    Await.until("the lease has expired", () -> JobFixtures.leaseExpired(pool, id));

    assertThat(Await.result(queue.claim(10))).as("claim does not take expired leases itself").isEmpty();
    assertThat(job(pool, id).leaseId()).isEqualTo(lost.leaseId());

    assertThat(Await.result(queue.reapExpiredLeases())).as("a job with attempts left is not failed").isEmpty();
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("queued");
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.leaseId()).isNull();
    assertThat(row.leaseOwner()).isNull();
    assertThat(row.leaseExpiresAt()).isNull();
    assertThat(row.finishedAt()).isNull();
    assertThat(attempts(pool, id)).singleElement().satisfies(attempt -> {
      assertThat(attempt.outcome()).isEqualTo("lease_expired");
      assertThat(attempt.endedAt()).isNotNull();
      assertThat(attempt.error()).isEqualTo("lease expired");
    });
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.lease_expired");
    assertThat(records.get(1).actor()).isEqualTo("executor:executor-a");
    assertThat(records.get(1).detailJson().getInteger("attempt")).isEqualTo(1);

    ClaimedJob again = Await.result(queue.claim(10)).get(0);
    assertThat(again.id()).isEqualTo(id);
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(Await.result(verifier.verify("acme")).isIntact()).isTrue();
  }

  @Test
  void racingClaimsNeverHandOutTheSameJob() {
    TestDatabase.execute(url, "UPDATE tenants SET max_running_jobs = 1000");
    for (int round = 0; round < 5; round++) {
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        ids.add(insertEcho(pool, i % 2 == 0 ? "acme" : "globex", "job " + round + "-" + i));
      }
      JobQueue a = new JobQueue(pool, "executor-a", SETTINGS);
      JobQueue b = new JobQueue(pool, "executor-b", SETTINGS);
      Future<List<ClaimedJob>> claimA = a.claim(10);
      Future<List<ClaimedJob>> claimB = b.claim(10);
      bothSettled(claimA, claimB);
      assertThat(claimA.succeeded()).as("claim A: %s", claimA.cause()).isTrue();
      assertThat(claimB.succeeded()).as("claim B: %s", claimB.cause()).isTrue();

      Set<Long> byA = new HashSet<>(claimA.result().stream().map(ClaimedJob::id).toList());
      Set<Long> byB = new HashSet<>(claimB.result().stream().map(ClaimedJob::id).toList());
      assertThat(byA.size()).isEqualTo(claimA.result().size());
      assertThat(byB.size()).isEqualTo(claimB.result().size());
      Set<Long> both = new HashSet<>(byA);
      both.retainAll(byB);
      assertThat(both).as("jobs handed to both executors").isEmpty();
      Set<Long> union = new HashSet<>(byA);
      union.addAll(byB);
      assertThat(union).containsExactlyInAnyOrderElementsOf(ids);

      for (long id : byA) {
        assertThat(job(pool, id).leaseOwner()).isEqualTo("executor-a");
        assertThat(job(pool, id).attempts()).isEqualTo(1);
      }
      for (long id : byB) {
        assertThat(job(pool, id).leaseOwner()).isEqualTo("executor-b");
        assertThat(job(pool, id).attempts()).isEqualTo(1);
      }
    }
    for (String tenant : List.of("acme", "globex")) {
      ChainVerification chain = Await.result(verifier.verify(tenant));
      assertThat(chain.isIntact()).as(chain.problem()).isTrue();
      assertThat(chain.recordsChecked()).isEqualTo(25);
    }
  }

  @Test
  void racingClaimsOverSeveralTenantsBothSucceed() {
    TestDatabase.execute(url, "UPDATE tenants SET max_running_jobs = 1000");
    // Jobs queued as acme, globex, globex, acme: a claim of two takes one job of each tenant, and so
    // writes to both tenants' audit chains in one transaction. A claimer skips the tenants another
    // claimer is serving, so one of the two may get nothing; a third claim takes what is left.
    for (int round = 0; round < 20; round++) {
      long a1 = insertEcho(pool, "acme", "a1-" + round);
      long g1 = insertEcho(pool, "globex", "g1-" + round);
      long g2 = insertEcho(pool, "globex", "g2-" + round);
      long a2 = insertEcho(pool, "acme", "a2-" + round);
      Future<List<ClaimedJob>> claimA = new JobQueue(pool, "executor-a", SETTINGS).claim(2);
      Future<List<ClaimedJob>> claimB = new JobQueue(pool, "executor-b", SETTINGS).claim(2);
      bothSettled(claimA, claimB);
      assertThat(claimA.succeeded()).as("round %d, claim A: %s", round, claimA.cause()).isTrue();
      assertThat(claimB.succeeded()).as("round %d, claim B: %s", round, claimB.cause()).isTrue();
      List<Long> racing = new ArrayList<>();
      claimA.result().forEach(job -> racing.add(job.id()));
      claimB.result().forEach(job -> racing.add(job.id()));
      assertThat(racing).as("round %d", round).doesNotHaveDuplicates().contains(a1, g1);
      List<Long> rest = Await.result(queue.claim(10)).stream().map(ClaimedJob::id).toList();
      List<Long> all = new ArrayList<>(racing);
      all.addAll(rest);
      assertThat(all).as("round %d", round).containsExactlyInAnyOrder(a1, g1, g2, a2);
    }
    for (String tenant : List.of("acme", "globex")) {
      ChainVerification chain = Await.result(verifier.verify(tenant));
      assertThat(chain.isIntact()).as(chain.problem()).isTrue();
      assertThat(chain.recordsChecked()).isEqualTo(40);
    }
  }

  // ---------------------------------------------------------------- fairness and caps

  @Test
  void aSmallTenantIsNotStarvedByABigBacklog() {
    List<Long> backlog = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      backlog.add(insertEcho(pool, "acme", "bulk " + i));
    }
    long small = insertEcho(pool, "globex", "just one");
    TestDatabase.execute(url, "UPDATE jobs SET created_at = now() - interval '1 hour' WHERE tenant_id = 'acme'");

    List<ClaimedJob> claimed = Await.result(queue.claim(4));

    assertThat(claimed).extracting(ClaimedJob::id).contains(small).hasSize(4);
    assertThat(claimed).extracting(ClaimedJob::id).filteredOn(id -> id != small)
        .containsExactlyInAnyOrderElementsOf(backlog.subList(0, 3));
    assertThat(count(pool, "SELECT count(*) FROM jobs WHERE status = 'queued'")).isEqualTo(47);
  }

  @Test
  void claimsGoRoundRobinOverTenants() {
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('initech', 'Initech')");
    TestDatabase.execute(url, "UPDATE tenants SET max_running_jobs = 100");
    Map<String, List<Long>> queued = new java.util.LinkedHashMap<>();
    // Each tenant's jobs are all older than the next tenant's: oldest-first alone would serve acme only.
    for (String tenant : List.of("acme", "globex", "initech")) {
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(insertEcho(pool, tenant, tenant + " " + i));
      }
      queued.put(tenant, ids);
    }

    // Three jobs: the first turn, each tenant's oldest.
    List<ClaimedJob> first = Await.result(queue.claim(3));
    assertThat(first).extracting(ClaimedJob::id).containsExactlyInAnyOrder(
        queued.get("acme").get(0), queued.get("globex").get(0), queued.get("initech").get(0));

    // Ten more: three whole turns (each tenant's next three, oldest first) and acme's next, acme's
    // being the oldest job of the fourth turn.
    List<ClaimedJob> next = Await.result(queue.claim(10));
    Map<String, List<Long>> byTenant = next.stream().collect(Collectors.groupingBy(ClaimedJob::tenantId,
        Collectors.mapping(ClaimedJob::id, Collectors.toList())));
    assertThat(byTenant.get("acme")).containsExactlyInAnyOrderElementsOf(queued.get("acme").subList(1, 5));
    assertThat(byTenant.get("globex")).containsExactlyInAnyOrderElementsOf(queued.get("globex").subList(1, 4));
    assertThat(byTenant.get("initech")).containsExactlyInAnyOrderElementsOf(queued.get("initech").subList(1, 4));

    assertThat(Await.result(queue.claim(10))).extracting(ClaimedJob::id)
        .containsExactlyInAnyOrder(queued.get("globex").get(4), queued.get("initech").get(4));
  }

  @Test
  void aTenantsCapHoldsAcrossExecutors() {
    TestDatabase.execute(url, "UPDATE tenants SET max_running_jobs = 2 WHERE id = 'acme'");
    for (int i = 0; i < 5; i++) {
      insertEcho(pool, "acme", "job " + i);
    }
    JobQueue other = new JobQueue(pool, "executor-b", SETTINGS);

    List<ClaimedJob> byA = Await.result(queue.claim(10));
    List<ClaimedJob> byB = Await.result(other.claim(10));
    assertThat(byA).hasSize(2);
    assertThat(byB).as("acme already runs two jobs, on the other executor").isEmpty();
    assertThat(count(pool, "SELECT count(*) FROM jobs WHERE status = 'running'")).isEqualTo(2);

    // One ends: one more may start, and no more than that.
    assertThat(Await.result(queue.finish(byA.get(0), AttemptResult.success("done"))).notification()).isPresent();
    assertThat(Await.result(other.claim(10))).hasSize(1);
    assertThat(Await.result(other.claim(10))).isEmpty();
    assertThat(Await.result(queue.claim(10))).isEmpty();
    assertThat(count(pool, "SELECT count(*) FROM jobs WHERE status = 'running'")).isEqualTo(2);
    assertThat(count(pool, "SELECT count(*) FROM jobs WHERE status = 'queued'")).isEqualTo(2);
  }

  @Test
  void racingClaimersNeverExceedATenantsCap() {
    TestDatabase.execute(url, "UPDATE tenants SET max_running_jobs = 2 WHERE id = 'acme'");
    TestDatabase.execute(url, "UPDATE tenants SET max_running_jobs = 3 WHERE id = 'globex'");
    JobQueue a = new JobQueue(pool, "executor-a", SETTINGS);
    JobQueue b = new JobQueue(pool, "executor-b", SETTINGS);
    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < 5; i++) {
        insertEcho(pool, "acme", "a" + round + "-" + i);
        insertEcho(pool, "globex", "g" + round + "-" + i);
      }
      Future<List<ClaimedJob>> claimA = a.claim(10);
      Future<List<ClaimedJob>> claimB = b.claim(10);
      bothSettled(claimA, claimB);
      assertThat(claimA.succeeded()).as("round %d, claim A: %s", round, claimA.cause()).isTrue();
      assertThat(claimB.succeeded()).as("round %d, claim B: %s", round, claimB.cause()).isTrue();

      List<ClaimedJob> claimed = new ArrayList<>(claimA.result());
      claimed.addAll(claimB.result());
      Map<String, Long> perTenant = claimed.stream().collect(Collectors.groupingBy(ClaimedJob::tenantId, Collectors.counting()));
      assertThat(perTenant).as("round %d: jobs claimed per tenant", round).isEqualTo(Map.of("acme", 2L, "globex", 3L));
      assertThat(count(pool, "SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND status = 'running'")).isEqualTo(2);
      assertThat(count(pool, "SELECT count(*) FROM jobs WHERE tenant_id = 'globex' AND status = 'running'")).isEqualTo(3);

      for (ClaimedJob job : claimA.result()) {
        assertThat(Await.result(a.finish(job, AttemptResult.success("ok"))).notification()).isPresent();
      }
      for (ClaimedJob job : claimB.result()) {
        assertThat(Await.result(b.finish(job, AttemptResult.success("ok"))).notification()).isPresent();
      }
    }
    for (String tenant : List.of("acme", "globex")) {
      ChainVerification chain = Await.result(verifier.verify(tenant));
      assertThat(chain.isIntact()).as(chain.problem()).isTrue();
    }
  }

  @Test
  void progressIsWrittenOnlyUnderTheAttemptsLease() {
    long id = insertEcho(pool, "acme", "slow");
    ClaimedJob claimed = Await.result(queue.claim(1)).get(0);

    assertThat(Await.result(queue.progress(claimed, "halfway"))).isTrue();
    Await.result(queue.finish(claimed, AttemptResult.success("done")));

    assertThat(Await.result(queue.progress(claimed, "too late"))).isFalse();
    assertThat(count(pool, "SELECT count(*) FROM jobs WHERE progress = 'halfway' AND progress_at IS NOT NULL "
        + "AND id = " + id)).isEqualTo(1);
  }

  @Test
  void jobsHoldingTheSameTargetLockRunOneAtATimeInOrder() {
    long firstDeploy = insertLocked(pool, "acme", "production/api", "first");
    long secondDeploy = insertLocked(pool, "acme", "production/api", "second");
    long otherTarget = insertLocked(pool, "acme", "production/web", "other");
    long globexSameKey = insertLocked(pool, "globex", "production/api", "another tenant");
    long unlocked = insertEcho(pool, "acme", "no lock");

    List<ClaimedJob> first = Await.result(queue.claim(10));
    assertThat(first).extracting(ClaimedJob::id)
        .containsExactlyInAnyOrder(firstDeploy, otherTarget, globexSameKey, unlocked);
    assertThat(Await.result(queue.claim(10))).as("the second deploy waits while the first runs").isEmpty();

    ClaimedJob running = first.stream().filter(j -> j.id() == firstDeploy).findFirst().orElseThrow();
    Await.result(queue.finish(running, AttemptResult.success("done")));

    assertThat(Await.result(queue.claim(10))).extracting(ClaimedJob::id).containsExactly(secondDeploy);
  }

  @Test
  void jobsWhoseTargetsOverlapRunOneAtATimeInOrder() {
    long api = insertLocked(pool, "acme", "production/api", "api");
    long apiAndWeb = insertLocked(pool, "acme", "production/api,web", "api and web");
    long web = insertLocked(pool, "acme", "production/web", "web, behind api and web");
    long stagingApi = insertLocked(pool, "acme", "staging/api,web", "another environment");

    assertThat(Await.result(queue.claim(10))).as("api,web shares api with the first deploy")
        .extracting(ClaimedJob::id).containsExactlyInAnyOrder(api, stagingApi);
    finish(api);
    assertThat(Await.result(queue.claim(10))).extracting(ClaimedJob::id).containsExactly(apiAndWeb);
    finish(apiAndWeb);
    assertThat(Await.result(queue.claim(10))).extracting(ClaimedJob::id).containsExactly(web);
  }

  @Test
  void aJobOnAWholeEnvironmentWaitsForItsTargetsAndTheyWaitForIt() {
    long api = insertLocked(pool, "acme", "production/api", "api");
    long web = insertLocked(pool, "acme", "production/web", "web");
    long restart = insertLocked(pool, "acme", "production", "the whole environment");
    long later = insertLocked(pool, "acme", "production/db", "after the whole environment");
    long otherEnvironment = insertLocked(pool, "acme", "staging", "another environment");
    long otherTenant = insertLocked(pool, "globex", "production", "another tenant's whole environment");

    assertThat(Await.result(queue.claim(10))).as("two targets run side by side; the environment waits")
        .extracting(ClaimedJob::id).containsExactlyInAnyOrder(api, web, otherEnvironment, otherTenant);
    finish(api);
    assertThat(Await.result(queue.claim(10))).as("web still runs").isEmpty();
    finish(web);
    assertThat(Await.result(queue.claim(10))).extracting(ClaimedJob::id).containsExactly(restart);
    assertThat(Await.result(queue.claim(10))).as("a target waits while the whole environment is held").isEmpty();
    finish(restart);
    assertThat(Await.result(queue.claim(10))).extracting(ClaimedJob::id).containsExactly(later);
  }

  @Test
  void aJobWaitsForALaterJobThatRunsBecauseItsInsertCommittedFirst() {
    long earlierId = insertLocked(pool, "acme", "production/api", "committed last");
    long laterId = insertLocked(pool, "acme", "production/api,web", "claimed first");
    TestDatabase.execute(url, "UPDATE jobs SET status = 'running', attempts = 1 WHERE id = " + laterId);

    assertThat(Await.result(queue.claim(10))).as("a running job holds its targets, whatever its id").isEmpty();
    assertThat(job(pool, earlierId).status()).isEqualTo("queued");
  }

  @Test
  void aJobLetsGoOfItsTargetsWhenItEndsNotWhenItIsRetried() {
    long deploy = insertLocked(pool, "acme", "production/api,web", "deploy");
    assertThat(count(pool, "SELECT count(*) FROM job_locks WHERE job_id = " + deploy))
        .as("a claim per target and a shared one on the environment").isEqualTo(3);
    Await.result(queue.finish(Await.result(queue.claim(1)).get(0), AttemptResult.retryableFailure("flaky")));
    assertThat(job(pool, deploy).status()).isEqualTo("queued");
    assertThat(count(pool, "SELECT count(*) FROM job_locks WHERE job_id = " + deploy)).isEqualTo(3);

    TestDatabase.execute(url, "UPDATE jobs SET run_after = now() WHERE id = " + deploy);
    Await.result(queue.finish(Await.result(queue.claim(1)).get(0), AttemptResult.success("deployed")));
    assertThat(job(pool, deploy).status()).isEqualTo("succeeded");
    assertThat(count(pool, "SELECT count(*) FROM job_locks WHERE job_id = " + deploy)).isZero();
  }

  private void finish(long id) {
    TestDatabase.execute(url, "UPDATE jobs SET status = 'succeeded', finished_at = now() WHERE id = " + id);
  }

  @Test
  void aLaterJobDoesNotOvertakeAnEarlierOneWithTheSameLockThatWaitsForItsBackOff() {
    long earlier = insertLocked(pool, "acme", "staging/api", "earlier");
    long later = insertLocked(pool, "acme", "staging/api", "later");
    TestDatabase.execute(url, "UPDATE jobs SET run_after = now() + interval '1 hour' WHERE id = " + earlier);

    assertThat(Await.result(queue.claim(10))).isEmpty();
    assertThat(job(pool, later).status()).isEqualTo("queued");
  }

  // ---------------------------------------------------------------- recording outcomes

  @Test
  void finishRecordsSuccessWithTheLease() {
    long id = insertEcho(pool, "acme", "hi");
    ClaimedJob claimed = Await.result(queue.claim(1)).get(0);

    RecordedOutcome outcome = Await.result(queue.finish(claimed, AttemptResult.success("hi")));

    assertThat(outcome).isEqualTo(new RecordedOutcome.Final(announced("acme", id, JobStatus.SUCCEEDED)));
    assertThat(outcome.notification()).contains(announced("acme", id, JobStatus.SUCCEEDED));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("succeeded");
    assertThat(row.output()).isEqualTo("hi");
    assertThat(row.error()).isNull();
    assertThat(row.finishedAt()).isNotNull();
    assertThat(row.leaseId()).isNull();
    assertThat(row.leaseOwner()).isNull();
    assertThat(row.leaseExpiresAt()).isNull();
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.succeeded");
    assertThat(records.get(1).detailJson().getInteger("attempt")).isEqualTo(1);
    assertThat(records.get(1).detailJson().containsKey("error")).isFalse();
    assertThat(attempts(pool, id)).singleElement().satisfies(attempt -> {
      assertThat(attempt.outcome()).isEqualTo("succeeded");
      assertThat(attempt.endedAt()).isNotNull();
      assertThat(attempt.error()).isNull();
    });
    assertThat(Await.result(verifier.verify("acme")).isIntact()).isTrue();

    // A second finish of the same attempt changes nothing: the lease is gone.
    assertThat(Await.result(queue.finish(claimed, AttemptResult.failure("late")))).isInstanceOf(RecordedOutcome.LeaseLost.class);
    assertThat(Await.result(queue.finish(claimed, AttemptResult.failure("late"))).notification()).isEmpty();
    assertThat(job(pool, id).status()).isEqualTo("succeeded");
    assertThat(job(pool, id).error()).isNull();
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.succeeded");
    assertThat(attemptOutcomes(pool, id)).containsExactly("succeeded");
  }

  @Test
  void finishRecordsFailureWithItsError() {
    long id = insertEcho(pool, "acme", "hi");
    ClaimedJob claimed = Await.result(queue.claim(1)).get(0);

    RecordedOutcome outcome = Await.result(queue.finish(claimed, AttemptResult.failure("target refused")));

    // Not retryable: final at once, though the job had attempts left.
    assertThat(outcome.notification()).contains(announced("acme", id, JobStatus.FAILED));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.error()).isEqualTo("target refused");
    assertThat(row.output()).isNull();
    assertThat(row.finishedAt()).isNotNull();
    assertThat(row.attempts()).isEqualTo(1);
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.failed");
    assertThat(records.get(1).detailJson().getString("error")).isEqualTo("target refused");
    assertThat(attempts(pool, id)).singleElement().satisfies(attempt -> {
      assertThat(attempt.outcome()).isEqualTo("failed");
      assertThat(attempt.error()).isEqualTo("target refused");
    });
    assertThat(Await.result(verifier.verify("acme")).isIntact()).isTrue();
  }

  @Test
  void aTimedOutAttemptFailsTheJobAndSaysSo() {
    long id = insertEcho(pool, "acme", "hi");
    ClaimedJob claimed = Await.result(queue.claim(1)).get(0);

    RecordedOutcome outcome = Await.result(queue.finish(claimed, AttemptResult.timedOut("timed out after 10 s")));

    assertThat(outcome.notification()).contains(announced("acme", id, JobStatus.FAILED));
    assertThat(job(pool, id).status()).isEqualTo("failed");
    assertThat(job(pool, id).error()).isEqualTo("timed out after 10 s");
    assertThat(attemptOutcomes(pool, id)).containsExactly("timed_out");
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.failed");
  }

  @Test
  void aRetryableFailureQueuesTheJobAgainAfterABackOff() {
    // Back-off between 5 s and 10 s: long enough that nothing claims the job by accident.
    QueueSettings slowRetries = new QueueSettings(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10),
        Duration.ofSeconds(10), Duration.ofSeconds(10));
    JobQueue retrying = new JobQueue(pool, "executor-r", slowRetries);
    long id = insertEcho(pool, "acme", "flaky");
    ClaimedJob first = Await.result(retrying.claim(1)).get(0);

    RecordedOutcome outcome = Await.result(retrying.finish(first, AttemptResult.retryableFailure("target unavailable")));

    assertThat(outcome).isInstanceOf(RecordedOutcome.RetryScheduled.class);
    assertThat(outcome.notification()).isEmpty();
    Duration backoff = ((RecordedOutcome.RetryScheduled) outcome).backoff();
    assertThat(backoff).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("queued");
    assertThat(row.error()).as("the last error is kept while the job waits").isEqualTo("target unavailable");
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.leaseId()).isNull();
    assertThat(row.leaseOwner()).isNull();
    assertThat(row.leaseExpiresAt()).isNull();
    assertThat(row.finishedAt()).isNull();
    assertThat(holds(pool, "SELECT run_after > now() + interval '4 seconds' FROM jobs WHERE id = " + id))
        .as("run_after is the back-off ahead").isTrue();
    assertThat(attemptOutcomes(pool, id)).containsExactly("retrying");
    assertThat(attempts(pool, id).get(0).error()).isEqualTo("target unavailable");
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.retry_scheduled");
    assertThat(records.get(1).detailJson().getString("error")).isEqualTo("target unavailable");
    assertThat(records.get(1).detailJson().getLong("retryInMillis")).isEqualTo(backoff.toMillis());
    assertThat(records.get(1).detailJson().getInteger("attempt")).isEqualTo(1);

    // Backing off, it counts as queued but no claimer takes it.
    assertThat(Await.result(retrying.queueDepth())).isEqualTo(1);
    assertThat(Await.result(retrying.claim(10))).isEmpty();
    assertThat(Await.result(queue.claim(10))).isEmpty();
    assertThat(Await.result(retrying.finish(first, AttemptResult.success("late")))).isInstanceOf(RecordedOutcome.LeaseLost.class);

    // Once the back-off has passed (the clock moved on by the back-off), the next attempt runs.
    TestDatabase.execute(url, "UPDATE jobs SET run_after = run_after - interval '10 seconds' WHERE id = " + id);
    ClaimedJob second = Await.result(retrying.claim(10)).get(0);
    assertThat(second.id()).isEqualTo(id);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.leaseId()).isNotEqualTo(first.leaseId());
    assertThat(Await.result(retrying.finish(second, AttemptResult.success("second time"))).notification())
        .contains(announced("acme", id, JobStatus.SUCCEEDED));
    assertThat(job(pool, id).error()).isNull();
    assertThat(job(pool, id).output()).isEqualTo("second time");
    assertThat(attempts(pool, id)).extracting(AttemptRow::attempt).containsExactly(1, 2);
    assertThat(attemptOutcomes(pool, id)).containsExactly("retrying", "succeeded");
    assertThat(auditTypes(pool, "acme", id))
        .containsExactly("job.started", "job.retry_scheduled", "job.started", "job.succeeded");
    assertThat(Await.result(verifier.verify("acme")).isIntact()).isTrue();
  }

  @Test
  void aRetriedJobIsNotClaimedBeforeItsBackOffEnds() {
    // Back-off between 0.5 s and 1 s, waited out for real.
    QueueSettings retries = new QueueSettings(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10),
        Duration.ofSeconds(1), Duration.ofSeconds(1));
    JobQueue retrying = new JobQueue(pool, "executor-r", retries);
    long id = insertEcho(pool, "acme", "flaky");
    ClaimedJob first = Await.result(retrying.claim(1)).get(0);
    Await.result(retrying.finish(first, AttemptResult.retryableFailure("busy")));

    List<ClaimedJob> second = new ArrayList<>();
    Await.until("the job is claimed again", () -> {
      second.addAll(Await.result(retrying.claim(1)));
      return !second.isEmpty();
    });
    assertThat(second.get(0).id()).isEqualTo(id);
    // The claim that took it saw its run_after in the past: the attempt (running, so on the job's row) started no earlier.
    assertThat(holds(pool, "SELECT attempt_started_at >= run_after FROM jobs WHERE id = " + id)).isTrue();
    assertThat(holds(pool, "SELECT j.attempt_started_at - a1.ended_at >= interval '500 milliseconds'"
        + " FROM job_attempts a1, jobs j WHERE a1.lease_id = '" + first.leaseId() + "' AND j.id = " + id))
        .as("the second attempt started at least the minimum back-off later").isTrue();
  }

  @Test
  void aRetryableFailureOnTheLastAttemptIsFinal() {
    long id = insertEcho(pool, "acme", "flaky");
    TestDatabase.execute(url, "UPDATE jobs SET max_attempts = 1 WHERE id = " + id);
    ClaimedJob claimed = Await.result(queue.claim(1)).get(0);
    assertThat(claimed.maxAttempts()).isEqualTo(1);

    RecordedOutcome outcome = Await.result(queue.finish(claimed, AttemptResult.retryableFailure("still unavailable")));

    assertThat(outcome.notification()).contains(announced("acme", id, JobStatus.FAILED));
    assertThat(job(pool, id).status()).isEqualTo("failed");
    assertThat(job(pool, id).error()).isEqualTo("still unavailable");
    assertThat(attemptOutcomes(pool, id)).containsExactly("failed");
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.failed");
  }

  @Test
  void finishCancelledEndsTheJobWithTheReason() {
    long id = insertEcho(pool, "acme", "hi");
    ClaimedJob claimed = Await.result(queue.claim(1)).get(0);
    ClaimedJob forged = new ClaimedJob(claimed.job(), claimed.idempotencyKey(), UUID.randomUUID(), claimed.maxAttempts(),
        claimed.timeout(), claimed.waited());

    assertThat(Await.result(queue.finishCancelled(forged, "not mine"))).isInstanceOf(RecordedOutcome.LeaseLost.class);
    assertThat(job(pool, id).status()).isEqualTo("running");

    RecordedOutcome outcome = Await.result(queue.finishCancelled(claimed, "cancelled by U999"));

    assertThat(outcome.notification()).contains(announced("acme", id, JobStatus.CANCELLED));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("cancelled");
    assertThat(row.error()).isEqualTo("cancelled by U999");
    assertThat(row.finishedAt()).isNotNull();
    assertThat(row.leaseId()).isNull();
    assertThat(attemptOutcomes(pool, id)).containsExactly("cancelled");
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.cancelled");
    assertThat(records.get(1).detailJson().getString("error")).isEqualTo("cancelled by U999");
    assertThat(Await.result(queue.finishCancelled(claimed, "again"))).isInstanceOf(RecordedOutcome.LeaseLost.class);
    assertThat(auditTypes(pool, "acme", id)).hasSize(2);
  }

  @Test
  void aStaleLeaseCannotOverwriteTheNewerAttempt() {
    long id = insertEcho(pool, "acme", "hi");
    ClaimedJob stale = Await.result(new JobQueue(pool, "executor-slow", TINY_LEASE).claim(1)).get(0);
    Await.until("the first lease has expired", () -> JobFixtures.leaseExpired(pool, id));

    JobQueue other = new JobQueue(pool, "executor-b", SETTINGS);
    assertThat(Await.result(other.reapExpiredLeases())).isEmpty();
    List<ClaimedJob> reclaimed = Await.result(other.claim(1));
    assertThat(reclaimed).hasSize(1);
    ClaimedJob fresh = reclaimed.get(0);
    assertThat(fresh.id()).isEqualTo(id);
    assertThat(fresh.leaseId()).isNotEqualTo(stale.leaseId());
    assertThat(fresh.attempt()).isEqualTo(2);

    // The executor that lost its lease reports late: nothing it says is written.
    assertThat(Await.result(queue.finish(stale, AttemptResult.failure("stale failure"))))
        .isInstanceOf(RecordedOutcome.LeaseLost.class);
    assertThat(Await.result(queue.finish(stale, AttemptResult.retryableFailure("stale retry"))))
        .isInstanceOf(RecordedOutcome.LeaseLost.class);
    assertThat(Await.result(queue.finishCancelled(stale, "stale cancel"))).isInstanceOf(RecordedOutcome.LeaseLost.class);
    JobRow afterStale = job(pool, id);
    assertThat(afterStale.status()).isEqualTo("running");
    assertThat(afterStale.error()).isNull();
    assertThat(afterStale.finishedAt()).isNull();
    assertThat(afterStale.leaseId()).isEqualTo(fresh.leaseId());
    assertThat(afterStale.leaseOwner()).isEqualTo("executor-b");
    assertThat(Await.result(queue.release(stale, "stale release"))).isFalse();
    assertThat(job(pool, id).status()).isEqualTo("running");
    assertThat(job(pool, id).leaseId()).isEqualTo(fresh.leaseId());
    assertThat(job(pool, id).attempts()).isEqualTo(2);

    // The newer attempt's outcome stands.
    assertThat(Await.result(other.finish(fresh, AttemptResult.success("hi"))).notification())
        .contains(announced("acme", id, JobStatus.SUCCEEDED));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("succeeded");
    assertThat(row.output()).isEqualTo("hi");
    assertThat(row.error()).isNull();
    assertThat(row.attempts()).isEqualTo(2);

    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType)
        .containsExactly("job.started", "job.lease_expired", "job.started", "job.succeeded");
    assertThat(records).extracting(AuditRecord::actor).containsExactly(
        "executor:executor-slow", "executor:executor-b", "executor:executor-b", "executor:executor-b");
    assertThat(records.get(1).detailJson().getInteger("attempt")).isEqualTo(1);
    assertThat(records.get(2).detailJson().getInteger("attempt")).isEqualTo(2);
    assertThat(records.get(3).detailJson().getInteger("attempt")).isEqualTo(2);
    assertThat(attempts(pool, id)).extracting(AttemptRow::executor, AttemptRow::attempt, AttemptRow::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("executor-slow", 1, "lease_expired"),
            org.assertj.core.groups.Tuple.tuple("executor-b", 2, "succeeded"));
    assertThat(Await.result(verifier.verify("acme")).isIntact()).isTrue();
  }

  @Test
  void releasePutsTheJobBackOnlyWithTheRightLease() {
    long id = insertEcho(pool, "acme", "hi");
    ClaimedJob claimed = Await.result(queue.claim(1)).get(0);
    ClaimedJob forged = new ClaimedJob(claimed.job(), claimed.idempotencyKey(), UUID.randomUUID(), claimed.maxAttempts(),
        claimed.timeout(), claimed.waited());

    assertThat(Await.result(queue.release(forged, "not mine"))).isFalse();
    JobRow untouched = job(pool, id);
    assertThat(untouched.status()).isEqualTo("running");
    assertThat(untouched.leaseId()).isEqualTo(claimed.leaseId());
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started");

    assertThat(Await.result(queue.release(claimed, "executor shutting down"))).isTrue();
    JobRow released = job(pool, id);
    assertThat(released.status()).isEqualTo("queued");
    assertThat(released.leaseId()).isNull();
    assertThat(released.leaseOwner()).isNull();
    assertThat(released.leaseExpiresAt()).isNull();
    assertThat(released.finishedAt()).isNull();
    assertThat(released.attempts()).as("a released attempt does not count").isZero();
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.lease_released");
    assertThat(records.get(1).detailJson().getString("reason")).isEqualTo("executor shutting down");
    assertThat(records.get(1).detailJson().getInteger("attempt")).isEqualTo(1);
    assertThat(attempts(pool, id)).singleElement().satisfies(attempt -> {
      assertThat(attempt.outcome()).isEqualTo("released");
      assertThat(attempt.error()).isEqualTo("executor shutting down");
      assertThat(attempt.endedAt()).isNotNull();
    });

    // Releasing twice does nothing more; the old lease cannot finish the job either.
    assertThat(Await.result(queue.release(claimed, "again"))).isFalse();
    assertThat(Await.result(queue.finish(claimed, AttemptResult.success("hi")))).isInstanceOf(RecordedOutcome.LeaseLost.class);
    assertThat(job(pool, id).status()).isEqualTo("queued");
    assertThat(job(pool, id).attempts()).isZero();
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.lease_released");

    // The released job is claimable again, as attempt 1 once more.
    ClaimedJob again = Await.result(new JobQueue(pool, "executor-b", SETTINGS).claim(1)).get(0);
    assertThat(again.id()).isEqualTo(id);
    assertThat(again.attempt()).isEqualTo(1);
    assertThat(job(pool, id).leaseOwner()).isEqualTo("executor-b");
    assertThat(attempts(pool, id)).extracting(AttemptRow::executor, AttemptRow::attempt, AttemptRow::outcome)
        .as("the running attempt's row is written when it ends")
        .containsExactly(org.assertj.core.groups.Tuple.tuple("executor-a", 1, "released"));
    assertThat(Await.result(verifier.verify("acme")).isIntact()).isTrue();
  }

  // ---------------------------------------------------------------- expired leases

  @Test
  void aJobWhoseLeaseKeepsExpiringIsFailedAndNotClaimedAgain() {
    long id = insertEcho(pool, "acme", "crashes executors");
    long healthy = insertEcho(pool, "acme", "lost once");
    JobQueue dying = new JobQueue(pool, "executor-dying", TINY_LEASE);
    for (int attempt = 1; attempt <= JobQueue.DEFAULT_MAX_ATTEMPTS; attempt++) {
      List<ClaimedJob> claimed = Await.result(dying.claim(1));
      assertThat(claimed).extracting(ClaimedJob::id).containsExactly(id);
      assertThat(claimed.get(0).attempt()).isEqualTo(attempt);
      Await.until("lease " + attempt + " has expired", () -> JobFixtures.leaseExpired(pool, id));
      List<JobFinished> failed = Await.result(queue.reapExpiredLeases());
      if (attempt < JobQueue.DEFAULT_MAX_ATTEMPTS) {
        assertThat(failed).as("reaping attempt %d", attempt).isEmpty();
        assertThat(job(pool, id).status()).isEqualTo("queued");
      } else {
        assertThat(failed).containsExactly(announced("acme", id, JobStatus.FAILED));
      }
    }
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.error()).contains("lost " + JobQueue.DEFAULT_MAX_ATTEMPTS + " times").contains("not retried");
    assertThat(row.finishedAt()).isNotNull();
    assertThat(row.leaseId()).isNull();
    assertThat(row.leaseExpiresAt()).isNull();
    assertThat(row.attempts()).isEqualTo(JobQueue.DEFAULT_MAX_ATTEMPTS);

    // The healthy job was lost once only: it is retried, never failed.
    List<ClaimedJob> other = Await.result(dying.claim(1));
    assertThat(other).extracting(ClaimedJob::id).containsExactly(healthy);
    Await.until("the healthy job's lease has expired", () -> JobFixtures.leaseExpired(pool, healthy));
    assertThat(Await.result(queue.reapExpiredLeases())).isEmpty();
    List<ClaimedJob> next = Await.result(queue.claim(10));
    assertThat(next).extracting(ClaimedJob::id).containsExactly(healthy);
    assertThat(next.get(0).attempt()).isEqualTo(2);

    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly(
        "job.started", "job.lease_expired", "job.started", "job.lease_expired", "job.started", "job.lease_expired",
        "job.failed");
    assertThat(records.get(6).detailJson().getString("error")).isNotBlank();
    assertThat(records.get(6).detailJson().getInteger("attempt")).isEqualTo(JobQueue.DEFAULT_MAX_ATTEMPTS);
    assertThat(attemptOutcomes(pool, id)).containsExactly("lease_expired", "lease_expired", "lease_expired");

    // Nothing more happens to the failed job.
    assertThat(Await.result(queue.reapExpiredLeases())).isEmpty();
    assertThat(Await.result(queue.claim(10))).isEmpty();
    assertThat(job(pool, id).status()).isEqualTo("failed");
    assertThat(auditTypes(pool, "acme", id)).hasSize(7);
    assertThat(Await.result(verifier.verify("acme")).isIntact()).isTrue();
  }

  @Test
  void aJobsOwnAttemptCapDecidesWhenALostLeaseIsFinal() {
    long id = insertEcho(pool, "acme", "one shot");
    TestDatabase.execute(url, "UPDATE jobs SET max_attempts = 1 WHERE id = " + id);
    Await.result(new JobQueue(pool, "executor-dying", TINY_LEASE).claim(1));
    Await.until("the lease has expired", () -> JobFixtures.leaseExpired(pool, id));

    assertThat(Await.result(queue.reapExpiredLeases())).containsExactly(announced("acme", id, JobStatus.FAILED));
    assertThat(job(pool, id).status()).isEqualTo("failed");
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.lease_expired", "job.failed");
  }

  @Test
  void reapingLeavesLiveLeasesAlone() {
    long id = insertEcho(pool, "acme", "slow but alive");
    TestDatabase.execute(url, "UPDATE jobs SET status = 'running', attempts = " + JobQueue.DEFAULT_MAX_ATTEMPTS
        + ", lease_id = gen_random_uuid(), lease_owner = 'executor-b', lease_expires_at = now() + interval '1 hour'"
        + " WHERE id = " + id);

    assertThat(Await.result(queue.reapExpiredLeases())).isEmpty();
    assertThat(job(pool, id).status()).isEqualTo("running");
    assertThat(job(pool, id).leaseOwner()).isEqualTo("executor-b");
    assertThat(audit(pool, "acme")).isEmpty();
  }

  // ---------------------------------------------------------------- heartbeats

  @Test
  void aHeartbeatExtendsTheLease() {
    long id = insertEcho(pool, "acme", "long running");
    ClaimedJob claimed = Await.result(queue.claim(1)).get(0);
    TestDatabase.execute(url, "UPDATE jobs SET lease_expires_at = now() + interval '1 second', "
        + "heartbeat_at = now() - interval '1 minute' WHERE id = " + id);

    JobQueue.Heartbeat beat = Await.result(queue.heartbeat(List.of(claimed)));

    assertThat(beat.lost()).isEmpty();
    assertThat(beat.cancelRequested()).isEmpty();
    assertThat(holds(pool, "SELECT lease_expires_at > now() + interval '25 seconds' FROM jobs WHERE id = " + id))
        .as("the lease runs a full 30 s again").isTrue();
    assertThat(holds(pool, "SELECT heartbeat_at > now() - interval '10 seconds' FROM jobs WHERE id = " + id)).isTrue();
    assertThat(job(pool, id).leaseId()).isEqualTo(claimed.leaseId());
    assertThat(Await.result(queue.heartbeat(List.of())).lost()).isEmpty();
  }

  @Test
  void aHeartbeatReportsALeaseThatWasTakenOver() {
    long mine = insertEcho(pool, "acme", "still mine");
    long taken = insertEcho(pool, "acme", "taken over");
    List<ClaimedJob> claimed = Await.result(queue.claim(2));
    assertThat(claimed).extracting(ClaimedJob::id).containsExactly(mine, taken);
    // This executor stalled: the lease of one job ran out, another executor reaped and re-claimed it.
    TestDatabase.execute(url, "UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = " + taken);
    JobQueue other = new JobQueue(pool, "executor-b", SETTINGS);
    Await.result(other.reapExpiredLeases());
    ClaimedJob theirs = Await.result(other.claim(1)).get(0);
    assertThat(theirs.id()).isEqualTo(taken);
    String theirExpiry = JobFixtures.job(pool, taken).leaseExpiresAt().toString();

    JobQueue.Heartbeat beat = Await.result(queue.heartbeat(claimed));

    assertThat(beat.lost()).containsExactly(taken);
    assertThat(beat.cancelRequested()).isEmpty();
    // The stale heartbeat did not touch the other executor's lease.
    assertThat(job(pool, taken).leaseId()).isEqualTo(theirs.leaseId());
    assertThat(job(pool, taken).leaseOwner()).isEqualTo("executor-b");
    assertThat(job(pool, taken).leaseExpiresAt().toString()).isEqualTo(theirExpiry);
    assertThat(Await.result(other.heartbeat(List.of(theirs))).lost()).isEmpty();
  }

  @Test
  void aHeartbeatReportsACancelRequest() {
    long cancelled = insertEcho(pool, "acme", "to cancel");
    long kept = insertEcho(pool, "acme", "to keep");
    List<ClaimedJob> claimed = Await.result(queue.claim(2));
    assertThat(Await.result(queue.heartbeat(claimed)).cancelRequested()).isEmpty();
    TestDatabase.execute(url, "UPDATE jobs SET cancel_requested_at = now(), cancel_requested_by = 'U999' WHERE id = "
        + cancelled);

    JobQueue.Heartbeat beat = Await.result(queue.heartbeat(claimed));

    assertThat(beat.cancelRequested()).containsExactly(cancelled);
    assertThat(beat.lost()).isEmpty();
    assertThat(job(pool, cancelled).status()).isEqualTo("running");
    assertThat(job(pool, kept).status()).isEqualTo("running");
  }

  // ---------------------------------------------------------------- back-off, depth, audit

  @Test
  void backOffGrowsExponentiallyWithJitterUpToTheCap() {
    QueueSettings settings = new QueueSettings(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10),
        Duration.ofMillis(100), Duration.ofSeconds(5));
    long[] ceilings = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
    for (int attempt = 1; attempt <= ceilings.length; attempt++) {
      long ceiling = ceilings[attempt - 1];
      assertThat(settings.backoffAfter(attempt, 0.0)).as("attempt %d, least jitter", attempt)
          .isEqualTo(Duration.ofMillis(ceiling / 2));
      assertThat(settings.backoffAfter(attempt, 0.999999)).as("attempt %d, most jitter", attempt)
          .isBetween(Duration.ofMillis(ceiling - 1), Duration.ofMillis(ceiling));
      for (double random = 0; random < 1; random += 0.05) {
        assertThat(settings.backoffAfter(attempt, random)).as("attempt %d, random %f", attempt, random)
            .isBetween(Duration.ofMillis(ceiling / 2), Duration.ofMillis(ceiling));
      }
    }
    // Jitter spreads retries out: the same attempt, different draws, different back-offs.
    assertThat(settings.backoffAfter(3, 0.1)).isLessThan(settings.backoffAfter(3, 0.9));
    // Far past the cap (and past any shift that would overflow), it stays at the cap.
    for (int attempt : new int[] {20, 21, 40, 64, 65, 1000, Integer.MAX_VALUE}) {
      assertThat(settings.backoffAfter(attempt, 0.0)).as("attempt %d", attempt).isEqualTo(Duration.ofMillis(2500));
      assertThat(settings.backoffAfter(attempt, 0.999999)).as("attempt %d", attempt)
          .isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
    }
    // A cap below the base caps the first back-off too.
    QueueSettings capped = new QueueSettings(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10),
        Duration.ofSeconds(10), Duration.ofSeconds(4));
    assertThat(capped.backoffAfter(1, 0.0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(capped.backoffAfter(1, 0.999999)).isBetween(Duration.ofMillis(3999), Duration.ofSeconds(4));
  }

  @Test
  void settingsFromALeaseAndATimeoutKeepTheLeaseForDefaultJobs() {
    QueueSettings settings = QueueSettings.of(Duration.ofSeconds(90), Duration.ofSeconds(60));
    assertThat(settings.lease()).isEqualTo(Duration.ofSeconds(90));
    assertThat(settings.defaultTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(settings.leaseMargin()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.retryBase()).isEqualTo(QueueSettings.DEFAULT_RETRY_BASE);
    assertThat(settings.retryCap()).isEqualTo(QueueSettings.DEFAULT_RETRY_CAP);
  }

  @Test
  void anAttemptOpenedBeforeAttemptsWereWrittenOnceIsCompletedByItsEnd() {
    long id = insertEcho(pool, "acme", "old-attempt");
    ClaimedJob claimed = Await.result(queue.claim(1)).get(0);
    // What a node of an earlier version wrote at the claim: the attempt's row, not yet ended.
    TestDatabase.execute(url, "INSERT INTO job_attempts (lease_id, job_id, tenant_id, attempt, executor, started_at)"
        + " VALUES ('" + claimed.leaseId() + "', " + id + ", 'acme', 1, 'executor-old', now() - interval '1 hour')");

    assertThat(Await.result(queue.finish(claimed, AttemptResult.success("done")))).isInstanceOf(RecordedOutcome.Final.class);

    assertThat(attempts(pool, id)).singleElement().satisfies(attempt -> {
      assertThat(attempt.executor()).isEqualTo("executor-old");
      assertThat(attempt.outcome()).isEqualTo("succeeded");
      assertThat(attempt.endedAt()).isNotNull();
    });
    assertThat(holds(pool, "SELECT started_at < now() - interval '59 minutes' FROM job_attempts WHERE job_id = " + id))
        .as("the attempt keeps the start its row had").isTrue();
  }

  @Test
  void queueDepthCountsWaitingJobsOfAllTenants() {
    assertThat(Await.result(queue.queueDepth())).isZero();
    insertEcho(pool, "acme", "a1");
    insertEcho(pool, "acme", "a2");
    long g1 = insertEcho(pool, "globex", "g1");
    long done = insertEcho(pool, "globex", "done");
    TestDatabase.execute(url, "UPDATE jobs SET status = 'succeeded', finished_at = now() WHERE id = " + done);
    TestDatabase.execute(url, "UPDATE jobs SET run_after = now() + interval '1 hour' WHERE id = " + g1);
    assertThat(Await.result(queue.queueDepth())).isEqualTo(3);
    assertThat(Await.result(queue.queueDepth(2))).as("the count stops at its cap").isEqualTo(2);

    assertThat(Await.result(queue.claim(1))).hasSize(1);
    assertThat(Await.result(queue.queueDepth())).isEqualTo(2);
  }

  @Test
  void oldestWaitingIsHowLongTheLongestWaitingClaimableJobHasWaited() {
    assertThat(Await.result(queue.oldestWaiting())).as("nothing waits").isZero();

    long twoMinutes = insertEcho(pool, "acme", "queued two minutes ago");
    long oneMinute = insertEcho(pool, "globex", "queued a minute ago");
    queuedAgo(twoMinutes, "2 minutes");
    queuedAgo(oneMinute, "1 minute");
    assertOldestWaiting(Duration.ofMinutes(2), twoMinutes, "created_at");

    // Older jobs that no executor may claim yet do not count: ...
    long backingOff = insertEcho(pool, "acme", "retry, backing off");
    queuedAgo(backingOff, "10 minutes");
    TestDatabase.execute(url, "UPDATE jobs SET attempts = 1, run_after = now() + interval '1 hour' WHERE id = " + backingOff);
    // ... one held back by a running job with the same target lock, ...
    long runningDeploy = insertLocked(pool, "globex", "production/api", "running");
    long heldDeploy = insertLocked(pool, "globex", "production/api", "held back by the lock");
    queuedAgo(runningDeploy, "11 minutes");
    queuedAgo(heldDeploy, "10 minutes");
    TestDatabase.execute(url, "UPDATE jobs SET status = 'running', attempts = 1 WHERE id = " + runningDeploy);
    // ... one held back by an earlier job with the same target lock that backs off, ...
    long backingOffDeploy = insertLocked(pool, "acme", "staging/api", "backing off");
    long behindIt = insertLocked(pool, "acme", "staging/api", "behind it");
    queuedAgo(backingOffDeploy, "20 minutes");
    queuedAgo(behindIt, "10 minutes");
    TestDatabase.execute(url, "UPDATE jobs SET attempts = 1, run_after = now() + interval '1 hour' WHERE id = " + backingOffDeploy);
    // ... and a suspended tenant's.
    TestDatabase.execute(url, "INSERT INTO tenants (id, name, status) VALUES ('initech', 'Initech', 'suspended')");
    queuedAgo(insertEcho(pool, "initech", "suspended tenant"), "10 minutes");
    // A job waiting only for its tenant's cap of running jobs counts: the executors are behind.
    TestDatabase.execute(url, "UPDATE tenants SET max_running_jobs = 1 WHERE id = 'acme'");
    long running = insertEcho(pool, "acme", "running");
    queuedAgo(running, "3 minutes");
    TestDatabase.execute(url, "UPDATE jobs SET status = 'running', attempts = 1 WHERE id = " + running);
    assertOldestWaiting(Duration.ofMinutes(2), twoMinutes, "created_at");

    // A retry whose back-off ended three minutes ago has waited three minutes, however old it is, also
    // when it is queued before the tenant's oldest job that was never retried.
    long dueRetry = insertEcho(pool, "acme", "retry, due");
    queuedAgo(dueRetry, "30 minutes");
    TestDatabase.execute(url, "UPDATE jobs SET attempts = 1, run_after = now() - interval '3 minutes' WHERE id = " + dueRetry);
    assertOldestWaiting(Duration.ofMinutes(3), dueRetry, "run_after");

    TestDatabase.execute(url, "UPDATE jobs SET status = 'cancelled', finished_at = now() WHERE status = 'queued'");
    assertThat(Await.result(queue.oldestWaiting())).as("nothing waits").isZero();
  }

  /** Sets a job's queue time (and its run_after with it, as a new job has) so long ago. */
  private void queuedAgo(long id, String interval) {
    TestDatabase.execute(url, "UPDATE jobs SET created_at = now() - interval '" + interval + "', run_after = now() - interval '"
        + interval + "' WHERE id = " + id);
  }

  /**
   * The gauge's value is at least {@code atLeast} (the job was made that old) and at most how long the
   * job has waited by its {@code since} column when asked afterwards: no timing assumption.
   */
  private void assertOldestWaiting(Duration atLeast, long job, String since) {
    Duration oldest = Await.result(queue.oldestWaiting());
    double waitedSince = Await.result(pool.query("SELECT extract(epoch FROM now() - " + since + ")::float8 FROM jobs WHERE id = "
        + job).execute().map(rows -> rows.iterator().next().getDouble(0)));
    assertThat(oldest).isGreaterThanOrEqualTo(atLeast)
        .isLessThanOrEqualTo(Duration.ofNanos(Math.round(waitedSince * 1e9)));
  }

  @Test
  void auditRecordsLandInTheJobsOwnTenantChain() {
    long acme1 = insertEcho(pool, "acme", "a1");
    long globex1 = insertEcho(pool, "globex", "g1");
    long acme2 = insertEcho(pool, "acme", "a2");
    long globex2 = insertEcho(pool, "globex", "g2");

    List<ClaimedJob> claimed = Await.result(queue.claim(10));
    assertThat(claimed).extracting(ClaimedJob::id).containsExactly(acme1, globex1, acme2, globex2);
    for (ClaimedJob job : claimed) {
      boolean fails = job.id() == acme2;
      RecordedOutcome outcome = Await.result(queue.finish(job, fails ? AttemptResult.failure("no") : AttemptResult.success("out")));
      assertThat(outcome.notification())
          .contains(announced(job.tenantId(), job.id(), fails ? JobStatus.FAILED : JobStatus.SUCCEEDED));
    }

    List<AuditRecord> acme = audit(pool, "acme");
    List<AuditRecord> globex = audit(pool, "globex");
    assertThat(acme).extracting(AuditRecord::jobId).containsOnly(acme1, acme2).hasSize(4);
    assertThat(acme).extracting(AuditRecord::tenantId).containsOnly("acme");
    assertThat(globex).extracting(AuditRecord::jobId).containsOnly(globex1, globex2).hasSize(4);
    assertThat(globex).extracting(AuditRecord::tenantId).containsOnly("globex");
    assertThat(audit(pool, "acme", acme2)).extracting(AuditRecord::eventType).containsExactly("job.started", "job.failed");
    assertThat(audit(pool, "globex", globex2)).extracting(AuditRecord::eventType)
        .containsExactly("job.started", "job.succeeded");
    for (String tenant : List.of("acme", "globex")) {
      ChainVerification chain = Await.result(verifier.verify(tenant));
      assertThat(chain.isIntact()).as(chain.problem()).isTrue();
      assertThat(chain.recordsChecked()).isEqualTo(4);
    }
  }

  /** Waits for both claims to end, succeeded or not, so the assertions can say which failed and why. */
  private static void bothSettled(Future<?> a, Future<?> b) {
    Await.result(Future.join(a, b).transform(ar -> Future.succeededFuture()));
  }
}

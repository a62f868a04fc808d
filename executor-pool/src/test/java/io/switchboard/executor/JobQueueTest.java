package io.switchboard.executor;

import io.switchboard.audit.AuditChainVerifier;
import io.switchboard.audit.AuditRecord;
import io.switchboard.audit.ChainVerification;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobStatus;
import io.switchboard.core.testsupport.Await;
import io.switchboard.core.testsupport.TestDatabase;
import io.switchboard.executor.JobFixtures.JobRow;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.switchboard.executor.JobFixtures.audit;
import static io.switchboard.executor.JobFixtures.auditTypes;
import static io.switchboard.executor.JobFixtures.insertEcho;
import static io.switchboard.executor.JobFixtures.job;
import static org.assertj.core.api.Assertions.assertThat;

class JobQueueTest {

  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration TINY_LEASE = Duration.ofMillis(1);

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
    queue = new JobQueue(pool, "executor-a", LEASE);
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  void claimTakesQueuedJobsOldestFirstUnderALease() {
    long newer = insertEcho(pool, "acme", "newer");
    long older = insertEcho(pool, "acme", "older");
    long oldest = insertEcho(pool, "acme", "oldest");
    // Ids follow insertion order; created_at says otherwise, and created_at is what counts.
    TestDatabase.execute(url, "UPDATE jobs SET created_at = now() - interval '1 minute' WHERE id = " + older);
    TestDatabase.execute(url, "UPDATE jobs SET created_at = now() - interval '2 minutes' WHERE id = " + oldest);

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
      assertThat(row.startedAt()).isNotNull();
      assertThat(row.finishedAt()).isNull();
      assertThat(claimed.job().status()).isEqualTo(JobStatus.RUNNING);
      assertThat(claimed.job().attempts()).isEqualTo(1);
      assertThat(claimed.idempotencyKey()).startsWith("key-");
      assertThat(claimed.tenantId()).isEqualTo("acme");
    }
    assertThat(first.get(0).leaseId()).isNotEqualTo(first.get(1).leaseId());
    assertThat(first.get(0).job().arguments().getString("text")).isEqualTo("oldest");

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
  void claimLeavesJobsThatAreNotRunnableAlone() {
    long done = insertEcho(pool, "acme", "done");
    long leased = insertEcho(pool, "acme", "leased");
    TestDatabase.execute(url, "UPDATE jobs SET status = 'succeeded', finished_at = now() WHERE id = " + done);
    ClaimedJob held = Await.result(new JobQueue(pool, "executor-b", LEASE).claim(1)).get(0);
    assertThat(held.id()).isEqualTo(leased);

    assertThat(Await.result(queue.claim(10))).isEmpty();
    assertThat(job(pool, done).status()).isEqualTo("succeeded");
    assertThat(job(pool, leased).leaseOwner()).isEqualTo("executor-b");
    assertThat(job(pool, leased).attempts()).isEqualTo(1);
  }

  @Test
  void racingClaimsNeverHandOutTheSameJob() {
    for (int round = 0; round < 5; round++) {
      List<Long> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        ids.add(insertEcho(pool, i % 2 == 0 ? "acme" : "globex", "job " + round + "-" + i));
      }
      JobQueue a = new JobQueue(pool, "executor-a", LEASE);
      JobQueue b = new JobQueue(pool, "executor-b", LEASE);
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
    // Jobs queued as acme, globex, globex, acme: each claim of two takes one job of each tenant, and
    // so writes to both tenants' audit chains in one transaction.
    for (int round = 0; round < 20; round++) {
      long a1 = insertEcho(pool, "acme", "a1-" + round);
      long g1 = insertEcho(pool, "globex", "g1-" + round);
      long g2 = insertEcho(pool, "globex", "g2-" + round);
      long a2 = insertEcho(pool, "acme", "a2-" + round);
      Future<List<ClaimedJob>> claimA = new JobQueue(pool, "executor-a", LEASE).claim(2);
      Future<List<ClaimedJob>> claimB = new JobQueue(pool, "executor-b", LEASE).claim(2);
      bothSettled(claimA, claimB);
      assertThat(claimA.succeeded()).as("round %d, claim A: %s", round, claimA.cause()).isTrue();
      assertThat(claimB.succeeded()).as("round %d, claim B: %s", round, claimB.cause()).isTrue();
      Set<Long> union = new HashSet<>();
      claimA.result().forEach(job -> union.add(job.id()));
      claimB.result().forEach(job -> union.add(job.id()));
      assertThat(union).containsExactlyInAnyOrder(a1, g1, g2, a2);
    }
    for (String tenant : List.of("acme", "globex")) {
      ChainVerification chain = Await.result(verifier.verify(tenant));
      assertThat(chain.isIntact()).as(chain.problem()).isTrue();
      assertThat(chain.recordsChecked()).isEqualTo(40);
    }
  }

  @Test
  void finishRecordsSuccessWithTheLease() {
    long id = insertEcho(pool, "acme", "hi");
    ClaimedJob claimed = Await.result(queue.claim(1)).get(0);

    Optional<JobFinished> finished = Await.result(queue.finish(claimed, JobStatus.SUCCEEDED, "hi", null));

    assertThat(finished).contains(new JobFinished("acme", id, JobStatus.SUCCEEDED));
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
    assertThat(Await.result(verifier.verify("acme")).isIntact()).isTrue();

    // A second finish of the same attempt changes nothing: the lease is gone.
    assertThat(Await.result(queue.finish(claimed, JobStatus.FAILED, null, "late"))).isEmpty();
    assertThat(job(pool, id).status()).isEqualTo("succeeded");
    assertThat(job(pool, id).error()).isNull();
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.succeeded");
  }

  @Test
  void finishRecordsFailureWithItsError() {
    long id = insertEcho(pool, "acme", "hi");
    ClaimedJob claimed = Await.result(queue.claim(1)).get(0);

    Optional<JobFinished> finished = Await.result(queue.finish(claimed, JobStatus.FAILED, null, "target refused"));

    assertThat(finished).contains(new JobFinished("acme", id, JobStatus.FAILED));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.error()).isEqualTo("target refused");
    assertThat(row.output()).isNull();
    assertThat(row.finishedAt()).isNotNull();
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.failed");
    assertThat(records.get(1).detailJson().getString("error")).isEqualTo("target refused");
    assertThat(Await.result(verifier.verify("acme")).isIntact()).isTrue();
  }

  @Test
  void aStaleLeaseCannotOverwriteTheNewerAttempt() {
    long id = insertEcho(pool, "acme", "hi");
    ClaimedJob stale = Await.result(new JobQueue(pool, "executor-slow", TINY_LEASE).claim(1)).get(0);
    Await.until("the first lease has expired", () -> JobFixtures.leaseExpired(pool, id));

    JobQueue other = new JobQueue(pool, "executor-b", LEASE);
    List<ClaimedJob> reclaimed = Await.result(other.claim(1));
    assertThat(reclaimed).hasSize(1);
    ClaimedJob fresh = reclaimed.get(0);
    assertThat(fresh.id()).isEqualTo(id);
    assertThat(fresh.leaseId()).isNotEqualTo(stale.leaseId());
    assertThat(fresh.job().attempts()).isEqualTo(2);

    // The executor that lost its lease reports late: nothing it says is written.
    assertThat(Await.result(queue.finish(stale, JobStatus.FAILED, null, "stale failure"))).isEmpty();
    JobRow afterStale = job(pool, id);
    assertThat(afterStale.status()).isEqualTo("running");
    assertThat(afterStale.error()).isNull();
    assertThat(afterStale.finishedAt()).isNull();
    assertThat(afterStale.leaseId()).isEqualTo(fresh.leaseId());
    assertThat(afterStale.leaseOwner()).isEqualTo("executor-b");
    assertThat(Await.result(queue.release(stale, "stale release"))).isFalse();
    assertThat(job(pool, id).status()).isEqualTo("running");
    assertThat(job(pool, id).leaseId()).isEqualTo(fresh.leaseId());

    // The newer attempt's outcome stands.
    assertThat(Await.result(other.finish(fresh, JobStatus.SUCCEEDED, "hi", null)))
        .contains(new JobFinished("acme", id, JobStatus.SUCCEEDED));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("succeeded");
    assertThat(row.output()).isEqualTo("hi");
    assertThat(row.error()).isNull();
    assertThat(row.attempts()).isEqualTo(2);

    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.started", "job.succeeded");
    assertThat(records).extracting(AuditRecord::actor)
        .containsExactly("executor:executor-slow", "executor:executor-b", "executor:executor-b");
    assertThat(records.get(1).detailJson().getInteger("attempt")).isEqualTo(2);
    assertThat(records.get(2).detailJson().getInteger("attempt")).isEqualTo(2);
    assertThat(Await.result(verifier.verify("acme")).isIntact()).isTrue();
  }

  @Test
  void releasePutsTheJobBackOnlyWithTheRightLease() {
    long id = insertEcho(pool, "acme", "hi");
    ClaimedJob claimed = Await.result(queue.claim(1)).get(0);
    ClaimedJob forged = new ClaimedJob(claimed.job(), claimed.idempotencyKey(), java.util.UUID.randomUUID());

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
    assertThat(released.attempts()).isEqualTo(1);
    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType).containsExactly("job.started", "job.lease_released");
    assertThat(records.get(1).detailJson().getString("reason")).isEqualTo("executor shutting down");

    // Releasing twice does nothing more; the old lease cannot finish the job either.
    assertThat(Await.result(queue.release(claimed, "again"))).isFalse();
    assertThat(Await.result(queue.finish(claimed, JobStatus.SUCCEEDED, "hi", null))).isEmpty();
    assertThat(job(pool, id).status()).isEqualTo("queued");
    assertThat(auditTypes(pool, "acme", id)).containsExactly("job.started", "job.lease_released");

    // The released job is claimable again, as the next attempt.
    ClaimedJob again = Await.result(new JobQueue(pool, "executor-b", LEASE).claim(1)).get(0);
    assertThat(again.id()).isEqualTo(id);
    assertThat(again.job().attempts()).isEqualTo(2);
    assertThat(Await.result(verifier.verify("acme")).isIntact()).isTrue();
  }

  @Test
  void aJobWhoseLeaseKeepsExpiringIsFailedAndNotClaimedAgain() {
    long id = insertEcho(pool, "acme", "crashes executors");
    long healthy = insertEcho(pool, "acme", "lost once");
    JobQueue dying = new JobQueue(pool, "executor-dying", TINY_LEASE);
    for (int attempt = 1; attempt <= JobQueue.MAX_ATTEMPTS; attempt++) {
      List<ClaimedJob> claimed = Await.result(dying.claim(1));
      assertThat(claimed).extracting(ClaimedJob::id).containsExactly(id);
      assertThat(claimed.get(0).job().attempts()).isEqualTo(attempt);
      Await.until("lease " + attempt + " has expired", () -> JobFixtures.leaseExpired(pool, id));
    }
    // The healthy job was lost once only: it is still retried, never failed.
    List<ClaimedJob> other = Await.result(dying.claim(1));
    assertThat(other).extracting(ClaimedJob::id).containsExactly(healthy);
    Await.until("the healthy job's lease has expired", () -> JobFixtures.leaseExpired(pool, healthy));
    assertThat(job(pool, id).attempts()).isEqualTo(JobQueue.MAX_ATTEMPTS);

    // The exhausted job is not handed out again.
    List<ClaimedJob> next = Await.result(queue.claim(10));
    assertThat(next).extracting(ClaimedJob::id).containsExactly(healthy);
    assertThat(next.get(0).job().attempts()).isEqualTo(2);

    List<JobFinished> failed = Await.result(queue.failExhausted());
    assertThat(failed).containsExactly(new JobFinished("acme", id, JobStatus.FAILED));
    JobRow row = job(pool, id);
    assertThat(row.status()).isEqualTo("failed");
    assertThat(row.error()).contains("lost " + JobQueue.MAX_ATTEMPTS + " times");
    assertThat(row.finishedAt()).isNotNull();
    assertThat(row.leaseId()).isNull();
    assertThat(row.leaseExpiresAt()).isNull();
    assertThat(row.attempts()).isEqualTo(JobQueue.MAX_ATTEMPTS);
    assertThat(job(pool, healthy).status()).isEqualTo("running");

    List<AuditRecord> records = audit(pool, "acme", id);
    assertThat(records).extracting(AuditRecord::eventType)
        .containsExactly("job.started", "job.started", "job.started", "job.failed");
    assertThat(records.get(3).detailJson().getString("error")).isNotBlank();
    assertThat(records.get(3).detailJson().getInteger("attempt")).isEqualTo(JobQueue.MAX_ATTEMPTS);

    assertThat(Await.result(queue.failExhausted())).isEmpty();
    assertThat(Await.result(queue.claim(10))).isEmpty();
    assertThat(job(pool, id).status()).isEqualTo("failed");
    assertThat(auditTypes(pool, "acme", id)).hasSize(4);
    assertThat(Await.result(verifier.verify("acme")).isIntact()).isTrue();
  }

  @Test
  void failExhaustedLeavesLiveLeasesAlone() {
    long id = insertEcho(pool, "acme", "slow but alive");
    TestDatabase.execute(url, "UPDATE jobs SET status = 'running', attempts = " + JobQueue.MAX_ATTEMPTS
        + ", lease_id = gen_random_uuid(), lease_owner = 'executor-b', lease_expires_at = now() + interval '1 hour'"
        + " WHERE id = " + id);

    assertThat(Await.result(queue.failExhausted())).isEmpty();
    assertThat(job(pool, id).status()).isEqualTo("running");
    assertThat(job(pool, id).leaseOwner()).isEqualTo("executor-b");
    assertThat(audit(pool, "acme")).isEmpty();
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
      JobStatus status = job.id() == acme2 ? JobStatus.FAILED : JobStatus.SUCCEEDED;
      Optional<JobFinished> finished = Await.result(queue.finish(job, status, "out", status == JobStatus.FAILED ? "no" : null));
      assertThat(finished).contains(new JobFinished(job.tenantId(), job.id(), status));
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

package io.switchboard.gateway.progress;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.gateway.progress.JobMessageStore.ProgressTaken;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JobMessageStore} against a real PostgreSQL. A second store on its own pool stands for a
 * second gateway.
 */
@DisplayName("JobMessageStore: one message per job, each progress line taken once, per tenant")
class JobMessageStoreTest {

  private static final JsonObject REPLY_TO = new JsonObject().put("kind", "slack_web_api").put("workspace", "T0ACME")
      .put("channel", "C1").put("thread_ts", "1700000000.000100");
  private static final JsonObject ADDRESS = new JsonObject().put("channel", "C1").put("ts", "1700000000.000200");

  private final Vertx vertx = Vertx.vertx();
  private final AtomicInteger jobs = new AtomicInteger();
  private DatabaseUrl url;
  private Pool pool;
  private JobMessageStore store;
  private JobMessageStore otherGateway;

  @BeforeEach
  void start() {
    url = TestDatabase.fresh();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    pool = TestDatabase.pool(vertx, url);
    store = new JobMessageStore(pool);
    otherGateway = new JobMessageStore(TestDatabase.pool(vertx, url));
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("remember stores a job's message once; a second call changes nothing")
  void rememberIsOnceOnly() {
    long job = job("acme", "running", null);
    assertThat(Await.result(store.find("acme", job))).isEmpty();

    assertThat(Await.result(store.remember("acme", job, "slack", ADDRESS))).isTrue();
    assertThat(Await.result(otherGateway.remember("acme", job, "slack", new JsonObject().put("ts", "other"))))
        .isFalse();
    assertThat(Await.result(store.rememberWhileUnfinished("acme", job, "slack", new JsonObject()))).isFalse();

    assertThat(Await.result(store.find("acme", job))).contains(ADDRESS);
  }

  @Test
  @DisplayName("rememberWhileUnfinished stores for a queued or running job, not for a finished one")
  void rememberWhileUnfinishedRefusesFinishedJobs() {
    long queued = job("acme", "queued", null);
    long running = job("acme", "running", null);
    long succeeded = job("acme", "succeeded", null);
    long failed = job("acme", "failed", null);
    long cancelled = job("acme", "cancelled", null);

    assertThat(Await.result(store.rememberWhileUnfinished("acme", queued, "discord", new JsonObject()))).isTrue();
    assertThat(Await.result(store.rememberWhileUnfinished("acme", queued, "discord", new JsonObject()))).isFalse();
    assertThat(Await.result(store.rememberWhileUnfinished("acme", running, "discord", new JsonObject()))).isTrue();
    for (long finished : new long[] {succeeded, failed, cancelled}) {
      assertThat(Await.result(store.rememberWhileUnfinished("acme", finished, "discord", new JsonObject())))
          .as("job %d", finished).isFalse();
      assertThat(Await.result(store.find("acme", finished))).as("job %d", finished).isEmpty();
    }
    assertThat(Await.result(store.find("acme", queued))).contains(new JsonObject());
  }

  @Test
  @DisplayName("a progress line is taken by one gateway only, with what its platform needs to edit")
  void takeProgressTakesALineOnce() {
    long job = job("acme", "running", "step 1");
    Await.result(store.remember("acme", job, "slack", ADDRESS));

    assertThat(Await.result(store.takeProgress("acme", job, "step 1")))
        .contains(new ProgressTaken("slack", ADDRESS, "echo hi", REPLY_TO));
    assertThat(Await.result(otherGateway.takeProgress("acme", job, "step 1"))).isEmpty();
    assertThat(Await.result(store.takeProgress("acme", job, "step 1"))).isEmpty();
    assertThat(shown("acme", job)).contains("step 1");

    setProgress(job, "step 2");
    assertThat(Await.result(otherGateway.takeProgress("acme", job, "step 2"))).isPresent();
    assertThat(Await.result(store.takeProgress("acme", job, "step 2"))).isEmpty();
  }

  @Test
  @DisplayName("a line that is no longer the job's latest is not taken")
  void takeProgressRefusesAStaleLine() {
    long job = job("acme", "running", "step 2");
    Await.result(store.remember("acme", job, "slack", ADDRESS));

    assertThat(Await.result(store.takeProgress("acme", job, "step 1"))).isEmpty();
    assertThat(shown("acme", job)).isEmpty();
    assertThat(Await.result(store.takeProgress("acme", job, "step 2"))).isPresent();
    assertThat(Await.result(otherGateway.takeProgress("acme", job, "step 1"))).isEmpty();
    assertThat(shown("acme", job)).contains("step 2");
  }

  @Test
  @DisplayName("no line is taken for a job that ended, is still queued, or has no message")
  void takeProgressRefusesJobsNotRunningOrWithoutMessage() {
    long succeeded = job("acme", "succeeded", "last step");
    long queued = job("acme", "queued", "early step");
    long withoutMessage = job("acme", "running", "step 1");
    Await.result(store.remember("acme", succeeded, "slack", ADDRESS));
    Await.result(store.remember("acme", queued, "slack", ADDRESS));

    assertThat(Await.result(store.takeProgress("acme", succeeded, "last step"))).isEmpty();
    assertThat(Await.result(store.takeProgress("acme", queued, "early step"))).isEmpty();
    assertThat(Await.result(store.takeProgress("acme", withoutMessage, "step 1"))).isEmpty();
    assertThat(shown("acme", succeeded)).isEmpty();
  }

  @Test
  @DisplayName("another tenant naming the same job id finds nothing, takes nothing and remembers over nothing")
  void tenantsAreIsolated() {
    long job = job("acme", "running", "step 1");
    Await.result(store.remember("acme", job, "slack", ADDRESS));

    assertThat(Await.result(store.find("globex", job))).isEmpty();
    assertThat(Await.result(store.takeProgress("globex", job, "step 1"))).isEmpty();
    assertThat(Await.result(store.rememberWhileUnfinished("globex", job, "slack", new JsonObject()))).isFalse();
    assertThat(shown("acme", job)).isEmpty();

    JsonObject globexAddress = new JsonObject().put("channel", "G1").put("ts", "1");
    assertThat(Await.result(store.remember("globex", job, "slack", globexAddress)))
        .as("a row of globex's own, beside acme's").isTrue();
    assertThat(Await.result(store.takeProgress("globex", job, "step 1")))
        .as("globex has no job of that id, so no progress").isEmpty();
    assertThat(Await.result(store.find("acme", job))).contains(ADDRESS);
    assertThat(Await.result(store.takeProgress("acme", job, "step 1")).map(ProgressTaken::address)).contains(ADDRESS);
    assertThat(shown("globex", job)).isEmpty();
  }

  private long job(String tenant, String status, String progress) {
    return Await.result(pool.preparedQuery("""
            INSERT INTO jobs (tenant_id, idempotency_key, platform, requester, channel, command, command_text, action,
                              arguments, reply_to, status, progress)
            VALUES ($1, $2, 'slack', 'U1', 'C1', 'echo', 'echo hi', 'echo', '{}', $3, $4, $5)
            RETURNING id""")
        .execute(Tuple.of(tenant, "k" + jobs.incrementAndGet(), REPLY_TO, status, progress)))
        .iterator().next().getLong("id");
  }

  private void setProgress(long job, String line) {
    Await.result(pool.preparedQuery("UPDATE jobs SET progress = $2 WHERE id = $1").execute(Tuple.of(job, line)));
  }

  /** The line the job's message shows now, as recorded. */
  private Optional<String> shown(String tenant, long job) {
    return Optional.ofNullable(Await.result(pool.preparedQuery(
            "SELECT progress FROM chat_job_messages WHERE tenant_id = $1 AND job_id = $2")
        .execute(Tuple.of(tenant, job))).iterator().next().getString("progress"));
  }
}

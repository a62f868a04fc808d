package io.switchboard.gateway.progress;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Context;
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

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JobMessageProgress} against a real PostgreSQL, with editors that record what they are
 * asked to show. Steps are held open with a promise, so nothing depends on timing.
 */
@DisplayName("JobMessageProgress: each line taken once and edited by the platform of the job's message")
class JobMessageProgressTest {

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> edits = new CopyOnWriteArrayList<>();
  private final JobMessageSteps steps = new JobMessageSteps();
  private Pool pool;
  private Context context;
  private JobMessageStore store;
  private JobMessageProgress progress;

  @BeforeEach
  void start() {
    DatabaseUrl url = TestDatabase.fresh();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme')");
    pool = TestDatabase.pool(vertx, url);
    store = new JobMessageStore(pool);
    context = vertx.getOrCreateContext();
    progress = new JobMessageProgress(store, steps, new GatewayMetrics(registry),
        Map.of("slack", editor("slack"), "discord", editor("discord"), "teams", editor("teams")));
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("a line goes to the editor of its job's platform, whichever platform that is")
  void linesGoToTheirPlatform() {
    long slack = runningJob("slack", "one");
    long discord = runningJob("discord", "two");
    long teams = runningJob("teams", "three");

    onContext(() -> Future.all(progress.show("acme", slack, "one"), progress.show("acme", discord, "two"),
        progress.show("acme", teams, "three")).mapEmpty());

    assertThat(edits).containsExactlyInAnyOrder("slack " + slack + " one", "discord " + discord + " two",
        "teams " + teams + " three");
  }

  @Test
  @DisplayName("lines that arrive while a step runs collapse into the latest, counted for the message's platform")
  void waitingLinesCollapseAndAreCounted() {
    long job = runningJob("teams", "step 3");
    Promise<Void> post = Promise.promise();

    Future<Void> first = onContext(() -> {
      steps.serially("acme", job, post::future);
      Future<Void> shown = progress.show("acme", job, "step 1");
      progress.show("acme", job, "step 2");
      progress.show("acme", job, "step 3");
      return Future.succeededFuture(shown);
    });
    assertThat(edits).isEmpty();
    onContext(() -> {
      post.complete();
      return first;
    });

    assertThat(edits).containsExactly("teams " + job + " step 3");
    assertThat(registry.counter("switchboard.progress.coalesced", "platform", "teams").count()).isEqualTo(2);
  }

  private JobMessageProgress.Editor editor(String platform) {
    return (tenantId, jobId, line, taken) -> {
      assertThat(taken.platform()).isEqualTo(platform);
      edits.add(platform + " " + jobId + " " + line);
      return Future.succeededFuture();
    };
  }

  /** A running job of tenant acme whose latest line is {@code line}, with a message on {@code platform}. */
  private long runningJob(String platform, String line) {
    long job = Await.result(pool.preparedQuery("""
            INSERT INTO jobs (tenant_id, idempotency_key, platform, requester, channel, command, command_text, action,
                              arguments, reply_to, status, progress)
            VALUES ('acme', $1, $2, 'U1', 'C1', 'echo', 'echo hi', 'echo', '{}', '{}', 'running', $3)
            RETURNING id""").execute(Tuple.of(platform + "-" + line, platform, line))).iterator().next().getLong(0);
    Await.result(store.remember("acme", job, platform, new JsonObject().put("on", platform)));
    return job;
  }

  private <T> T onContext(Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    return Await.result(done.future());
  }
}

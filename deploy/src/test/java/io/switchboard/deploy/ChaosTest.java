package io.switchboard.deploy;

import io.switchboard.audit.AuditChainVerifier;
import io.switchboard.audit.AuditKey;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.db.EmbeddedPostgresServer;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LocalResources;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos suite of issue 11: two gateways and several executors as separate processes in one
 * Hazelcast cluster on one real PostgreSQL, a steady stream of signed slash commands whose jobs call
 * a loopback ledger through the {@code http} action, and, while they run, executors SIGKILLed, an
 * executor paused with SIGSTOP past its lease and woken, PostgreSQL stopped and started again, and a
 * gateway SIGKILLed while it posts results. Then it checks what docs/reliability.md promises: every
 * acknowledged command has its job; no answer but 200 or 503 with {@code Retry-After}; every job
 * succeeded exactly once; each call at the ledger carries its job's key and every repeat is a
 * recorded attempt; every result reached Slack; the audit chain holds. It prints the table
 * (and writes {@code target/chaos/report.md}).
 *
 * <p>Sizes come from system properties; the defaults are the reduced run {@code .ci/run} makes, and
 * {@code mvn verify -Pchaos} runs the full one (see the root pom).
 */
@DisplayName("Chaos: processes killed and paused, PostgreSQL restarted, under a stream of commands")
class ChaosTest {

  private static final int COMMANDS = Integer.getInteger("chaos.commands", 300);
  private static final int PER_SECOND = Integer.getInteger("chaos.commandsPerSecond", 10);
  private static final int EXECUTORS = Integer.getInteger("chaos.executors", 2);
  private static final int EXECUTOR_KILLS = Integer.getInteger("chaos.executorKills", 2);
  private static final int PAUSES = Integer.getInteger("chaos.pauses", 1);
  private static final int POSTGRES_RESTARTS = Integer.getInteger("chaos.postgresRestarts", 1);
  private static final int GATEWAY_KILLS = Integer.getInteger("chaos.gatewayKills", 1);

  static final String EXECUTOR_KILL = "executor kill";
  static final String EXECUTOR_PAUSE = "executor pause";
  static final String POSTGRES_RESTART = "PostgreSQL restart";
  static final String GATEWAY_KILL = "gateway kill";

  private static final String SIGNING_SECRET = "chaos-signing-secret";
  private static final String ADMIN_TOKEN = "sbt_chaos_admin_token";
  private static final String USER = "U0CHAOS";
  /** The lease a job's attempt gets; a paused executor sleeps well past it. */
  private static final Duration LEASE = Duration.ofSeconds(8);
  private static final Duration PAUSE = LEASE.plusSeconds(4);
  private static final Duration POSTGRES_DOWN = Duration.ofSeconds(5);

  private final List<NodeProcess> gateways = new ArrayList<>();
  private final List<NodeProcess> executors = new ArrayList<>();
  private final Random random = new Random(11);
  private final Path runDir = Path.of("target", "chaos");
  private final Path postgresDir = runDir.resolve("postgres");
  private final Map<String, Integer> struck = new HashMap<>();
  private final List<Duration> recoveries = new ArrayList<>();
  /** The attempts (by lease id) a paused executor held while it was frozen, with their job and when it woke. */
  private final Map<String, Paused> pausedAttempts = new HashMap<>();
  private EmbeddedPostgresServer postgres;
  private int postgresPort;
  private DatabaseUrl database;
  private ChaosTargets targets;
  private CommandStream stream;

  @AfterEach
  void stop() {
    Stream.concat(gateways.stream(), executors.stream()).forEach(NodeProcess::stop);
    if (targets != null) {
      targets.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void nothingAcknowledgedIsLostNoJobSucceedsTwiceAndEveryResultIsPosted() throws Exception {
    startPostgres();
    targets = ChaosTargets.start(Duration.ofMillis(300), Duration.ofMillis(500));
    startCluster();
    installPolicy();

    stream = new CommandStream(gateways.stream().map(NodeProcess::baseUrl).toList(), targets, SIGNING_SECRET, USER);
    long loadStart = System.nanoTime();
    Duration loadTime = Duration.ofMillis(COMMANDS * 1000L / PER_SECOND);
    stream.send(COMMANDS, loadStart, loadTime);
    List<String> faults = faultPlan();
    for (int i = 0; i < faults.size(); i++) {
      sleepUntil(loadStart + loadTime.toNanos() * (i + 1) / (faults.size() + 1));
      strike(faults.get(i));
    }
    assertThat(stream.awaitAnswered(Duration.ofMinutes(5))).as("every command was answered").isTrue();
    long loadEnd = System.nanoTime();
    // A killed gateway's claimed results wait out their 30 s claim before another gateway posts them.
    awaitUntil(Duration.ofMinutes(3), "every job ended and its result was posted",
        () -> count("SELECT count(*) FROM jobs WHERE status NOT IN ('succeeded', 'failed', 'cancelled') "
            + "OR replied_at IS NULL") == 0);
    ChaosReport report = report(Duration.ofNanos(System.nanoTime() - loadEnd));
    report.print(runDir.resolve("report.md"));

    assertThat(stream.refusals()).as("answers other than 200 and 503").isEmpty();
    assertThat(stream.withoutRetryAfter()).as("503 answers without Retry-After").isZero();
    assertThat(stream.acknowledged()).as("commands acknowledged").hasSize(COMMANDS);
    assertThat(report.lost).as("acknowledged jobs missing from the database").isZero();
    assertThat(count("SELECT count(*) FROM jobs WHERE status <> 'succeeded'")).as("jobs that did not succeed").isZero();
    assertThat(count("SELECT count(*) FROM jobs j WHERE (SELECT count(*) FROM job_attempts a "
        + "WHERE a.job_id = j.id AND a.outcome = 'succeeded') <> 1")).as("jobs that succeeded more or less than once").isZero();
    // A statement sent just before the freeze may still record the attempt's result (its lease held);
    // nothing the executor sends for that attempt after it wakes may, since the lease has passed on.
    // (It may run the job again under a new lease: that is another attempt.)
    pausedAttempts.forEach((lease, paused) -> assertThat(count("SELECT count(*) FROM job_attempts WHERE lease_id = '"
        + lease + "' AND outcome <> 'lease_expired' AND ended_at > '" + paused.resumedAt() + "'::timestamptz"))
        .as("results of job %d's frozen attempt recorded after its executor woke", paused.job()).isZero());
    assertThat(pausedAttempts).as("the paused executors held jobs when they stopped").hasSizeGreaterThanOrEqualTo(PAUSES);
    assertThat(report.callsWithoutJob).as("ledger calls whose key is no job's").isZero();
    assertThat(report.jobsWithoutCall).as("jobs that never reached the ledger").isZero();
    assertThat(report.duplicatedEffects).as("commands that reached the ledger under two keys").isZero();
    assertThat(report.repeatsBeyondAttempts).as("jobs with more ledger calls than recorded attempts").isZero();
    assertThat(report.lostReplies).as("jobs whose result never reached Slack").isZero();
    assertThat(auditIntact()).as("the demo tenant's audit chain").isTrue();
  }

  /** Two gateways, then the executors, each a process of its own, all in one Hazelcast cluster. */
  private void startCluster() {
    List<Integer> clusterPorts = Stream.generate(LocalResources::freePort).limit(2 + EXECUTORS).toList();
    String members = clusterPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    for (int i = 0; i < 2; i++) {
      int httpPort = LocalResources.freePort();
      NodeProcess gateway = NodeProcess.start("gateway-" + (i + 1), runDir, "gateway",
          env("gateway-" + (i + 1), members, clusterPorts.get(i), httpPort, true), httpPort);
      gateway.awaitReady(Duration.ofSeconds(90));
      gateways.add(gateway);
    }
    for (int i = 0; i < EXECUTORS; i++) {
      int httpPort = LocalResources.freePort();
      executors.add(NodeProcess.start("executor-" + (i + 1), runDir, "executor",
          env("executor-" + (i + 1), members, clusterPorts.get(2 + i), httpPort, false), httpPort));
    }
    executors.forEach(executor -> executor.awaitReady(Duration.ofSeconds(90)));
  }

  // ------------------------------------------------------------------ the load

  private void installPolicy() throws IOException, InterruptedException {
    targets.installHookPolicy(gateways.get(0).baseUrl(), ADMIN_TOKEN, USER);
    execute("UPDATE tenants SET max_running_jobs = 100 WHERE id = 'demo'");
  }

  // ------------------------------------------------------------------ the faults

  /** The faults in the order they strike, spread evenly: kinds taken in turn, so each kind hits early and late. */
  private static List<String> faultPlan() {
    Map<String, Integer> left = new java.util.LinkedHashMap<>();
    left.put(EXECUTOR_KILL, EXECUTOR_KILLS);
    left.put(EXECUTOR_PAUSE, PAUSES);
    left.put(POSTGRES_RESTART, POSTGRES_RESTARTS);
    left.put(GATEWAY_KILL, GATEWAY_KILLS);
    List<String> plan = new ArrayList<>();
    while (left.values().stream().anyMatch(n -> n > 0)) {
      left.replaceAll((kind, n) -> {
        if (n > 0) {
          plan.add(kind);
        }
        return Math.max(0, n - 1);
      });
    }
    return plan;
  }

  private void strike(String fault) throws IOException {
    System.out.println("Chaos: " + fault + " at " + Instant.now());
    switch (fault) {
      case EXECUTOR_KILL -> {
        NodeProcess victim = busyExecutor();
        victim.kill();
        victim.restart();
      }
      case EXECUTOR_PAUSE -> {
        // Frozen while it holds a job: one whose jobs all finished as it stopped is woken and another tried.
        for (int tries = 0; tries < 5; tries++) {
          NodeProcess victim = busyExecutor();
          victim.pause();
          // what it had sent before it stopped has landed; what it holds now, it holds while frozen
          NodeProcess.sleep(Duration.ofMillis(500));
          Map<String, Long> held = runningAttemptsOf(victim);
          if (held.isEmpty()) {
            victim.resume();
            continue;
          }
          NodeProcess.sleep(PAUSE);
          Instant resumedAt = Instant.now();
          victim.resume();
          held.forEach((lease, job) -> pausedAttempts.put(lease, new Paused(job, resumedAt)));
          break;
        }
      }
      case POSTGRES_RESTART -> {
        postgres.close();
        NodeProcess.sleep(POSTGRES_DOWN);
        long restarted = System.nanoTime();
        startPostgres();
        awaitUntil(Duration.ofMinutes(2), "a command acknowledged after PostgreSQL came back",
            () -> stream.firstAcknowledgementAfter(restarted).isPresent());
        recoveries.add(stream.firstAcknowledgementAfter(restarted).orElseThrow());
      }
      case GATEWAY_KILL -> {
        // Results stop being answered, so the gateways hold some in flight when one dies; held for less
        // than the gateways' 10 s post timeout, so the one that lives sees its posts answered.
        targets.holdReplies();
        long holding = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (targets.repliesHeld() < 2 && System.nanoTime() < holding) {
          NodeProcess.sleep(Duration.ofMillis(50));
        }
        NodeProcess victim = gateways.get(random.nextInt(gateways.size()));
        victim.kill();
        targets.releaseReplies();
        NodeProcess.sleep(Duration.ofSeconds(2));
        victim.restart();
        victim.awaitReady(Duration.ofSeconds(90));
      }
      default -> throw new IllegalStateException(fault);
    }
    struck.merge(fault, 1, Integer::sum);
  }

  /** An executor holding a running job (waiting a little for one), else any. */
  private NodeProcess busyExecutor() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      List<NodeProcess> busy = executors.stream().filter(executor -> !runningAttemptsOf(executor).isEmpty()).toList();
      if (!busy.isEmpty()) {
        return busy.get(random.nextInt(busy.size()));
      }
      NodeProcess.sleep(Duration.ofMillis(50));
    }
    return executors.get(random.nextInt(executors.size()));
  }

  /** The executor's running attempts: their lease ids, with their jobs. */
  private Map<String, Long> runningAttemptsOf(NodeProcess executor) {
    Map<String, Long> attempts = new HashMap<>();
    try {
      query("SELECT lease_id, id FROM jobs WHERE status = 'running' AND lease_owner LIKE '%" + executor.ownerMark() + "%'",
          row -> attempts.put(row.getString(1), row.getLong(2)));
    } catch (IllegalStateException e) {
      return Map.of();
    }
    return attempts;
  }

  private void startPostgres() throws IOException {
    if (postgres == null) {
      LocalResources.deleteRecursively(runDir);
      postgresPort = LocalResources.freePort();
    }
    postgres = EmbeddedPostgresServer.start(postgresDir, postgresPort);
    database = postgres.url();
  }

  // ------------------------------------------------------------------ the verdict

  private record Paused(long job, Instant resumedAt) {
  }

  private ChaosReport report(Duration drain) {
    Map<Long, String> keyOfJob = new HashMap<>();
    Map<Long, Long> attemptsOfJob = new HashMap<>();
    query("SELECT j.id, j.idempotency_key, (SELECT count(*) FROM job_attempts a WHERE a.job_id = j.id) FROM jobs j",
        row -> {
          keyOfJob.put(row.getLong(1), row.getString(2));
          attemptsOfJob.put(row.getLong(1), row.getLong(3));
        });
    long fenced = pausedAttempts.keySet().stream().filter(lease -> count("SELECT count(*) FROM job_attempts "
        + "WHERE lease_id = '" + lease + "' AND outcome = 'lease_expired'") > 0).count();
    return new ChaosReport(COMMANDS + " at " + PER_SECOND + "/s to 2 gateways", struck, recoveries, drain, stream,
        targets, keyOfJob, attemptsOfJob, pausedAttempts.size(), fenced);
  }

  private boolean auditIntact() {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = TestDatabase.pool(vertx, database);
      AuditKey key = SwitchboardNode.auditKey(MasterKey.fromBase64(TestSecrets.MASTER_KEY));
      return Await.result(new AuditChainVerifier(pool, Optional.of(key)).verify("demo")).isIntact();
    } finally {
      Await.result(vertx.close());
    }
  }

  // ------------------------------------------------------------------ plumbing

  private Map<String, String> env(String name, String members, int clusterPort, int httpPort, boolean gateway) {
    Map<String, String> env = new HashMap<>();
    env.put("SWITCHBOARD_DATABASE_URL", database.withCredentials());
    env.put("SWITCHBOARD_AUDIT_ANCHOR_FILE", runDir.resolve(name + "-anchors.jsonl").toString());
    env.put("SWITCHBOARD_DEMO_TENANT", Boolean.toString(gateway));
    if (gateway) {
      env.put("SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET", SIGNING_SECRET);
      env.put("SWITCHBOARD_DEMO_ADMIN_TOKEN", ADMIN_TOKEN);
    }
    env.put("SWITCHBOARD_HTTP_HOST", "127.0.0.1");
    env.put("SWITCHBOARD_HTTP_PORT", Integer.toString(httpPort));
    env.put("SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", targets.responseUrlPrefix());
    env.put("SWITCHBOARD_EXECUTOR_POLL_MILLIS", "200");
    env.put("SWITCHBOARD_EXECUTOR_CONCURRENCY", "8");
    env.put("SWITCHBOARD_ACTION_TIMEOUT_SECONDS", "3");
    env.put("SWITCHBOARD_JOB_LEASE_SECONDS", Long.toString(LEASE.toSeconds()));
    env.put("SWITCHBOARD_HTTP_ACTION_ALLOW_PRIVATE", "true");
    env.put("SWITCHBOARD_CLUSTER_MEMBERS", members);
    env.put("SWITCHBOARD_CLUSTER_PORT", Integer.toString(clusterPort));
    env.put("SWITCHBOARD_MASTER_KEY", TestSecrets.MASTER_KEY);
    return env;
  }

  private interface RowReader {
    void read(ResultSet row) throws SQLException;
  }

  private void query(String sql, RowReader reader) {
    try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        reader.read(rows);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private long count(String sql) {
    long[] value = new long[1];
    query(sql, row -> value[0] = row.getLong(1));
    return value[0];
  }

  private void execute(String sql) {
    TestDatabase.execute(database, sql);
  }

  private static void awaitUntil(Duration limit, String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (IllegalStateException e) {
        // the database is restarting
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + limit + " waiting for: " + what);
      }
      NodeProcess.sleep(Duration.ofMillis(200));
    }
  }

  private static void sleepUntil(long nanoTime) {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      NodeProcess.sleep(Duration.ofNanos(wait));
    }
  }
}

package io.switchboard.deploy;

import io.switchboard.audit.AuditChainVerifier;
import io.switchboard.audit.AuditKey;
import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LocalResources;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.testkit.slack.SlackResponseUrlServer;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gateways and executors in separate Vert.x nodes joined by the Hazelcast-clustered event bus, on
 * loopback only: wake-ups and results cross nodes, and a SIGKILLed executor process loses no job.
 */
@DisplayName("A clustered gateway and executors")
class ClusterTest {

  private static final String SECRET = "cluster-signing-secret";

  private final Vertx vertx = Vertx.vertx();
  private final List<SwitchboardNode> nodes = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private SlackResponseUrlServer slack;
  private DatabaseUrl database;
  private Pool pool;

  @BeforeEach
  void start() {
    slack = SlackResponseUrlServer.start();
    database = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, database);
  }

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    nodes.forEach(SwitchboardNode::close);
    slack.close();
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("a command taken by the gateway is run by an executor that only the cluster can wake")
  void wakeUpsAndResultsCrossTheCluster() {
    int gatewayPort = LocalResources.freePort();
    int executorPort = LocalResources.freePort();
    String members = "127.0.0.1:" + gatewayPort + ",127.0.0.1:" + executorPort;
    SwitchboardNode gateway = start(Role.GATEWAY, members, gatewayPort, Map.of());
    // The executor never polls after start-up: only a wake-up over the cluster can start the job.
    start(Role.EXECUTOR, members, executorPort, Map.of("SWITCHBOARD_EXECUTOR_POLL_MILLIS", "3600000"));

    var ack = SignedSlashCommand.of(SECRET, "T0DEMO", "echo across the cluster", slack.responseUrl("c1"))
        .post("http://127.0.0.1:" + gateway.httpPort());
    assertThat(ack.statusCode()).isEqualTo(200);

    Await.until("the result reaches Slack", () -> !slack.posts().isEmpty());
    assertThat(slack.posts().get(0).message().encode()).contains("across the cluster").contains("succeeded");
    assertThat(Await.result(pool.query("SELECT lease_owner, status FROM jobs").execute()).iterator().next()
        .getString("status")).isEqualTo("succeeded");
  }

  @Test
  @DisplayName("jobs of a SIGKILLed executor process run again elsewhere, each succeeding exactly once")
  void aKilledExecutorLosesNoJob() throws Exception {
    int gatewayPort = LocalResources.freePort();
    int firstPort = LocalResources.freePort();
    int secondPort = LocalResources.freePort();
    String members = "127.0.0.1:" + gatewayPort + ",127.0.0.1:" + firstPort + ",127.0.0.1:" + secondPort;
    start(Role.GATEWAY, members, gatewayPort, Map.of());
    Process first = spawnExecutor(members, firstPort, "first");
    spawnExecutor(members, secondPort, "second");

    int jobs = 24;
    for (int i = 0; i < jobs; i++) {
      TestDatabase.execute(database, "INSERT INTO jobs (tenant_id, idempotency_key, platform, requester, channel, "
          + "command, command_text, action, arguments, reply_to, status) VALUES ('demo', 'kill-" + i + "', 'slack', "
          + "'U0TEST', 'C0TEST', 'slow', '/ops slow', 'slow', '{\"millis\": 1500}', '{\"kind\":\"slack_response_url\","
          + "\"url\":\"" + slack.responseUrl("k" + i) + "\"}', 'queued')");
    }
    TestDatabase.execute(database, "UPDATE tenants SET max_running_jobs = 100 WHERE id = 'demo'");
    String victim = "/" + first.pid() + "/";
    Await.until("the first executor is running jobs", () -> count(
        "SELECT count(*) FROM jobs WHERE status = 'running' AND lease_owner LIKE '%" + victim + "%'") > 0);
    long heldByVictim = count("SELECT count(*) FROM jobs WHERE status = 'running' AND lease_owner LIKE '%" + victim + "%'");
    first.destroyForcibly().waitFor();

    Await.until("every job has succeeded", () -> count("SELECT count(*) FROM jobs WHERE status = 'succeeded'") == jobs);
    assertThat(count("SELECT count(*) FROM jobs WHERE status <> 'succeeded'")).isZero();
    assertThat(count("SELECT count(*) FROM (SELECT job_id FROM job_attempts WHERE outcome = 'succeeded' "
        + "GROUP BY job_id HAVING count(*) <> 1) AS twice")).as("jobs that succeeded more or less than once").isZero();
    long expired = count("SELECT count(*) FROM job_attempts WHERE outcome = 'lease_expired' "
        + "AND executor LIKE '%" + victim + "%'");
    assertThat(expired).as("attempts the killed executor lost").isEqualTo(heldByVictim);
    assertThat(count("SELECT count(*) FROM jobs WHERE attempts = 2")).isEqualTo(heldByVictim);
    assertThat(count("SELECT count(*) FROM job_attempts a JOIN jobs j ON j.id = a.job_id "
        + "WHERE a.outcome = 'lease_expired' AND j.status = 'succeeded'")).isEqualTo(heldByVictim);
    AuditKey nodesKey = SwitchboardNode.auditKey(MasterKey.fromBase64(TestSecrets.MASTER_KEY));
    assertThat(Await.result(new AuditChainVerifier(pool, Optional.of(nodesKey)).verify("demo")).isIntact()).isTrue();
    Await.until("every result reached Slack", () -> count("SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL") == jobs);
    List<String> posted = slack.posts().stream().map(post -> post.message().encode()).toList();
    for (Row row : Await.result(pool.query("SELECT id FROM jobs").execute())) {
      assertThat(posted.stream().filter(message -> message.contains("(job " + row.getLong("id") + ")")).count())
          .as("messages (single results or digests) showing job %d", row.getLong("id")).isEqualTo(1);
    }
  }

  private SwitchboardNode start(Role role, String members, int clusterPort, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(baseEnv(members, clusterPort));
    env.put("SWITCHBOARD_DEMO_TENANT", "true");
    env.putAll(overrides);
    SwitchboardNode node = SwitchboardNode.start(SwitchboardConfig.fromEnv(env), TestSecrets.SETTINGS, role);
    nodes.add(node);
    return node;
  }

  private Process spawnExecutor(String members, int clusterPort, String name) throws IOException {
    Path log = Path.of("target", "cluster-test-" + name + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"),
        Switchboard.class.getName(), "executor")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(baseEnv(members, clusterPort));
    builder.environment().put("SWITCHBOARD_EXECUTOR_CONCURRENCY", "6");
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private Map<String, String> baseEnv(String members, int clusterPort) {
    Map<String, String> env = new HashMap<>();
    env.put("SWITCHBOARD_DATABASE_URL", database.withCredentials());
    env.put("SWITCHBOARD_AUDIT_ANCHOR_FILE", TestSecrets.anchorFile());
    env.put("SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET", SECRET);
    env.put("SWITCHBOARD_HTTP_HOST", "127.0.0.1");
    env.put("SWITCHBOARD_HTTP_PORT", "0");
    env.put("SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", slack.prefix());
    env.put("SWITCHBOARD_EXECUTOR_POLL_MILLIS", "200");
    env.put("SWITCHBOARD_ACTION_TIMEOUT_SECONDS", "5");
    env.put("SWITCHBOARD_JOB_LEASE_SECONDS", "10");
    env.put("SWITCHBOARD_CLUSTER_MEMBERS", members);
    env.put("SWITCHBOARD_CLUSTER_PORT", Integer.toString(clusterPort));
    env.put("SWITCHBOARD_MASTER_KEY", TestSecrets.MASTER_KEY);
    return env;
  }

  private long count(String sql) {
    List<Row> rows = Await.result(pool.query(sql).execute()).stream().toList();
    return rows.get(0).getLong(0);
  }
}

package io.switchboard.deploy;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LocalResources;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/local/cluster} run for real, as an operator runs it, on the packaged jar (failsafe,
 * after {@code package}): {@code up --executors 1} (Debian's PostgreSQL, migrate, two gateways, one
 * executor), then, while signed slash commands go to both gateways in turn and each job spends a
 * while at a loopback ledger, {@code scale executors 2} and {@code scale executors 1}. Every
 * acknowledged job succeeds exactly once and reaches the ledger once (the executor removed drains,
 * it does not drop or repeat a job), both gateways took commands, the new executor ran jobs, and the
 * executor processes match the scale. {@code down} leaves no process behind.
 */
@DisplayName("deploy/local/cluster: executors added and removed live lose no job")
class LocalClusterIT {

  private static final Path SCRIPT = Path.of("local", "cluster").toAbsolutePath();
  private static final Path JAR = Path.of(System.getProperty("switchboard.jar", "target/switchboard.jar"))
      .toAbsolutePath();
  private static final Path DIR = Path.of("target", "local-cluster").toAbsolutePath();
  /** What every JVM of the cluster carries on its command line (the script's mark). */
  private static final String MARK = "-Dswitchboard.local.cluster=" + DIR + " ";
  private static final String USER = "U0LOCAL";
  private static final Duration BETWEEN_COMMANDS = Duration.ofSeconds(1);
  /** How long each job's call at the ledger takes: with a command a second, two or three run at once. */
  private static final Duration JOB_TIME = Duration.ofSeconds(2);
  private static final int MOST_COMMANDS = 300;

  private static ChaosTargets targets;
  private static final Vertx VERTX = Vertx.vertx();
  private static Pool pool;

  @BeforeAll
  static void debiansPostgresIsInstalled() {
    Assumptions.assumeTrue(postgresBinaries(), "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin "
        + "(Debian's postgresql package; .ci/run installs it)");
    assertThat(JAR).as("the packaged jar (mvn package builds it)").isRegularFile();
  }

  @AfterAll
  static void down() throws Exception {
    try {
      if (pool != null) {
        Await.result(pool.close());
      }
      Await.result(VERTX.close());
      if (Files.isDirectory(DIR)) {
        Run down = cluster("down");
        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(clusterProcesses()).as("processes of the cluster left after down").isEmpty();
      }
    } finally {
      if (targets != null) {
        targets.close();
      }
    }
  }

  @Test
  @DisplayName("up, commands through both gateways, scale 1 -> 2 -> 1 while they flow, every job once")
  void executorsComeAndGoWithoutLosingAJob() throws Exception {
    long began = System.nanoTime();
    if (Files.isDirectory(DIR)) {
      cluster("down", "--purge");  // a run before this one died before its own down
    }
    targets = ChaosTargets.start(JOB_TIME, Duration.ZERO);
    Run up = cluster(Map.of(
        "SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", targets.responseUrlPrefix(),
        "SWITCHBOARD_HTTP_ACTION_ALLOW_PRIVATE", "true",
        "SWITCHBOARD_EXECUTOR_POLL_MILLIS", "500"), "up", "--executors", "1", "--jar", JAR.toString());
    assertThat(up.exitCode()).as(up.output()).isZero();
    Duration upTook = elapsedSince(began);
    assertThat(processesOf("gateway")).as("gateway processes").hasSize(2);
    assertThat(processesOf("executor")).as("executor processes after up").hasSize(1);
    assertThat(cluster("up").exitCode()).as("a second up in the same directory is refused").isEqualTo(1);

    List<String> gateways = List.of(url("gateway-1"), url("gateway-2"));
    targets.installHookPolicy(gateways.get(0), read("secrets/demo-admin-token"), USER);
    DatabaseUrl database = DatabaseUrl.parse("postgresql://switchboard:" + read("secrets/database.password")
        + "@127.0.0.1:" + read("postgres.port") + "/switchboard");
    TestDatabase.execute(database, "UPDATE tenants SET max_running_jobs = 100 WHERE id = 'demo'");
    pool = TestDatabase.pool(VERTX, database);

    CommandStream stream = new CommandStream(gateways, targets, read("secrets/demo-signing-secret"), USER);
    stream.send(MOST_COMMANDS, System.nanoTime(), BETWEEN_COMMANDS.multipliedBy(MOST_COMMANDS));
    Await.until("the first job succeeded", () -> count(
        "SELECT count(*) FROM jobs WHERE status = 'succeeded'") > 0);

    long scaleUp = System.nanoTime();
    Run two = cluster("scale", "executors", "2");
    assertThat(two.exitCode()).as(two.output()).isZero();
    Duration scaleUpTook = elapsedSince(scaleUp);
    assertThat(processesOf("executor")).as("executor processes after scale executors 2").hasSize(2);
    String added = ownerMark("executor-2");
    Await.until("the added executor is running a job", () -> count(
        "SELECT count(*) FROM jobs WHERE status = 'running' AND lease_owner LIKE '%" + added + "%'") > 0);

    long scaleDown = System.nanoTime();
    long heldWhenStopped = count("SELECT count(*) FROM jobs WHERE status = 'running' AND lease_owner LIKE '%" + added + "%'");
    Run one = cluster("scale", "executors", "1");
    assertThat(one.exitCode()).as(one.output()).isZero();
    Duration scaleDownTook = elapsedSince(scaleDown);
    assertThat(processesOf("executor")).as("executor processes after scale executors 1").hasSize(1);
    assertThat(processesOf("executor").get(0).pid()).as("the first executor stays")
        .isEqualTo(Long.parseLong(read("nodes/executor-1/pid")));
    // A few more commands on the one executor left, then no new ones.
    long afterScaleDown = stream.acknowledged().size();
    Await.until("five commands acknowledged after the scale-down",
        () -> stream.acknowledged().size() >= afterScaleDown + 5);
    stream.stop();
    assertThat(stream.awaitAnswered(Duration.ofMinutes(3))).as("every command sent was answered").isTrue();
    Await.until("every job ended", () -> count(
        "SELECT count(*) FROM jobs WHERE status NOT IN ('succeeded', 'failed', 'cancelled')") == 0);

    Map<Integer, Long> acknowledged = stream.acknowledged();
    Map<Long, String> keyOfJob = new HashMap<>();
    for (Row row : rows("SELECT id, idempotency_key FROM jobs")) {
      keyOfJob.put(row.getLong("id"), row.getString("idempotency_key"));
    }
    Map<String, Long> callsByKey = targets.calls().stream()
        .collect(Collectors.groupingBy(ChaosTargets.Call::idempotencyKey, Collectors.counting()));
    System.out.printf("LocalClusterIT: up %d s, scale 1->2 %d s, scale 2->1 %d s (the removed executor held %d "
            + "running job(s)); %d commands acknowledged (%d by gateway-1, %d by gateway-2), %d ledger calls; "
            + "whole test %d s%n", upTook.toSeconds(), scaleUpTook.toSeconds(), scaleDownTook.toSeconds(),
        heldWhenStopped, acknowledged.size(), acknowledgedBy(stream, gateways.get(0)),
        acknowledgedBy(stream, gateways.get(1)), targets.calls().size(), elapsedSince(began).toSeconds());

    assertThat(stream.refusals()).as("answers other than 200 and 503").isEmpty();
    assertThat(acknowledgedBy(stream, gateways.get(0))).as("commands gateway-1 acknowledged").isPositive();
    assertThat(acknowledgedBy(stream, gateways.get(1))).as("commands gateway-2 acknowledged").isPositive();
    assertThat(keyOfJob.keySet()).as("the jobs in the database: every acknowledged one, and no other")
        .containsExactlyInAnyOrderElementsOf(acknowledged.values());
    assertThat(count("SELECT count(*) FROM jobs WHERE status <> 'succeeded'")).as("jobs that did not succeed").isZero();
    assertThat(count("SELECT count(*) FROM jobs j WHERE (SELECT count(*) FROM job_attempts a "
        + "WHERE a.job_id = j.id AND a.outcome = 'succeeded') <> 1")).as("jobs that succeeded more or less than once")
        .isZero();
    assertThat(keyOfJob.values().stream().filter(key -> callsByKey.getOrDefault(key, 0L) != 1).toList())
        .as("jobs that reached the ledger more or less than once").isEmpty();
    assertThat(callsByKey.keySet()).as("ledger calls of no job").isSubsetOf(keyOfJob.values());
    assertThat(count("SELECT count(*) FROM job_attempts WHERE executor LIKE '%" + added + "%' AND outcome = 'succeeded'"))
        .as("jobs the added executor ran").isPositive();
    String remaining = ownerMark("executor-1");
    assertThat(count("SELECT count(*) FROM job_attempts WHERE executor LIKE '%" + remaining + "%' AND outcome = 'succeeded' "
        + "AND ended_at > (SELECT max(ended_at) FROM job_attempts WHERE executor LIKE '%" + added + "%')"))
        .as("jobs the remaining executor ran after the added one had stopped").isPositive();
    assertThat(stream.firstAcknowledgementAfter(scaleDown)).as("commands acknowledged while scaling down").isPresent();
    assertThat(stream.firstAcknowledgementAfter(scaleUp)).as("commands acknowledged while scaling up").isPresent();
  }

  // ------------------------------------------------------------------ the script and its processes

  private record Run(int exitCode, String output) {
  }

  private static Run cluster(String... args) throws IOException, InterruptedException {
    return cluster(Map.of(), args);
  }

  /** Runs the script with {@code --dir DIR}, only {@code env}'s SWITCHBOARD_* variables, and waits (at most 5 minutes). */
  private static Run cluster(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--dir", DIR.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("SWITCHBOARD_"));
    builder.environment().putAll(env);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("cluster %s ended", String.join(" ", args)).isTrue();
    System.out.println("$ deploy/local/cluster " + String.join(" ", args) + "\n" + output);
    return new Run(process.exitValue(), output);
  }

  /** Every process whose command line carries the cluster's directory: its JVMs and its PostgreSQL. */
  private static List<ProcessHandle> clusterProcesses() {
    String postgresData = DIR.resolve("postgres").resolve("data").toString();
    return ProcessHandle.allProcesses().filter(process -> process.info().commandLine()
        .map(line -> line.contains(MARK) || line.contains(postgresData)).orElse(false)).toList();
  }

  /** The cluster's JVMs of one role (the last word of their command line). */
  private static List<ProcessHandle> processesOf(String role) {
    return clusterProcesses().stream().filter(process -> process.info().commandLine()
        .map(line -> line.contains(MARK) && line.endsWith(" " + role)).orElse(false)).toList();
  }

  private static String url(String node) throws IOException {
    return "http://127.0.0.1:" + read("nodes/" + node + "/http.port");
  }

  /** The part of {@code lease_owner} and {@code job_attempts.executor} that names a node's process. */
  private static String ownerMark(String node) throws IOException {
    return "/" + read("nodes/" + node + "/pid") + "/";
  }

  private static String read(String file) throws IOException {
    return Files.readString(DIR.resolve(file)).strip();
  }

  private static boolean postgresBinaries() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.anyMatch(version -> Files.isExecutable(version.resolve("bin").resolve("initdb")));
    } catch (IOException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------ plumbing

  private static long acknowledgedBy(CommandStream stream, String gateway) {
    return stream.acknowledgedBy().values().stream().filter(gateway::equals).count();
  }

  private static List<Row> rows(String sql) {
    List<Row> rows = new ArrayList<>();
    Await.result(pool.query(sql).execute()).forEach(rows::add);
    return rows;
  }

  private static long count(String sql) {
    return rows(sql).get(0).getLong(0);
  }

  private static Duration elapsedSince(long nanoTime) {
    return Duration.ofNanos(System.nanoTime() - nanoTime);
  }
}

package io.switchboard.loadtests;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Pushes N no-op ({@code echo}) jobs through Switchboard's PostgreSQL job queue, first with one
 * executor process, then with two (by default), and prints throughput and latency figures taken
 * from the database ({@code jobs}, {@code job_attempts}), not from wall-clock guesses.
 *
 * <p>For each process count: a fresh database on an embedded PostgreSQL 17 (data under
 * {@code target/bench-postgres}); the schema applied by the real launcher ({@code java -jar
 * switchboard.jar migrate}); the tenants inserted <em>suspended</em> and the N jobs inserted in one
 * statement; K processes {@code java -jar switchboard.jar executor} started (output in
 * {@code target/bench-logs/}); once every one of them is up and {@code /ready}, the tenants are
 * activated in one statement, so all executors meet the same full queue at the same moment (a
 * suspended tenant's jobs are never claimed). Then it waits until every job is final and stops the
 * processes with SIGTERM.
 *
 * <p>Run by hand only ({@code mvn -f loadtests/pom.xml -q test-compile exec:java}); see README.md.
 * Options are system properties: {@code jobs}, {@code tenants}, {@code concurrency},
 * {@code processes}, {@code jar}, {@code pollMillis}, {@code timeoutSeconds}, {@code stopAfter} (stop
 * once that many jobs are final, so that the figures are taken with the rest still queued: how the
 * claim behaves in front of a deep queue), and for profiling
 * {@code executorJvmArgs} (e.g. a JFR recording). Each run also prints the statements PostgreSQL
 * spent most time on ({@code pg_stat_statements}, reset when the gate opens).
 */
public final class QueueBenchmark {

  private static final String TENANT_PREFIX = "bench-";
  private static final int MAX_RUNNING_JOBS = 1000;
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);
  private static final Pattern LOG_PROBLEM =
      Pattern.compile("\\b(WARN|ERROR)\\b|Exception|deadlock|lease|lost", Pattern.CASE_INSENSITIVE);

  /**
   * The local secret store's key, shared by every process of a run: nodes on one database must share
   * it (the launcher refuses to start an executor on an external database without it).
   */
  private static final String MASTER_KEY = randomKey();

  /** Started executor processes, so a Ctrl-C of the benchmark does not leave them running. */
  private static final List<Process> CHILDREN = new CopyOnWriteArrayList<>();

  private QueueBenchmark() {
  }

  /** The options, from system properties. */
  record Settings(int jobs, int tenants, int concurrency, List<Integer> processes, Path jar, int pollMillis,
                  Duration timeout, Path targetDir, List<String> executorJvmArgs, int stopAfter) {

    /** How many jobs a run waits for: all, or {@code stopAfter} of them. */
    int measured() {
      return Math.min(jobs, stopAfter);
    }

    static Settings fromSystemProperties() {
      Path moduleDir = Path.of(System.getProperty("loadtests.dir", ".")).toAbsolutePath().normalize();
      Path jar = Path.of(System.getProperty("jar", "../deploy/target/switchboard.jar"));
      if (!jar.isAbsolute()) {
        jar = moduleDir.resolve(jar);
      }
      List<Integer> processes = Arrays.stream(System.getProperty("processes", "1,2").split(","))
          .map(String::trim).filter(s -> !s.isEmpty()).map(s -> positive("processes", s)).toList();
      if (processes.isEmpty()) {
        throw new IllegalArgumentException("-Dprocesses must list at least one process count, e.g. 1,2");
      }
      return new Settings(
          positive("jobs", System.getProperty("jobs", "5000")),
          positive("tenants", System.getProperty("tenants", "8")),
          positive("concurrency", System.getProperty("concurrency", "16")),
          processes,
          jar.normalize(),
          positive("pollMillis", System.getProperty("pollMillis", "100")),
          Duration.ofSeconds(positive("timeoutSeconds", System.getProperty("timeoutSeconds", "600"))),
          moduleDir.resolve("target"),
          Arrays.stream(System.getProperty("executorJvmArgs", "").trim().split("\\s+")).filter(a -> !a.isEmpty()).toList(),
          positive("stopAfter", System.getProperty("stopAfter", Integer.toString(Integer.MAX_VALUE))));
    }

    private static int positive(String name, String value) {
      try {
        int n = Integer.parseInt(value.trim());
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("-D" + name + " must be a positive whole number (got '" + value + "')");
    }
  }

  /** What one run (one process count) measured. */
  record Result(int processes, double jobsPerSecond, double drainSeconds, double p50, double p95, double p99,
                double max, long failed) {
  }

  /** One executor process and where its output goes. */
  record Executor(int index, Process process, int httpPort, Path log) {
  }

  public static void main(String[] args) throws Exception {
    Settings settings = Settings.fromSystemProperties();
    if (!Files.isRegularFile(settings.jar())) {
      throw new IllegalStateException("Switchboard jar not found at " + settings.jar()
          + ". Build it first: mvn -q -DskipTests package -pl deploy -am (or pass -Djar=/path/to/switchboard.jar)");
    }
    Path logs = settings.targetDir().resolve("bench-logs");
    Files.createDirectories(logs);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> CHILDREN.forEach(Process::destroyForcibly),
        "queue-benchmark-children"));

    System.out.printf(Locale.ROOT, "%nSwitchboard queue benchmark: %d echo jobs over %d tenants, executor concurrency %d, "
            + "poll %d ms, processes %s%n  jar  %s%n  logs %s%n  machine: %d cores seen by the JVM, shared by PostgreSQL, "
            + "the executors and this benchmark%n",
        settings.jobs(), settings.tenants(), settings.concurrency(), settings.pollMillis(), settings.processes(),
        settings.jar(), logs, Runtime.getRuntime().availableProcessors());

    List<Result> results = new ArrayList<>();
    try (EmbeddedPostgres postgres = startPostgres(settings.targetDir())) {
      System.out.printf(Locale.ROOT, "  PostgreSQL %s on 127.0.0.1:%d (data under %s)%n",
          serverVersion(postgres), postgres.getPort(), settings.targetDir().resolve("bench-postgres"));
      ProcessHandle postmaster = postmaster(settings.targetDir());
      for (int processes : settings.processes()) {
        results.add(runOnce(settings, postgres.getPort(), postmaster, processes, logs));
      }
    }
    printComparison(results);
  }

  // ---------------------------------------------------------------------------------------------
  // PostgreSQL

  private static EmbeddedPostgres startPostgres(Path targetDir) throws IOException {
    Path base = targetDir.resolve("bench-postgres");
    Path data = base.resolve("data");
    Path binaries = base.resolve("bin");
    deleteRecursively(data);
    Files.createDirectories(data);
    Files.createDirectories(binaries);
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(true)
        .setOverrideWorkingDirectory(binaries.toFile())
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "300")
        .setServerConfig("shared_preload_libraries", "pg_stat_statements")
        // durable, as the node's embedded PostgreSQL: zonky turns both off (-F) unless told otherwise
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .start();
  }

  /** The PostgreSQL server process (first line of {@code postmaster.pid}), for CPU accounting. */
  private static ProcessHandle postmaster(Path targetDir) throws IOException {
    Path pidFile = targetDir.resolve("bench-postgres").resolve("data").resolve("postmaster.pid");
    long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.US_ASCII).get(0).trim());
    return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no PostgreSQL process " + pid));
  }

  private static String serverVersion(EmbeddedPostgres postgres) throws SQLException {
    try (Connection c = connect(postgres.getPort(), "postgres");
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static Connection connect(int port, String database) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", "");
  }

  // ---------------------------------------------------------------------------------------------
  // One run

  private static Result runOnce(Settings settings, int port, ProcessHandle postmaster, int processes, Path logs)
      throws Exception {
    String database = "bench_" + processes + "p";
    System.out.printf(Locale.ROOT, "%n--- %d executor process(es): database %s ---%n", processes, database);
    try (Connection admin = connect(port, "postgres"); Statement s = admin.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + database);
    }
    String databaseUrl = "postgresql://postgres@127.0.0.1:" + port + "/" + database;
    migrate(settings, databaseUrl, logs.resolve(database + "-migrate.log"));

    try (Connection db = connect(port, database)) {
      seed(db, settings);
      try (Statement s = db.createStatement()) {
        s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      }
      List<Executor> executors = new ArrayList<>();
      CpuUse cpu;
      try {
        for (int i = 1; i <= processes; i++) {
          executors.add(startExecutor(settings, databaseUrl, i, logs.resolve(database + "-executor-" + i + ".log")));
        }
        awaitReady(executors);
        CpuSnapshot before = CpuSnapshot.take(executors, postmaster);
        resetStatementStatistics(db);
        String gate = openGate(db);
        System.out.printf(Locale.ROOT, "  all %d executor(s) ready; tenants activated at %s%n", processes, gate);
        awaitAllFinal(db, settings, executors);
        cpu = CpuUse.between(before, CpuSnapshot.take(executors, postmaster));
        saveMetrics(executors);
      } finally {
        stop(executors);
      }
      return report(db, settings, processes, executors, cpu);
    }
  }

  private static void migrate(Settings settings, String databaseUrl, Path log) throws Exception {
    ProcessBuilder builder = java(settings, "migrate");
    builder.environment().put("SWITCHBOARD_DATABASE_URL", databaseUrl);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    CHILDREN.add(process);
    try {
      if (!process.waitFor(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("'switchboard migrate' did not finish within " + STARTUP_TIMEOUT.toSeconds()
            + " s; see " + log);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("'switchboard migrate' exited with " + process.exitValue() + ":\n" + tail(log, 20));
      }
    } finally {
      CHILDREN.remove(process);
    }
    System.out.printf(Locale.ROOT, "  schema applied by 'java -jar switchboard.jar migrate'%n");
  }

  /** Tenants (suspended, so nothing is claimed yet) and the jobs, spread round-robin over them. */
  private static void seed(Connection db, Settings settings) throws SQLException {
    String[] tenants = new String[settings.tenants()];
    db.setAutoCommit(false);
    try (PreparedStatement insert = db.prepareStatement(
        "INSERT INTO tenants (id, name, max_running_jobs, status) VALUES (?, ?, ?, 'suspended')")) {
      for (int i = 0; i < tenants.length; i++) {
        tenants[i] = String.format(Locale.ROOT, "%s%02d", TENANT_PREFIX, i);
        insert.setString(1, tenants[i]);
        insert.setString(2, "Benchmark tenant " + i);
        insert.setInt(3, MAX_RUNNING_JOBS);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    long inserted;
    try (PreparedStatement insert = db.prepareStatement("""
        INSERT INTO jobs (tenant_id, idempotency_key, platform, requester, channel, command, command_text, action,
                          arguments, reply_to, status)
        SELECT (?::text[])[i % ? + 1], 'bench-' || i, 'slack', 'U0BENCH', 'C0BENCH', 'echo', 'echo bench', 'echo',
               '{"text":"bench"}'::jsonb, '{"kind":"none"}'::jsonb, 'queued'
        FROM generate_series(0, ? - 1) AS i
        ORDER BY i""")) {
      Array ids = db.createArrayOf("text", tenants);
      insert.setArray(1, ids);
      insert.setInt(2, tenants.length);
      insert.setInt(3, settings.jobs());
      inserted = insert.executeUpdate();
    }
    db.commit();
    db.setAutoCommit(true);
    try (Statement s = db.createStatement()) {
      // Planner statistics for the freshly filled table, as a long-running database would have.
      s.execute("VACUUM ANALYZE jobs");
      s.execute("VACUUM ANALYZE tenants");
    }
    System.out.printf(Locale.ROOT, "  inserted %d tenants (max_running_jobs %d, suspended) and %d queued jobs%n",
        tenants.length, MAX_RUNNING_JOBS, inserted);
  }

  private static ProcessBuilder java(Settings settings, String role) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    if (role.equals("executor")) {
      command.addAll(settings.executorJvmArgs());
    }
    command.addAll(List.of("-jar", settings.jar().toString(), role));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.directory(settings.targetDir().toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
    env.put("SWITCHBOARD_DEMO_TENANT", "false");
    env.put("SWITCHBOARD_MASTER_KEY", MASTER_KEY);
    env.put("SWITCHBOARD_DATA_DIR", settings.targetDir().resolve("bench-data").toString());
    return builder;
  }

  private static Executor startExecutor(Settings settings, String databaseUrl, int index, Path log) throws IOException {
    int httpPort = freePort();
    ProcessBuilder builder = java(settings, "executor");
    Map<String, String> env = builder.environment();
    env.put("SWITCHBOARD_DATABASE_URL", databaseUrl);
    env.put("SWITCHBOARD_HTTP_HOST", "127.0.0.1");
    env.put("SWITCHBOARD_HTTP_PORT", Integer.toString(httpPort));
    env.put("SWITCHBOARD_EXECUTOR_CONCURRENCY", Integer.toString(settings.concurrency()));
    env.put("SWITCHBOARD_EXECUTOR_POLL_MILLIS", Integer.toString(settings.pollMillis()));
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    CHILDREN.add(process);
    return new Executor(index, process, httpPort, log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Up = the launcher printed its banner (every verticle deployed) and {@code /ready} answers 200. */
  private static void awaitReady(List<Executor> executors) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    List<Executor> waiting = new ArrayList<>(executors);
    while (!waiting.isEmpty()) {
      for (var it = waiting.iterator(); it.hasNext(); ) {
        Executor e = it.next();
        if (!e.process().isAlive()) {
          throw new IllegalStateException("executor " + e.index() + " exited with " + e.process().exitValue()
              + " during start-up:\n" + tail(e.log(), 30));
        }
        if (Files.readString(e.log(), StandardCharsets.UTF_8).contains("Switchboard is running") && ready(http, e)) {
          it.remove();
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("executor(s) " + waiting.stream().map(e -> e.index() + "").toList()
            + " not ready within " + STARTUP_TIMEOUT.toSeconds() + " s; see " + waiting.get(0).log());
      }
      Thread.sleep(100);
    }
  }

  private static boolean ready(HttpClient http, Executor e) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.httpPort() + "/ready"))
          .timeout(Duration.ofSeconds(2)).build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException ex) {
      return false;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String openGate(Connection db) throws SQLException {
    try (Statement s = db.createStatement();
         ResultSet rs = s.executeQuery("UPDATE tenants SET status = 'active' WHERE id LIKE '" + TENANT_PREFIX
             + "%' RETURNING clock_timestamp()::text")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void awaitAllFinal(Connection db, Settings settings, List<Executor> executors) throws Exception {
    long start = System.nanoTime();
    long deadline = start + settings.timeout().toNanos();
    long nextProgress = start + TimeUnit.SECONDS.toNanos(5);
    // With stopAfter, counted from the attempts that ended a job (at most one a job), not from jobs: a
    // count over jobs would scan a deep queue every 200 ms and take the core from what is measured.
    String finished = settings.stopAfter() < settings.jobs()
        ? "SELECT count(*) FROM job_attempts WHERE outcome IN ('succeeded', 'failed', 'cancelled')"
        : "SELECT count(*) FROM jobs WHERE status IN ('succeeded', 'failed', 'cancelled')";
    try (PreparedStatement count = db.prepareStatement(finished)) {
      while (true) {
        long done;
        try (ResultSet rs = count.executeQuery()) {
          rs.next();
          done = rs.getLong(1);
        }
        if (done >= settings.measured()) {
          return;
        }
        long now = System.nanoTime();
        if (executors.stream().noneMatch(e -> e.process().isAlive())) {
          throw new IllegalStateException("every executor process exited with " + done + " of " + settings.measured()
              + " jobs final; see " + executors.get(0).log() + ":\n" + tail(executors.get(0).log(), 30));
        }
        if (now > deadline) {
          throw new IllegalStateException("gave up after " + settings.timeout().toSeconds() + " s (-DtimeoutSeconds): only "
              + done + " of " + settings.measured() + " jobs are final; see the executor logs in "
              + executors.get(0).log().getParent());
        }
        if (now > nextProgress) {
          System.out.printf(Locale.ROOT, "  ... %d of %d jobs final after %.0f s%n", done, settings.measured(),
              (now - start) / 1e9);
          nextProgress = now + TimeUnit.SECONDS.toNanos(5);
        }
        Thread.sleep(200);
      }
    }
  }

  /** Keeps each executor's Prometheus figures next to its log ({@code ...-executor-N.metrics.txt}). */
  private static void saveMetrics(List<Executor> executors) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (Executor e : executors) {
      Path file = e.log().resolveSibling(e.log().getFileName().toString().replace(".log", ".metrics.txt"));
      try {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.httpPort() + "/metrics"))
            .timeout(Duration.ofSeconds(5)).build();
        http.send(request, HttpResponse.BodyHandlers.ofFile(file));
      } catch (IOException ex) {
        System.out.printf(Locale.ROOT, "  (could not save executor %d's /metrics: %s)%n", e.index(), ex.getMessage());
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** SIGTERM to all, then up to 20 s for them to shut down cleanly, then SIGKILL. */
  private static void stop(List<Executor> executors) throws InterruptedException {
    executors.forEach(e -> e.process().destroy());
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (Executor e : executors) {
      long left = Math.max(0, deadline - System.nanoTime());
      if (!e.process().waitFor(left, TimeUnit.NANOSECONDS)) {
        System.out.printf(Locale.ROOT, "  executor %d did not stop within %d s of SIGTERM; killing it%n", e.index(),
            STOP_GRACE.toSeconds());
        e.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      CHILDREN.remove(e.process());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Figures

  private static Result report(Connection db, Settings settings, int processes, List<Executor> executors, CpuUse cpu)
      throws SQLException, IOException {
    Map<String, String> rows = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();

    long succeeded;
    long failed;
    long cancelled;
    long retried;
    try (ResultSet rs = query(db, """
        SELECT count(*) FILTER (WHERE status = 'succeeded'), count(*) FILTER (WHERE status = 'failed'),
               count(*) FILTER (WHERE status = 'cancelled'), count(*) FILTER (WHERE attempts > 1)
        FROM jobs""")) {
      rs.next();
      succeeded = rs.getLong(1);
      failed = rs.getLong(2);
      cancelled = rs.getLong(3);
      retried = rs.getLong(4);
    }
    rows.put("jobs", String.format(Locale.ROOT, "%d (succeeded %d, failed %d, cancelled %d; %d still queued)",
        settings.jobs(), succeeded, failed, cancelled, settings.jobs() - succeeded - failed - cancelled));
    rows.put("jobs with more than one attempt", Long.toString(retried));

    StringBuilder outcomes = new StringBuilder();
    try (ResultSet rs = query(db, "SELECT coalesce(outcome, 'unended'), count(*) FROM job_attempts GROUP BY 1 ORDER BY 2 DESC")) {
      while (rs.next()) {
        outcomes.append(outcomes.length() == 0 ? "" : ", ").append(rs.getString(1)).append(' ').append(rs.getLong(2));
      }
    }
    rows.put("attempts by outcome", outcomes.toString());

    double drain;
    try (ResultSet rs = query(db, """
        SELECT extract(epoch FROM (SELECT max(finished_at) FROM jobs) - (SELECT min(started_at) FROM job_attempts))""")) {
      rs.next();
      drain = rs.getDouble(1);
    }
    double jobsPerSecond = (succeeded + failed + cancelled) / drain;
    rows.put("drain time (first claim to last finish)", String.format(Locale.ROOT, "%.2f s", drain));
    rows.put("throughput", String.format(Locale.ROOT, "%.0f jobs/s", jobsPerSecond));

    double[] latency = new double[4];
    long attempts;
    double busy;
    try (ResultSet rs = query(db, """
        SELECT count(*), percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY ms), max(ms), sum(ms)
        FROM (SELECT extract(epoch FROM ended_at - started_at) * 1000 AS ms FROM job_attempts WHERE ended_at IS NOT NULL) a""")) {
      rs.next();
      attempts = rs.getLong(1);
      Double[] p = (Double[]) rs.getArray(2).getArray();
      latency[0] = p[0];
      latency[1] = p[1];
      latency[2] = p[2];
      latency[3] = rs.getDouble(3);
      busy = rs.getDouble(4) / 1000;
    }
    rows.put("claim-to-finish latency (ms)", String.format(Locale.ROOT, "p50 %.1f   p95 %.1f   p99 %.1f   max %.1f   (%d attempts)",
        latency[0], latency[1], latency[2], latency[3], attempts));
    rows.put("jobs in flight on average", String.format(Locale.ROOT, "%.1f of %d slots (sum of attempt times / drain time)",
        busy / drain, processes * settings.concurrency()));

    try (ResultSet rs = query(db, """
        SELECT percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY ms), max(ms)
        FROM (SELECT extract(epoch FROM min(a.started_at) - (SELECT min(started_at) FROM job_attempts)) * 1000 AS ms
              FROM job_attempts a GROUP BY a.job_id) w""")) {
      rs.next();
      Double[] p = (Double[]) rs.getArray(1).getArray();
      rows.put("queue wait (ms, first claim of the run to", String.format(Locale.ROOT,
          "p50 %.0f   p95 %.0f   max %.0f", p[0], p[1], rs.getDouble(2)));
      rows.put("  the job's first claim)", "all jobs are queued before the gate opens, so this is the backlog's drain order");
    }

    // A claim transaction's start is its attempts' started_at (now() of the transaction); its last
    // job.started audit record is written just before it commits. So the sum of these spans is (a
    // lower bound of) the time spent inside claim transactions, which lock every tenant with work.
    try (ResultSet rs = query(db, """
        WITH claims AS (
          SELECT a.executor, a.started_at, count(*) AS jobs, max(e.occurred_at) AS last_audit
          FROM job_attempts a
          JOIN audit_events e ON e.tenant_id = a.tenant_id AND e.job_id = a.job_id AND e.event_type = 'job.started'
                             AND (e.detail::jsonb ->> 'attempt')::int = a.attempt
          GROUP BY a.executor, a.started_at)
        SELECT count(*), avg(jobs), coalesce(sum(extract(epoch FROM last_audit - started_at)), 0),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM last_audit - started_at) * 1000),
               (SELECT count(*) FROM claims x JOIN claims y ON x.executor < y.executor
                 AND x.started_at < y.last_audit AND y.started_at < x.last_audit)
        FROM claims""")) {
      rs.next();
      double inClaims = rs.getDouble(3);
      rows.put("claim transactions", String.format(Locale.ROOT,
          "%d, %.1f jobs each, p50 %.1f ms; open %.1f s in all = %.0f%% of the drain time",
          rs.getLong(1), rs.getDouble(2), rs.getDouble(4), inClaims, 100 * inClaims / drain));
      if (processes > 1) {
        rows.put("  claims overlapping another executor's", rs.getLong(5)
            + " (a claim's span starts at BEGIN, before it locks the tenants)");
      }
    }

    Map<Long, Integer> indexByPid = new LinkedHashMap<>();
    executors.forEach(e -> indexByPid.put(e.process().pid(), e.index()));
    try (ResultSet rs = query(db, """
        SELECT executor, count(*), count(*) FILTER (WHERE outcome = 'succeeded'),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ended_at - started_at) * 1000),
               count(DISTINCT started_at)
        FROM job_attempts GROUP BY executor ORDER BY executor""")) {
      while (rs.next()) {
        String name = rs.getString(1);
        String[] parts = name.split("/");
        Integer index = parts.length >= 2 ? indexByPid.get(Long.parseLong(parts[1])) : null;
        rows.put("executor " + (index == null ? "?" : index) + " (" + name + ")", String.format(Locale.ROOT,
            "%d attempts (%d succeeded) in %d claim transactions, latency p50 %.1f ms",
            rs.getLong(2), rs.getLong(3), rs.getLong(5), rs.getDouble(4)));
      }
    }
    rows.put("CPU from gate to last job (core-seconds)", cpu.describe());
    try (ResultSet rs = query(db, "SELECT count(*) FROM audit_events")) {
      rs.next();
      rows.put("audit events written", rs.getLong(1) + " (2 per job: job.started, job.succeeded)");
    }
    for (Executor e : executors) {
      int exit = e.process().exitValue();
      rows.put("executor " + e.index() + " exit code", exit + (exit == 143 ? " (SIGTERM)" : exit == 137 ? " (killed)" : ""));
    }

    try (ResultSet rs = query(db, """
        SELECT id, tenant_id, status, attempts, error FROM jobs WHERE status <> 'succeeded' ORDER BY id LIMIT 10""")) {
      while (rs.next()) {
        notes.add(String.format(Locale.ROOT, "job %d (%s) %s after %d attempt(s): %s",
            rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5)));
      }
    }
    try (ResultSet rs = query(db, """
        SELECT outcome, error, count(*) FROM job_attempts WHERE error IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 10""")) {
      while (rs.next()) {
        notes.add(String.format(Locale.ROOT, "%d attempt(s) ended %s: %s", rs.getLong(3), rs.getString(1), rs.getString(2)));
      }
    }
    for (Executor e : executors) {
      notes.addAll(logProblems(e));
    }
    List<String> statements = topStatements(db, Math.max(1, succeeded + failed + cancelled));

    System.out.printf(Locale.ROOT, "%n==== %d executor process(es), concurrency %d each, poll %d ms, %d tenants ====%n",
        processes, settings.concurrency(), settings.pollMillis(), settings.tenants());
    rows.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-42s %s%n", k, v));
    if (notes.isEmpty()) {
      System.out.printf(Locale.ROOT, "%-42s %s%n", "errors and executor log warnings", "none");
    } else {
      System.out.println("errors and executor log warnings:");
      notes.forEach(n -> System.out.println("  " + n));
    }
    System.out.println("statements by PostgreSQL time (pg_stat_statements, gate to report; ms per job = total / jobs):");
    statements.forEach(line -> System.out.println("  " + line));
    return new Result(processes, jobsPerSecond, drain, latency[0], latency[1], latency[2], latency[3], failed);
  }

  private static void resetStatementStatistics(Connection db) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute("SELECT pg_stat_statements_reset()");
    }
  }

  /** The ten statements of this database PostgreSQL spent most execution time on, with calls and rows. */
  private static List<String> topStatements(Connection db, long jobs) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (ResultSet rs = query(db, """
        SELECT total_exec_time, calls, rows, mean_exec_time, regexp_replace(query, '\\s+', ' ', 'g')
        FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT 10""")) {
      while (rs.next()) {
        lines.add(String.format(Locale.ROOT, "%8.0f ms (%.3f ms/job)  %7d calls  %8d rows  mean %.2f ms  %s",
            rs.getDouble(1), rs.getDouble(1) / jobs, rs.getLong(2), rs.getLong(3), rs.getDouble(4),
            abbreviate(rs.getString(5), 110)));
      }
    }
    return lines;
  }

  /** WARN/ERROR lines (and anything about deadlocks, exceptions or leases), counted and de-duplicated. */
  private static List<String> logProblems(Executor e) throws IOException {
    List<String> lines;
    try (Stream<String> all = Files.lines(e.log(), StandardCharsets.UTF_8)) {
      lines = all.filter(l -> LOG_PROBLEM.matcher(l).find()).toList();
    }
    if (lines.isEmpty()) {
      return List.of();
    }
    Map<String, Integer> byShape = new LinkedHashMap<>();
    Map<String, String> example = new LinkedHashMap<>();
    for (String line : lines) {
      String message = line.replaceFirst("^\\S+\\s+", "");
      String shape = message.replaceAll("\\d+", "#");
      byShape.merge(shape, 1, Integer::sum);
      example.putIfAbsent(shape, message);
    }
    List<String> out = new ArrayList<>();
    out.add("executor " + e.index() + " log (" + e.log().getFileName() + "): " + lines.size() + " warning/error line(s)");
    byShape.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())).limit(8)
        .forEach(en -> out.add("  " + en.getValue() + "x  " + abbreviate(example.get(en.getKey()), 220)));
    return out;
  }

  private static void printComparison(List<Result> results) {
    System.out.printf(Locale.ROOT, "%n==== comparison ====%n");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "%d process(es): %6.0f jobs/s   claim-to-finish p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, "
          + "max %.1f ms   failed %d%n", r.processes(), r.jobsPerSecond(), r.p50(), r.p95(), r.p99(), r.max(), r.failed());
    }
    Result base = results.get(0);
    for (Result r : results.subList(1, results.size())) {
      System.out.printf(Locale.ROOT, "speed-up of %d vs %d process(es): %.2fx%n", r.processes(), base.processes(),
          r.jobsPerSecond() / base.jobsPerSecond());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // CPU accounting: the machine is small and shared, so say who used it during the run.

  /** Machine-wide busy and total CPU time ({@code /proc/stat}) and the CPU time of our processes. */
  record CpuSnapshot(long nanos, double machineBusy, Map<Long, Double> executors, Map<Long, Double> postgres,
                     double benchmark) {

    static CpuSnapshot take(List<Executor> executors, ProcessHandle postmaster) {
      Map<Long, Double> exec = new LinkedHashMap<>();
      executors.forEach(e -> exec.put(e.process().pid(), cpuSeconds(e.process().toHandle())));
      Map<Long, Double> pg = new LinkedHashMap<>();
      pg.put(postmaster.pid(), cpuSeconds(postmaster));
      postmaster.descendants().forEach(p -> pg.put(p.pid(), cpuSeconds(p)));
      return new CpuSnapshot(System.nanoTime(), machineBusySeconds(), exec, pg, cpuSeconds(ProcessHandle.current()));
    }

    private static double cpuSeconds(ProcessHandle process) {
      return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    /** Busy time of all cores since boot (USER_HZ is 100 on Linux); NaN where there is no /proc/stat. */
    private static double machineBusySeconds() {
      try {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
          total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return (total - idle) / 100.0;
      } catch (IOException | RuntimeException e) {
        return Double.NaN;
      }
    }
  }

  /** CPU used between two snapshots, in core-seconds. */
  record CpuUse(double wall, double machineBusy, double executors, double postgres, double benchmark) {

    static CpuUse between(CpuSnapshot a, CpuSnapshot b) {
      return new CpuUse((b.nanos() - a.nanos()) / 1e9, b.machineBusy() - a.machineBusy(),
          delta(a.executors(), b.executors()), delta(a.postgres(), b.postgres()), b.benchmark() - a.benchmark());
    }

    private static double delta(Map<Long, Double> before, Map<Long, Double> after) {
      double sum = 0;
      for (Map.Entry<Long, Double> e : after.entrySet()) {
        sum += e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      }
      return sum;
    }

    String describe() {
      int cores = Runtime.getRuntime().availableProcessors();
      double others = machineBusy - executors - postgres - benchmark;
      return String.format(Locale.ROOT, "executors %.1f, PostgreSQL %.1f, benchmark %.1f, other processes %.1f; "
              + "machine busy %.0f%% of %d cores over %.1f s",
          executors, postgres, benchmark, Math.max(0, others), 100 * machineBusy / (cores * wall), cores, wall);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private static ResultSet query(Connection db, String sql) throws SQLException {
    Statement statement = db.createStatement();
    statement.closeOnCompletion(); // closed with its result set
    return statement.executeQuery(sql);
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  private static String randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}

package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns {@code run.sh}'s raw figures (one row per measured wrk run) into the bench's table: for each
 * server and path, the median over the rounds of req/s, p50 and p99 at each connection count, then
 * the ratios Switchboard/Bolt and Switchboard/bare. Prints it and writes it as Markdown.
 *
 * <p>Arguments: {@code <raw.tsv> <results.md> [key=value ...]}; the key=value pairs describe the run
 * (mode, rounds, load averages, ...) and go into the header.
 */
public final class Report {

  private Report() {
  }

  private record Row(int round, String server, String path, int connections, double rps, double p50, double p99,
                     long responses, long sent, long unique, String wrapped, long errors, String check, String load1,
                     String loadCpuBusy, String serverCpuBusy, String serverCpuMicrosPerRequest) {
  }

  private static final Map<String, String> LABELS = new LinkedHashMap<>();

  static {
    LABELS.put("bare/post", "bare Vert.x 5, 200 to any POST (the ceiling)");
    LABELS.put("bolt/ack", "Bolt for Java 1.45.4 (bolt-jetty), verify + ack");
    LABELS.put("switchboard/help", "Switchboard `/ops help` (no write)");
    LABELS.put("switchboard/policy", "Switchboard `/ops deploy staging ...` refused by policy");
    LABELS.put("switchboard/echo", "Switchboard `/ops echo <unique>` (durable: job + audit committed)");
    LABELS.put("switchboard/ratelimit", "Switchboard `/ops echo <unique>` refused by rate limit");
    LABELS.put("switchboard-split/help", "Switchboard split (gateway + 2 executors) `/ops help`");
    LABELS.put("switchboard-split/policy", "Switchboard split `/ops deploy staging ...` refused by policy");
    LABELS.put("switchboard-split/echo", "Switchboard split `/ops echo <unique>` (durable)");
    LABELS.put("switchboard-split/ratelimit", "Switchboard split `/ops echo <unique>` refused by rate limit");
  }

  public static void main(String[] args) throws IOException {
    Path raw = Path.of(args[0]);
    Path out = Path.of(args[1]);
    Map<String, String> info = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      info.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    List<Row> rows = new ArrayList<>();
    for (String line : tableRows(raw.toString())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      rows.add(new Row(Integer.parseInt(f[0]), f[1], f[2], Integer.parseInt(f[3]), num(f[4]), num(f[5]), num(f[6]),
          lng(f[7]), lng(f[8]), lng(f[9]), f[10], lng(f[11]), f[12], f[13], f[14], f[15], f.length > 16 ? f[16] : "-"));
    }
    TreeSet<Integer> connections = new TreeSet<>();
    Map<String, List<Row>> byKey = new LinkedHashMap<>();
    for (String key : LABELS.keySet()) {
      byKey.put(key, new ArrayList<>());
    }
    for (Row row : rows) {
      connections.add(row.connections());
      byKey.computeIfAbsent(row.server() + "/" + row.path(), k -> new ArrayList<>()).add(row);
    }

    boolean split = rows.stream().anyMatch(r -> r.server().equals("switchboard-split"));
    StringBuilder md = new StringBuilder();
    md.append("## Side-by-side bench, ").append(info.getOrDefault("date", "?")).append("\n\n");
    md.append(String.format(Locale.ROOT,
        "Mode `%s`: %s round(s), %s s warm-up (%s s for a server's first run), %s s measured; wrk (%s thread) on CPU %s, each server and its "
            + "embedded PostgreSQL on CPU %s; %s CPUs. Switchboard: %s. Load average (1, 5, 15 min) before: %s; after: %s. "
            + "Figures are medians over the rounds; p50/p99 are wrk's latency percentiles.%n%n",
        info.getOrDefault("mode", "?"), info.getOrDefault("rounds", "?"), info.getOrDefault("warmup", "?"),
        info.getOrDefault("firstWarmup", "?"),
        info.getOrDefault("duration", "?"), info.getOrDefault("wrkThreads", "?"), info.getOrDefault("loadCpu", "?"),
        info.getOrDefault("serverCpu", "?"), info.getOrDefault("cpus", "?"), info.getOrDefault("jar", "?"),
        trimLoad(info.getOrDefault("startLoad", "?")), trimLoad(info.getOrDefault("endLoad", "?"))));
    if (split) {
      md.append(String.format(Locale.ROOT,
          "Switchboard split: one `gateway` and two `executor` processes of the same jar, clustered on loopback "
              + "(Hazelcast), on an external PostgreSQL (%s); PostgreSQL and all three JVMs share CPU %s, as the embedded "
              + "node and its PostgreSQL do (2 CPUs leave no core of its own for the second executor). Each executor has "
              + "the embedded node's executor concurrency, so the split has twice its executor slots; the demo tenant's "
              + "cap of running jobs is the same.%n%n",
          info.getOrDefault("splitPostgres", "?"), info.getOrDefault("serverCpu", "?")));
    }

    md.append("| server, request |");
    for (int c : connections) {
      md.append(" ").append(c).append(" conn. req/s (p50 / p99 ms) |");
    }
    md.append(" notes |\n| --- |");
    for (int ignored : connections) {
      md.append(" --- |");
    }
    md.append(" --- |\n");
    Map<String, Map<Integer, Double>> medianRps = new LinkedHashMap<>();
    for (Map.Entry<String, List<Row>> entry : byKey.entrySet()) {
      if (entry.getValue().isEmpty()) {
        continue;
      }
      md.append("| ").append(LABELS.getOrDefault(entry.getKey(), entry.getKey())).append(" |");
      List<String> notes = new ArrayList<>();
      Map<Integer, Double> rpsByConnections = new LinkedHashMap<>();
      for (int c : connections) {
        List<Row> runs = entry.getValue().stream().filter(r -> r.connections() == c).toList();
        if (runs.isEmpty()) {
          md.append(" |");
          continue;
        }
        double rps = median(runs.stream().mapToDouble(Row::rps).toArray());
        rpsByConnections.put(c, rps);
        md.append(String.format(Locale.ROOT, " %s (%.1f / %.1f) |", formatRps(rps),
            median(runs.stream().mapToDouble(Row::p50).toArray()), median(runs.stream().mapToDouble(Row::p99).toArray())));
        long errors = runs.stream().mapToLong(Row::errors).sum();
        if (errors > 0) {
          notes.add(c + " conn.: " + errors + " socket errors or non-2xx");
        }
        if (entry.getKey().endsWith("/echo") && runs.stream().anyMatch(r -> "yes".equals(r.wrapped()))) {
          notes.add(c + " conn.: **wrapped** (sent more than the unique requests generated)");
        }
        String checks = runs.stream().map(r -> checkNote(entry.getKey(), r)).filter(s -> !s.isEmpty())
            .reduce((a, b) -> a + "; " + b).orElse("");
        if (!checks.isEmpty()) {
          notes.add(c + " conn.: " + checks);
        }
      }
      medianRps.put(entry.getKey(), rpsByConnections);
      md.append(" ").append(String.join(". ", notes)).append(" |\n");
    }

    md.append("\n| ratio (median req/s) |");
    for (int c : connections) {
      md.append(" ").append(c).append(" conn. |");
    }
    md.append("\n| --- |");
    for (int ignored : connections) {
      md.append(" --- |");
    }
    md.append("\n");
    String[][] ratios = {
        {"switchboard/echo", "bolt/ack", "durable (`echo`) / Bolt"},
        {"switchboard/echo", "bare/post", "durable (`echo`) / bare"},
        {"switchboard/help", "bolt/ack", "non-writing (`help`) / Bolt"},
        {"switchboard/help", "bare/post", "non-writing (`help`) / bare"},
        {"switchboard/policy", "bolt/ack", "refused by policy / Bolt"},
        {"switchboard/ratelimit", "bolt/ack", "refused by rate limit / Bolt"},
        {"switchboard-split/echo", "bolt/ack", "split, durable (`echo`) / Bolt"},
        {"switchboard-split/echo", "bare/post", "split, durable (`echo`) / bare"},
        {"switchboard-split/help", "bolt/ack", "split, non-writing (`help`) / Bolt"},
        {"switchboard-split/help", "bare/post", "split, non-writing (`help`) / bare"},
        {"switchboard-split/policy", "bolt/ack", "split, refused by policy / Bolt"},
        {"switchboard-split/ratelimit", "bolt/ack", "split, refused by rate limit / Bolt"},
        {"switchboard-split/echo", "switchboard/echo", "split / embedded, durable (`echo`)"},
        {"switchboard-split/help", "switchboard/help", "split / embedded, non-writing (`help`)"},
    };
    for (String[] ratio : ratios) {
      Map<Integer, Double> top = medianRps.get(ratio[0]);
      Map<Integer, Double> bottom = medianRps.get(ratio[1]);
      if (top == null || bottom == null || top.isEmpty() || bottom.isEmpty()) {
        continue;
      }
      md.append("| Switchboard ").append(ratio[2]).append(" |");
      for (int c : connections) {
        Double a = top.get(c);
        Double b = bottom.get(c);
        md.append(a == null || b == null || b == 0 ? " |" : String.format(Locale.ROOT, " %.3fx |", a / b));
      }
      md.append("\n");
    }
    md.append("\nEvery run, in order: req/s, p50/p99 ms, responses, what the server's own counters saw (Switchboard: "
        + "commands received for `help`, jobs queued for `echo`, commands refused for the refusals), the 1-minute "
        + "load average when the measured run started, and how busy the load core and the server core were during "
        + "it (from /proc/stat, whoever used them: other work on the machine shows here), and the CPU time the server's "
        + "processes (with its PostgreSQL) spent per response (from /proc/PID/stat: other work on the machine moves it "
        + "far less than req/s, though by up to a third; compare builds by it, in interleaved rounds, when the machine "
        + "is not quiet):\n\n"
        + "| round | server/path | conn. | req/s | p50 | p99 | responses | server counted | load | load core busy | server core busy | server CPU µs per request |\n"
        + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "| %d | %s/%s | %d | %s | %.2f | %.2f | %d | %s | %s | %s %% | %s %% | %s |%n",
          r.round(), r.server(), r.path(), r.connections(), formatRps(r.rps()), r.p50(), r.p99(), r.responses(),
          r.check(), r.load1(), r.loadCpuBusy(), r.serverCpuBusy(), r.serverCpuMicrosPerRequest()));
    }
    appendJobs(md, info.get("jobs"), info.getOrDefault("gaugeMillis", "5000"));
    appendDrains(md, info.get("drain"));
    appendNeighbours(md, info.get("neighbour"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
    System.out.println();
    System.out.print(md);
  }

  /**
   * The noisy-neighbour figures: the quiet tenant's commands alone and beside each of the demo
   * tenant's floods, and each flood's p99 against the quiet tenant's p99 alone in the same round on
   * the same server (issue 10's target: at most 1.5x, nothing refused or lost, its jobs not delayed
   * behind the flood).
   */
  private static void appendNeighbours(StringBuilder md, String neighbourFile) throws IOException {
    List<String[]> rows = fields(neighbourFile);
    if (rows.isEmpty()) {
      return;
    }
    md.append("\nNoisy neighbour: a quiet tenant sends durable commands at a fixed rate (open loop, latency from each "
        + "request's scheduled time) alone, then while the demo tenant floods (durable, then refused by its rate "
        + "limit); ack-to-done is created-to-finished of the quiet tenant's jobs, from the admin API:\n\n"
        + "| round | server | quiet tenant | flood req/s | flood's jobs queued | sent | accepted | refused | errors | p50 ms "
        + "| p99 ms | max ms | p99 / alone | ack-to-done p50 / p99 ms | jobs not finished |\n"
        + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    Map<String, Double> aloneP99 = new LinkedHashMap<>();
    rows.stream().filter(f -> "alone".equals(f[2])).forEach(f -> aloneP99.put(f[0] + "/" + f[1], num(f[10])));
    for (String[] f : rows) {
      Double alone = aloneP99.get(f[0] + "/" + f[1]);
      String ratio = alone == null || alone <= 0 ? "-" : String.format(Locale.ROOT, "%.2fx", num(f[10]) / alone);
      String flood = "-".equals(f[3]) ? "-" : formatRps(num(f[3]));
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s |%n",
          f[0], f[1], f[2], flood, f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], ratio, f[13], f[14], f[15]));
    }
  }

  /**
   * Ack-to-done during each durable flood: the jobs the server queued and the jobs it finished within
   * the measured window, from its own counters, and the oldest waiting job's age
   * ({@code switchboard_jobs_queue_oldest_age_seconds}) sampled once a second during the window: the
   * largest sample and the last. When "done" trails "queued", the executors are the limit (they share
   * the server's core with the gateway and PostgreSQL) and the oldest job's age grows.
   */
  private static void appendJobs(StringBuilder md, String jobsFile, String gaugeMillis) throws IOException {
    List<String[]> rows = fields(jobsFile);
    if (rows.isEmpty()) {
      return;
    }
    md.append("\nJobs queued and finished during each measured durable run (`switchboard_jobs_queued_total` and "
        + "`switchboard_jobs_completed_total`, the executors' summed; jobs queued during the warm-up may finish in the "
        + "window too), and the oldest waiting job's age (`switchboard_jobs_queue_oldest_age_seconds`, which the "
        + "executors refresh every " + gaugeMillis + " ms (`SWITCHBOARD_EXECUTOR_GAUGE_MILLIS`), read once a second "
        + "during the window: a reading is up to that refresh interval plus 1 s old):\n\n"
        + "| round | server | `echo` at | queued/s | finished/s | oldest waiting job, largest / last reading | readings |\n"
        + "| --- | --- | --- | --- | --- | --- | --- |\n");
    for (String[] f : rows) {
      if (f.length < 9 || lng(f[5]) <= 0) {
        continue;
      }
      double seconds = lng(f[5]);
      String oldest = "-".equals(f[6]) ? "not reported" : f[6] + " s / " + f[7] + " s";
      md.append(String.format(Locale.ROOT, "| %s | %s | %s conn. | %s | %s | %s | %s |%n", f[0], f[1], f[2],
          formatRps(lng(f[3]) / seconds), formatRps(lng(f[4]) / seconds), oldest, f[8]));
    }
  }

  /**
   * The backlogs the durable runs left: the executors drain them on the server's core before the next
   * run. The time is read by polling the server's queued and completed counters once a second, so it is
   * coarse; it is not the ack-to-done throughput during a flood.
   */
  private static void appendDrains(StringBuilder md, String drainFile) throws IOException {
    List<String[]> rows = fields(drainFile);
    if (rows.isEmpty()) {
      return;
    }
    md.append("\nBacklog left by each durable run (warm-up included) and how long the executors took to drain it "
        + "before the next run (queued minus completed jobs, polled once a second; coarse, and not ack-to-done during the flood):\n\n"
        + "| round | server | after `echo` at | queued jobs | drained in | about |\n| --- | --- | --- | --- | --- | --- |\n");
    for (String[] f : rows) {
      if (f.length < 6) {
        continue;
      }
      long backlog = lng(f[3]);
      long seconds = lng(f[4]);
      long left = lng(f[5]);
      String about = left > 0 ? left + " jobs still queued (gave up waiting)"
          : seconds > 0 ? String.format(Locale.ROOT, "%.0f jobs/s", (double) backlog / seconds) : "under 1 s";
      md.append(String.format(Locale.ROOT, "| %s | %s | %s conn. | %d | %d s | %s |%n", f[0], f[1], f[2], backlog, seconds,
          about));
    }
  }

  /** The data lines of a TSV file the script wrote (its header dropped); none when it is missing. */
  private static List<String> tableRows(String file) throws IOException {
    if (file == null || !Files.exists(Path.of(file))) {
      return List.of();
    }
    List<String> lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
    return lines.size() <= 1 ? List.of() : lines.subList(1, lines.size());
  }

  /** The data lines of a TSV file the script wrote, split into their fields. */
  private static List<String[]> fields(String file) throws IOException {
    return tableRows(file).stream().filter(line -> !line.isBlank()).map(line -> line.split("\t", -1)).toList();
  }

  /** What the server's own counters say about a Switchboard run, when they disagree with wrk's count. */
  private static String checkNote(String key, Row r) {
    if (r.check() == null || r.check().equals("-") || r.check().isEmpty()) {
      return "";
    }
    long counted = lng(r.check());
    String what = switch (key.substring(key.indexOf('/') + 1)) {
      case "echo" -> "jobs queued";
      case "help" -> "commands received";
      default -> "commands refused";
    };
    // wrk stops with requests in flight, and the counters are read just before and after it: a few
    // per connection either way is expected.
    if (Math.abs(counted - r.responses()) <= Math.max(2L * r.connections(), r.responses() / 100)) {
      return "";
    }
    return String.format(Locale.ROOT, "round %d: %d %s for %d responses", r.round(), counted, what, r.responses());
  }

  private static String trimLoad(String loadavg) {
    String[] parts = loadavg.trim().split("\\s+");
    return parts.length >= 3 ? parts[0] + ", " + parts[1] + ", " + parts[2] : loadavg;
  }

  private static String formatRps(double rps) {
    return rps >= 1000 ? String.format(Locale.ROOT, "%.1fk", rps / 1000) : String.format(Locale.ROOT, "%.0f", rps);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double num(String s) {
    return s == null || s.isEmpty() || s.equals("-") ? 0 : Double.parseDouble(s);
  }

  private static long lng(String s) {
    return s == null || s.isEmpty() || s.equals("-") ? 0 : Long.parseLong(s.trim());
  }
}

package io.switchboard.deploy;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a {@link ChaosTest} run did and what it found, counted from the jobs in the database, the
 * senders' answers and what the loopback targets received: the test asserts on its counts, and it
 * prints as the table issue 11 asks for.
 */
final class ChaosReport {

  private static final Pattern NAMED_JOB = Pattern.compile("\\(job (\\d+)\\)");

  private final String load;
  private final Map<String, Integer> faults;
  private final List<Duration> recoveries;
  private final Duration drain;
  private final CommandStream stream;
  private final ChaosTargets targets;
  final long jobs;
  final long lost;
  final long unacknowledgedJobs;
  final long attempts;
  final long calls;
  final long callsWithoutJob;
  final long jobsWithoutCall;
  final long repeats;
  final long repeatsBeyondAttempts;
  final long duplicatedEffects;
  final long lostReplies;
  final long duplicatedReplies;
  /** Each job whose result reached Slack more than once, with when each copy arrived (to tell the causes apart). */
  private final String repeatedResults;
  private final long pausedJobs;
  private final long fenced;

  /**
   * @param keyOfJob      every job's idempotency key by id
   * @param attemptsOfJob every job's number of recorded attempts by id
   * @param pausedJobs    jobs paused executors held while frozen
   * @param fenced        of those, the ones whose frozen attempt was ended by its lease
   */
  ChaosReport(String load, Map<String, Integer> faults, List<Duration> recoveries, Duration drain,
              CommandStream stream, ChaosTargets targets, Map<Long, String> keyOfJob, Map<Long, Long> attemptsOfJob,
              long pausedJobs, long fenced) {
    this.pausedJobs = pausedJobs;
    this.fenced = fenced;
    this.load = load;
    this.faults = faults;
    this.recoveries = recoveries;
    this.drain = drain;
    this.stream = stream;
    this.targets = targets;
    Map<Integer, Long> acknowledged = stream.acknowledged();
    Set<Long> acknowledgedJobs = Set.copyOf(acknowledged.values());
    jobs = keyOfJob.size();
    lost = acknowledgedJobs.stream().filter(id -> !keyOfJob.containsKey(id)).count();
    unacknowledgedJobs = keyOfJob.keySet().stream().filter(id -> !acknowledgedJobs.contains(id)).count();
    attempts = attemptsOfJob.values().stream().mapToLong(Long::longValue).sum();

    List<ChaosTargets.Call> ledger = targets.calls();
    Map<String, Long> callsByKey = ledger.stream()
        .collect(Collectors.groupingBy(call -> String.valueOf(call.idempotencyKey()), Collectors.counting()));
    Set<String> keys = Set.copyOf(keyOfJob.values());
    calls = ledger.size();
    callsWithoutJob = callsByKey.entrySet().stream().filter(e -> !keys.contains(e.getKey()))
        .mapToLong(Map.Entry::getValue).sum();
    jobsWithoutCall = keys.stream().filter(key -> !callsByKey.containsKey(key)).count();
    repeats = callsByKey.values().stream().mapToLong(n -> n - 1).sum();
    repeatsBeyondAttempts = keyOfJob.entrySet().stream()
        .filter(e -> callsByKey.getOrDefault(e.getValue(), 0L) > attemptsOfJob.get(e.getKey())).count();
    duplicatedEffects = ledger.stream().collect(Collectors.groupingBy(
            call -> String.valueOf(new JsonObject(call.body()).getValue("n")),
            Collectors.mapping(ChaosTargets.Call::idempotencyKey, Collectors.toSet())))
        .values().stream().mapToLong(set -> set.size() - 1).sum();

    // A busy channel's results go out paced, several jobs to a digest: count the messages naming each job.
    Map<Long, List<java.time.Instant>> messagesByJob = new HashMap<>();
    for (ChaosTargets.Reply reply : targets.replies()) {
      Matcher named = NAMED_JOB.matcher(reply.message().encode());
      Set<Long> shown = new HashSet<>();
      while (named.find()) {
        shown.add(Long.parseLong(named.group(1)));
      }
      shown.forEach(id -> messagesByJob.computeIfAbsent(id, k -> new java.util.ArrayList<>()).add(reply.at()));
    }
    lostReplies = keyOfJob.keySet().stream().filter(id -> !messagesByJob.containsKey(id)).count();
    duplicatedReplies = messagesByJob.values().stream().mapToLong(times -> times.size() - 1).sum();
    repeatedResults = messagesByJob.entrySet().stream().filter(e -> e.getValue().size() > 1)
        .sorted(Map.Entry.comparingByKey())
        .map(e -> "job " + e.getKey() + " at " + e.getValue()).collect(Collectors.joining("\n"));
  }

  /** Prints the table and writes it to {@code file}. */
  void print(Path file) {
    String table = String.join("\n",
        "| what | count |",
        "| --- | --- |",
        "| commands sent | " + load + " |",
        "| commands acknowledged (200 Queued) | " + stream.acknowledged().size() + " |",
        "| answers 503 with Retry-After / without | " + (stream.unavailable() - stream.withoutRetryAfter()) + " / "
            + stream.withoutRetryAfter() + " |",
        "| sends that reached no gateway (it was down) | " + stream.unreachable() + " |",
        "| other answers | " + stream.refusals().size() + " |",
        "| jobs | " + jobs + " (" + unacknowledgedJobs + " not acknowledged: a 503 after the commit) |",
        "| executors killed / paused past the lease | " + faults.getOrDefault(ChaosTest.EXECUTOR_KILL, 0) + " / "
            + faults.getOrDefault(ChaosTest.EXECUTOR_PAUSE, 0) + " |",
        "| PostgreSQL restarts / gateways killed | " + faults.getOrDefault(ChaosTest.POSTGRES_RESTART, 0) + " / "
            + faults.getOrDefault(ChaosTest.GATEWAY_KILL, 0) + " |",
        "| jobs held by paused executors / their attempts ended by the lease (the rest had sent their result) | "
            + pausedJobs + " / " + fenced + " |",
        "| attempts | " + attempts + " |",
        "| acknowledged jobs lost | " + lost + " |",
        "| calls at the ledger / repeats (same key) | " + calls + " / " + repeats + " |",
        "| duplicated effects (one command, two keys) | " + duplicatedEffects + " |",
        "| jobs with more calls than attempts | " + repeatsBeyondAttempts + " |",
        "| results in flight when their gateway died | " + targets.repliesCutOff() + " |",
        "| results lost / posted twice | " + lostReplies + " / " + duplicatedReplies + " |",
        "| recovery after each PostgreSQL restart (to the next acknowledgement) | " + recoveries.stream()
            .map(ChaosReport::seconds).collect(Collectors.joining(", ")) + " |",
        "| time from the last command to every result posted | " + seconds(drain) + " |");
    System.out.println("Chaos run:\n" + table);
    if (!repeatedResults.isEmpty()) {
      System.out.println("Results posted more than once:\n" + repeatedResults);
    }
    try {
      Files.writeString(file, table + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String seconds(Duration duration) {
    return String.format("%.1f s", duration.toMillis() / 1000.0);
  }
}

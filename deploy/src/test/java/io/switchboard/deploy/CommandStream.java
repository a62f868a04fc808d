package io.switchboard.deploy;

import io.switchboard.testkit.slack.SignedSlashCommand;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands of {@link ChaosTest} and {@link LocalClusterIT}: {@code /ops hook <n>} for n = 1..count,
 * signed for Slack team {@code T0DEMO}, sent at a steady rate to the gateways (base URLs) in turn, and
 * what each got back. A command answered 503 is sent again with the same {@code trigger_id} after its
 * {@code Retry-After} (at most 2 s); one that reached no gateway goes to the next. Every answer but
 * 200 "Queued" and 503 is kept as a refusal. {@link #stop} ends the stream early: commands not yet
 * due are never sent.
 */
final class CommandStream {

  private static final Pattern QUEUED = Pattern.compile("(?:Already q|Q)ueued as job (\\d+)");
  private static final Duration GIVE_UP = Duration.ofMinutes(3);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ExecutorService senders = Executors.newFixedThreadPool(32);
  private final List<String> gateways;
  private final ChaosTargets targets;
  private final String signingSecret;
  private final String user;
  private final Map<Integer, Long> acknowledged = new ConcurrentHashMap<>();
  private final Map<Integer, String> acknowledgedBy = new ConcurrentHashMap<>();
  private final List<Long> acknowledgedAt = new CopyOnWriteArrayList<>();
  private final List<String> refusals = new CopyOnWriteArrayList<>();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final AtomicInteger withoutRetryAfter = new AtomicInteger();
  private final AtomicInteger unreachable = new AtomicInteger();
  private volatile boolean stopped;

  CommandStream(List<String> gateways, ChaosTargets targets, String signingSecret, String user) {
    this.gateways = gateways;
    this.targets = targets;
    this.signingSecret = signingSecret;
    this.user = user;
  }

  /** Schedules commands 1..count evenly over {@code duration} from {@code start} (a {@link System#nanoTime()}). */
  void send(int count, long start, Duration duration) {
    for (int n = 1; n <= count; n++) {
      int command = n;
      long due = start + duration.toNanos() * (n - 1) / count;
      senders.submit(() -> send(command, due));
    }
    senders.shutdown();
  }

  /** Sends no command that is not due yet; those under way go on until answered. */
  void stop() {
    stopped = true;
  }

  /** Waits until every command was acknowledged or given up on. */
  boolean awaitAnswered(Duration limit) throws InterruptedException {
    return senders.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Job ids by command number, from "Queued as job N" answers. */
  Map<Integer, Long> acknowledged() {
    return Map.copyOf(acknowledged);
  }

  /** The base URL of the gateway that acknowledged each command, by command number. */
  Map<Integer, String> acknowledgedBy() {
    return Map.copyOf(acknowledgedBy);
  }

  /** Whether a command was acknowledged after {@code nanoTime}, and how long after. */
  Optional<Duration> firstAcknowledgementAfter(long nanoTime) {
    return acknowledgedAt.stream().filter(time -> time > nanoTime).min(Long::compare)
        .map(time -> Duration.ofNanos(time - nanoTime));
  }

  List<String> refusals() {
    return List.copyOf(refusals);
  }

  int unavailable() {
    return unavailable.get();
  }

  int withoutRetryAfter() {
    return withoutRetryAfter.get();
  }

  int unreachable() {
    return unreachable.get();
  }

  private void send(int n, long due) {
    // in steps, so that a stop lets the commands not yet due go at once
    for (long wait = due - System.nanoTime(); wait > 0 && !stopped; wait = due - System.nanoTime()) {
      NodeProcess.sleep(Duration.ofNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100))));
    }
    if (stopped) {
      return;
    }
    long giveUp = System.nanoTime() + GIVE_UP.toNanos();
    for (int attempt = 0; System.nanoTime() < giveUp; attempt++) {
      String gateway = gateways.get((n + attempt) % gateways.size());
      SignedSlashCommand command = SignedSlashCommand.of(signingSecret, "T0DEMO", "hook " + n, targets.responseUrl("c" + n))
          .field("user_id", user).field("trigger_id", "chaos." + n);
      try {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(gateway + "/slack/commands"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("X-Slack-Request-Timestamp", command.timestampHeader())
            .header("X-Slack-Signature", command.signatureHeader())
            .POST(HttpRequest.BodyPublishers.ofString(command.body())).build(), HttpResponse.BodyHandlers.ofString());
        Matcher queued = QUEUED.matcher(answer.body());
        if (answer.statusCode() == 200 && queued.find()) {
          acknowledged.put(n, Long.parseLong(queued.group(1)));
          acknowledgedBy.put(n, gateway);
          acknowledgedAt.add(System.nanoTime());
          return;
        }
        if (answer.statusCode() != 503) {
          refusals.add("command " + n + ": HTTP " + answer.statusCode() + " " + answer.body());
          return;
        }
        unavailable.incrementAndGet();
        Optional<String> retryAfter = answer.headers().firstValue("Retry-After");
        if (retryAfter.isEmpty()) {
          withoutRetryAfter.incrementAndGet();
        }
        NodeProcess.sleep(Duration.ofSeconds(Math.min(2, retryAfter.map(Long::parseLong).orElse(1L))));
      } catch (IOException e) {
        unreachable.incrementAndGet();
        NodeProcess.sleep(Duration.ofMillis(300));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    refusals.add("command " + n + ": never acknowledged within " + GIVE_UP.toMinutes() + " minutes");
  }
}

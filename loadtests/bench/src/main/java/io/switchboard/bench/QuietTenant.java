package io.switchboard.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The quiet tenant of the noisy-neighbour figures: sends the signed requests of a file (made by
 * {@link SignedRequests}) at a fixed rate, each on its schedule whether or not the one before was
 * answered (so a slow server cannot slow the sender down and hide its own latency), and measures
 * each from its scheduled time to its answer. The first {@code warmup} seconds' requests warm both
 * sides up and are left out of every figure. Then reads the tenant's jobs from the admin API until
 * those it queued are final (up to a minute) and measures each from created to finished: whether its
 * jobs waited behind another tenant's.
 *
 * <p>Prints one line, {@code QUIET_RESULT sent= accepted= refused= errors= p50_ms= p99_ms= max_ms=
 * jobs= done_p50_ms= done_p99_ms= unfinished= accepted_all=} (the last counts the warm-up's too). Arguments are {@code key=value}: {@code url} (the
 * server), {@code requests} (the file, its trigger ids numbered from 1), {@code rate} (requests a
 * second), {@code warmup} and {@code seconds},
 * {@code token} (the tenant's admin token) and {@code marker} (text every one of its commands carries).
 */
public final class QuietTenant {

  private QuietTenant() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      options.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    String url = options.get("url");
    int rate = Integer.parseInt(options.get("rate"));
    int seconds = Integer.parseInt(options.get("seconds"));
    int warm = rate * Integer.parseInt(options.getOrDefault("warmup", "0"));
    List<String> lines = Files.readAllLines(Path.of(options.get("requests")), StandardCharsets.UTF_8);
    int count = Math.min(lines.size(), warm + rate * seconds);

    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    List<CompletableFuture<Outcome>> outcomes = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime() + 100_000_000L;
    for (int n = 0; n < count; n++) {
      String[] request = lines.get(n).split("\t", 3);
      long due = start + n * 1_000_000_000L / rate;
      CompletableFuture<Outcome> outcome = new CompletableFuture<>();
      outcomes.add(outcome);
      clock.schedule(() -> send(client, url, request, due, outcome), due - System.nanoTime(), TimeUnit.NANOSECONDS);
    }
    List<Outcome> done = new ArrayList<>();
    int acceptedAll = 0;
    for (int n = 0; n < count; n++) {
      Outcome outcome = outcomes.get(n).get(count / rate + 30L, TimeUnit.SECONDS);
      acceptedAll += outcome.kind() == Kind.ACCEPTED ? 1 : 0;
      if (n >= warm) {
        done.add(outcome);
      }
    }
    clock.shutdown();

    List<Double> latencies = new ArrayList<>();
    int accepted = 0;
    int refused = 0;
    int errors = 0;
    for (Outcome outcome : done) {
      latencies.add(outcome.millis());
      switch (outcome.kind()) {
        case ACCEPTED -> accepted++;
        case REFUSED -> refused++;
        default -> errors++;
      }
    }
    List<Double> doneTimes = new ArrayList<>();
    int unfinished = jobTimes(client, url, options.get("token"), options.get("marker"), warm, accepted, doneTimes);
    System.out.printf(Locale.ROOT, "QUIET_RESULT sent=%d accepted=%d refused=%d errors=%d p50_ms=%.1f p99_ms=%.1f "
            + "max_ms=%.1f jobs=%d done_p50_ms=%.0f done_p99_ms=%.0f unfinished=%d accepted_all=%d%n", done.size(),
        accepted, refused, errors, percentile(latencies, 50), percentile(latencies, 99), percentile(latencies, 100),
        doneTimes.size(), percentile(doneTimes, 50), percentile(doneTimes, 99), unfinished, acceptedAll);
  }

  private enum Kind { ACCEPTED, REFUSED, ERROR }

  private record Outcome(Kind kind, double millis) {
  }

  private static void send(HttpClient client, String url, String[] request, long due,
                           CompletableFuture<Outcome> outcome) {
    HttpRequest post = HttpRequest.newBuilder(URI.create(url + "/slack/commands"))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Slack-Request-Timestamp", request[0])
        .header("X-Slack-Signature", request[1])
        .POST(HttpRequest.BodyPublishers.ofString(request[2]))
        .build();
    client.sendAsync(post, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
      double millis = (System.nanoTime() - due) / 1e6;
      if (failure != null || response.statusCode() != 200) {
        outcome.complete(new Outcome(Kind.ERROR, millis));
      } else {
        outcome.complete(new Outcome(response.body().contains("Queued") ? Kind.ACCEPTED : Kind.REFUSED, millis));
      }
    });
  }

  /**
   * Fills {@code times} with created-to-finished of the tenant's jobs whose command carries the
   * marker and a trigger number above {@code warm}, once {@code expected} of them are final or a
   * minute has passed; answers how many were not.
   */
  private static int jobTimes(HttpClient client, String url, String token, String marker, int warm, int expected,
                              List<Double> times) throws IOException, InterruptedException {
    Instant giveUp = Instant.now().plusSeconds(60);
    while (true) {
      times.clear();
      int unfinished = 0;
      Long before = null;
      do {
        HttpRequest list = HttpRequest.newBuilder(URI.create(url + "/api/v1/jobs?limit=100"
            + (before == null ? "" : "&before=" + before))).header("Authorization", "Bearer " + token).build();
        JsonObject page = new JsonObject(client.send(list, HttpResponse.BodyHandlers.ofString()).body());
        JsonArray jobs = page.getJsonArray("jobs");
        if (jobs == null) {
          throw new IOException("GET /api/v1/jobs answered " + page.encode());
        }
        for (Object item : jobs) {
          JsonObject job = (JsonObject) item;
          if (triggerNumber(job.getString("commandText", ""), marker) <= warm) {
            continue;
          }
          String finished = job.getString("finishedAt");
          if (finished == null) {
            unfinished++;
          } else {
            times.add((double) Duration.between(Instant.parse(job.getString("createdAt")), Instant.parse(finished))
                .toMillis());
          }
        }
        before = page.getLong("nextBefore");
      } while (before != null);
      if ((unfinished == 0 && times.size() >= expected) || Instant.now().isAfter(giveUp)) {
        return unfinished + Math.max(0, expected - times.size() - unfinished);
      }
      Thread.sleep(1000);
    }
  }

  /** The n of trigger id {@code <marker>.<n>} in the command's text, or 0 when it carries none. */
  private static int triggerNumber(String commandText, String marker) {
    int at = commandText.indexOf(marker + ".");
    if (at < 0) {
      return 0;
    }
    String digits = commandText.substring(at + marker.length() + 1).replaceAll("[^0-9].*", "");
    return digits.isEmpty() ? 0 : Integer.parseInt(digits);
  }

  private static double percentile(List<Double> values, int p) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}

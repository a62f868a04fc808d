package io.switchboard.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Measures what one installed tenant costs a running node's heap (issue 10's "heap per idle tenant").
 * Through the operator and admin APIs it installs {@code tenants} tenants the way an organisation is
 * onboarded (tenant, Slack workspace with its own signing secret, the demo tenant's policy), sends
 * each one signed {@code /ops echo} (so every per-tenant cache of the node is filled: workspace,
 * signing secret, policy, rate buckets, pacing), waits for the jobs, then waits {@code idleSeconds}
 * with no traffic at all. At four points it reads the node's live heap with {@code jcmd <pid>
 * GC.class_histogram} (a full GC first, so only reachable objects count): before, after installing,
 * after the commands, after the idle wait; and prints the growth per tenant, and the classes that
 * grew most between the first and the last reading.
 *
 * <p>Arguments {@code key=value}: {@code url}, {@code pid} (the node's JVM), {@code operatorToken},
 * {@code adminToken} (the demo tenant's, to copy its policy), {@code tenants}, {@code idleSeconds},
 * {@code responseUrl}, {@code concurrency} (requests in flight, default 8).
 */
public final class TenantHeap {

  private static final String SECRET_PREFIX = "heap-secret-";

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String url;
  private final Semaphore inFlight;

  private TenantHeap(String url, int concurrency) {
    this.url = url;
    this.inFlight = new Semaphore(concurrency);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      options.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    long pid = Long.parseLong(options.get("pid"));
    int tenants = Integer.parseInt(options.get("tenants"));
    int idleSeconds = Integer.parseInt(options.getOrDefault("idleSeconds", "150"));
    TenantHeap run = new TenantHeap(options.get("url"), Integer.parseInt(options.getOrDefault("concurrency", "8")));
    String operator = options.get("operatorToken");
    String policy = run.call("GET", "/api/v1/policy", options.get("adminToken"), null, null, 200);

    Histogram before = Histogram.of(pid);
    Instant started = Instant.now();
    run.forEach(tenants, i -> run.install(operator, i, policy));
    log("installed " + tenants + " tenants in " + Duration.between(started, Instant.now()).toSeconds() + " s");
    Histogram installed = Histogram.of(pid);

    String responseUrl = options.get("responseUrl");
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    run.forEach(tenants, i -> run.command(i, timestamp, responseUrl));
    log("each tenant's command acknowledged; waiting for the jobs");
    run.awaitJobs(tenants);
    Histogram used = Histogram.of(pid);

    log("idle for " + idleSeconds + " s");
    Thread.sleep(idleSeconds * 1000L);
    Histogram idle = Histogram.of(pid);

    System.out.printf("HEAP tenants=%d before_bytes=%d installed_per_tenant=%d used_per_tenant=%d idle_per_tenant=%d%n",
        tenants, before.total(), installed.perTenant(before, tenants), used.perTenant(before, tenants),
        idle.perTenant(before, tenants));
    System.out.println("Classes that grew most, before -> after the idle wait (bytes per tenant):");
    idle.growthOver(before).entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
        .forEach(e -> System.out.printf("  %8d  %s%n", e.getValue() / tenants, e.getKey()));
  }

  private static String tenantId(int i) {
    return String.format("heap%05d", i);
  }

  private static String workspace(int i) {
    return String.format("T0HEAP%05d", i);
  }

  private void install(String operator, int i, String policy) {
    String created = call("POST", "/api/v1/tenants", operator,
        new JsonObject().put("id", tenantId(i)).put("name", "Heap " + i).encode(), null, 201);
    String token = new JsonObject(created).getJsonObject("adminToken").getString("token");
    call("POST", "/api/v1/tenants/" + tenantId(i) + "/installations", operator, new JsonObject()
        .put("platform", "slack").put("workspaceId", workspace(i)).put("signingSecret", SECRET_PREFIX + i).encode(), null, 201);
    call("PUT", "/api/v1/policy", token, policy, "\"0\"", 200);
  }

  private void command(int i, String timestamp, String responseUrl) {
    String body = "token=heap&team_id=" + workspace(i) + "&team_domain=heap&channel_id=C0HEAP&channel_name=heap"
        + "&user_id=U0HEAP&user_name=heap&command=%2Fops&text=echo+heap&api_app_id=A0HEAP"
        + "&is_enterprise_install=false&response_url=" + URLEncoder.encode(responseUrl, StandardCharsets.UTF_8)
        + "&trigger_id=heap." + i;
    HttpRequest post = HttpRequest.newBuilder(URI.create(url + "/slack/commands"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Slack-Request-Timestamp", timestamp)
        .header("X-Slack-Signature", sign(SECRET_PREFIX + i, timestamp, body))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    String answer = send(post, 200);
    if (!answer.contains("Queued")) {
      throw new IllegalStateException(tenantId(i) + "'s command was not queued: " + answer);
    }
  }

  /** Until the node's counter of finished jobs has grown by {@code count} (or two minutes pass). */
  private void awaitJobs(int count) throws InterruptedException {
    long first = finishedJobs();
    Instant giveUp = Instant.now().plusSeconds(120);
    while (finishedJobs() - first < count && Instant.now().isBefore(giveUp)) {
      Thread.sleep(500);
    }
  }

  private long finishedJobs() {
    String metrics = send(HttpRequest.newBuilder(URI.create(url + "/metrics")).GET().build(), 200);
    return (long) metrics.lines().filter(line -> line.startsWith("switchboard_jobs_completed_total"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  private String call(String method, String path, String token, String json, String ifMatch, int expected) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    return send(request.build(), expected);
  }

  private String send(HttpRequest request, int expected) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expected) {
        throw new IllegalStateException(request.method() + " " + request.uri() + " answered " + response.statusCode()
            + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code task} for 0..count-1, {@code concurrency} at once; the first failure stops the run. */
  private void forEach(int count, IntConsumer task) {
    List<CompletableFuture<Void>> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int n = i;
      inFlight.acquireUninterruptibly();
      all.add(CompletableFuture.runAsync(() -> task.accept(n)).whenComplete((ok, failure) -> inFlight.release()));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
  }

  private static String sign(String secret, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void log(String message) {
    System.err.println("[tenant-heap] " + message);
  }

  /** A {@code GC.class_histogram} of live objects: bytes per class. */
  private record Histogram(Map<String, Long> bytes) {

    static Histogram of(long pid) throws IOException, InterruptedException {
      Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
      List<String> lines = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      if (jcmd.waitFor() != 0) {
        throw new IllegalStateException("jcmd failed: " + String.join("\n", lines));
      }
      Map<String, Long> bytes = new HashMap<>();
      for (String line : lines) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 4 && f[0].endsWith(":")) {
          bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
        } else if (f.length >= 3 && f[0].equals("Total")) {
          bytes.put("<total>", Long.parseLong(f[2]));
        }
      }
      return new Histogram(bytes);
    }

    long total() {
      return bytes.getOrDefault("<total>", 0L);
    }

    long perTenant(Histogram before, int tenants) {
      return (total() - before.total()) / tenants;
    }

    Map<String, Long> growthOver(Histogram before) {
      return bytes.entrySet().stream().filter(e -> !e.getKey().equals("<total>"))
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue() - before.bytes().getOrDefault(e.getKey(), 0L)));
    }
  }
}

package io.switchboard.loadtests;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends correctly signed Slack slash commands ({@code /ops echo load <n>}) to a running Switchboard
 * server at a constant rate and reports figures; it asserts nothing.
 *
 * <p>Two things are measured:
 *
 * <ul>
 *   <li>the HTTP acknowledgement of {@code POST /slack/commands} (Gatling's own report), checked for
 *       status 200 and a {@code text} containing "Queued";
 *   <li>the end-to-end latency from sending a command until the server POSTs the job result to the
 *       command's {@code response_url}. The simulation runs its own reply receiver on
 *       {@code 127.0.0.1:replyPort} and correlates replies through the path {@code /reply/<trigger_id>}.
 * </ul>
 *
 * <p>System properties: {@code baseUrl}, {@code teamId}, {@code signingSecret} (required), {@code rate},
 * {@code duration}, {@code replyPort}, plus the optional {@code replyWait}, {@code userId},
 * {@code channelId} and {@code adminToken} (the tenant's admin API token: with it, the run first
 * raises the tenant's rate limits so that they do not shape the figures). See {@code loadtests/README.md}.
 */
public class SlashCommandSimulation extends Simulation {

  // ---------------------------------------------------------------- configuration

  private final String baseUrl = prop("baseUrl", "http://127.0.0.1:8080");
  private final String teamId = prop("teamId", "T0DEMO");
  private final String signingSecret = requiredProp("signingSecret");
  private final double rate = Double.parseDouble(prop("rate", "20"));
  private final long durationSeconds = Long.parseLong(prop("duration", "30"));
  private final int replyPort = Integer.parseInt(prop("replyPort", "9099"));
  private final long replyWaitSeconds = Long.parseLong(prop("replyWait", "30"));
  private final String userId = prop("userId", "U0LOAD");
  private final String channelId = prop("channelId", "C0LOAD");
  /** Commands are spread over this many channels ({@code channelId} + a number when more than one). */
  private final int channels = Integer.parseInt(prop("channels", "1"));
  private final String adminToken = prop("adminToken", "");

  // ---------------------------------------------------------------- run state (shared with the reply server)

  /** Unique per run so that trigger ids never repeat across runs against the same server. */
  private final String runId = Long.toString(System.currentTimeMillis(), 36);

  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong commandsSent = new AtomicLong();
  private final AtomicLong commandsAccepted = new AtomicLong();
  private final AtomicLong repliesReceived = new AtomicLong();
  private final AtomicLong repliesUnmatched = new AtomicLong();
  private final AtomicLong repliesWithoutBlocks = new AtomicLong();
  /** Replies that were digests of several results (the channel pacer's); the results inside are not matched. */
  private final AtomicLong digests = new AtomicLong();

  /** trigger_id -> System.nanoTime() just before the command was sent; removed on first reply. */
  private final Map<String, Long> sendTimes = new ConcurrentHashMap<>();

  /** trigger ids whose command the server acknowledged with 200 + "Queued". */
  private final Map<String, Boolean> acceptedTriggers = new ConcurrentHashMap<>();

  /** End-to-end reply latencies in microseconds (first reply per trigger id). */
  private final ConcurrentLinkedQueue<Long> replyLatenciesMicros = new ConcurrentLinkedQueue<>();

  private final ThreadLocal<Mac> hmac = ThreadLocal.withInitial(this::newMac);

  private HttpServer replyServer;
  private ExecutorService replyExecutor;

  // ---------------------------------------------------------------- scenario

  private final HttpProtocolBuilder httpProtocol =
      http.baseUrl(baseUrl)
          .acceptHeader("application/json")
          .userAgentHeader("switchboard-loadtests/gatling")
          .disableCaching()
          .shareConnections();

  private final ScenarioBuilder scenario =
      scenario("Slack slash command /ops")
          .exec(session -> {
            long n = sequence.incrementAndGet();
            String triggerId = "lt." + runId + "." + n;
            String body = formBody(n, triggerId);
            String timestamp = Long.toString(Instant.now().getEpochSecond());
            String signature = "v0=" + hmacHex("v0:" + timestamp + ":" + body);
            sendTimes.put(triggerId, System.nanoTime());
            commandsSent.incrementAndGet();
            return session
                .set("triggerId", triggerId)
                .set("body", body)
                .set("timestamp", timestamp)
                .set("signature", signature);
          })
          .exec(
              http("POST /slack/commands")
                  .post("/slack/commands")
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("X-Slack-Request-Timestamp", session -> session.getString("timestamp"))
                  .header("X-Slack-Signature", session -> session.getString("signature"))
                  // function form: the signed string is sent byte for byte, never parsed as Gatling EL
                  .body(StringBody(session -> session.getString("body")))
                  .check(status().is(200))
                  .check(jsonPath("$.text").transform(text -> text.contains("Queued")).is(true)))
          .exec(session -> {
            if (!session.isFailed()) {
              commandsAccepted.incrementAndGet();
              acceptedTriggers.put(session.getString("triggerId"), Boolean.TRUE);
            }
            return session;
          });

  {
    setUp(scenario.injectOpen(constantUsersPerSec(rate).during(Duration.ofSeconds(durationSeconds))))
        .protocols(httpProtocol);
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void before() {
    raiseRateLimits();
    try {
      replyServer = HttpServer.create(new InetSocketAddress("127.0.0.1", replyPort), 1024);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot start the reply receiver on 127.0.0.1:" + replyPort
              + " (is the port in use? choose another with -DreplyPort=...)",
          e);
    }
    replyExecutor = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "reply-receiver");
      t.setDaemon(true);
      return t;
    });
    replyServer.createContext("/reply/", this::handleReply);
    replyServer.setExecutor(replyExecutor);
    replyServer.start();
    System.out.printf(Locale.ROOT,
        "%nSwitchboard load test: %s/slack/commands, team %s, %.2f commands/s for %d s, "
            + "replies on http://127.0.0.1:%d/reply/<trigger_id>%n"
            + "(start the server with SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES=http://127.0.0.1:%d/)%n%n",
        baseUrl, teamId, rate, durationSeconds, replyPort, replyPort);
  }

  /**
   * Every command of this run comes from one user in one channel, far beyond any sensible rate limit;
   * with {@code adminToken} the tenant's limits are raised through the admin API (read the policy's
   * ETag, write the {@code rateLimits} section with If-Match) before the first command.
   */
  private void raiseRateLimits() {
    if (adminToken.isBlank()) {
      System.out.printf(Locale.ROOT, "%nNo -DadminToken: the tenant's rate limits apply (by default 10 commands at "
          + "once and 30 a minute per user), so most commands will be refused as too many.%n");
      return;
    }
    long perMinute = Math.max(60, (long) Math.ceil(rate * 60 * 2));
    String bucket = "{\"burst\": " + Math.min(100_000, perMinute) + ", \"perMinute\": " + Math.min(100_000, perMinute) + "}";
    String limits = "{\"tenant\": " + bucket + ", \"user\": " + bucket + ", \"channel\": " + bucket + "}";
    try {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> current = client.send(HttpRequest.newBuilder(
              URI.create(baseUrl + "/api/v1/policy/rateLimits"))
          .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
      String etag = current.headers().firstValue("ETag").orElseThrow(() -> new IllegalStateException(
          "reading the policy answered HTTP " + current.statusCode() + ": " + current.body()));
      HttpResponse<String> written = client.send(HttpRequest.newBuilder(
              URI.create(baseUrl + "/api/v1/policy/rateLimits"))
          .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
          .header("If-Match", etag).PUT(HttpRequest.BodyPublishers.ofString(limits)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (written.statusCode() != 200) {
        throw new IllegalStateException("writing the rate limits answered HTTP " + written.statusCode() + ": "
            + written.body());
      }
      System.out.printf(Locale.ROOT, "%nRaised the tenant's rate limits to %s (policy version %s); "
          + "gateways pick the change up within a few seconds.%n", limits,
          written.headers().firstValue("ETag").orElse("?"));
      Thread.sleep(3_000);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot reach the admin API at " + baseUrl + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void after() {
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(replyWaitSeconds);
      long outstanding = outstandingReplies();
      if (outstanding > 0) {
        System.out.printf(Locale.ROOT,
            "Waiting up to %d s for %d outstanding replies...%n", replyWaitSeconds, outstanding);
      }
      while (outstanding > 0 && System.nanoTime() < deadline) {
        Thread.sleep(200);
        outstanding = outstandingReplies();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (replyServer != null) {
        replyServer.stop(0);
      }
      if (replyExecutor != null) {
        replyExecutor.shutdownNow();
      }
    }
    printReport();
  }

  // ---------------------------------------------------------------- reply receiver

  private void handleReply(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] payload;
      try (InputStream in = exchange.getRequestBody()) {
        payload = in.readAllBytes();
      }
      long now = System.nanoTime();
      String path = exchange.getRequestURI().getPath();
      String triggerId = path.substring(path.lastIndexOf('/') + 1);
      if ("POST".equalsIgnoreCase(exchange.getRequestMethod())) {
        repliesReceived.incrementAndGet();
        Long sentAt = sendTimes.remove(triggerId);
        if (sentAt != null) {
          replyLatenciesMicros.add(TimeUnit.NANOSECONDS.toMicros(now - sentAt));
        } else {
          repliesUnmatched.incrementAndGet(); // unknown trigger id, or a second reply for it
        }
        String body = new String(payload, StandardCharsets.UTF_8);
        if (!body.contains("\"blocks\"")) {
          repliesWithoutBlocks.incrementAndGet();
        }
        if (body.contains("jobs finished")) {
          digests.incrementAndGet();
        }
      }
      byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(200, ok.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(ok);
      }
    }
  }

  /** Accepted commands whose reply has not arrived yet. */
  private long outstandingReplies() {
    long n = 0;
    for (String trigger : acceptedTriggers.keySet()) {
      if (sendTimes.containsKey(trigger)) {
        n++;
      }
    }
    return n;
  }

  private void printReport() {
    List<Long> latencies = new ArrayList<>(replyLatenciesMicros);
    Collections.sort(latencies);
    long sent = commandsSent.get();
    long accepted = commandsAccepted.get();
    long matched = latencies.size();

    StringBuilder sb = new StringBuilder();
    sb.append(System.lineSeparator())
        .append("================ Switchboard slash-command load test ================")
        .append(System.lineSeparator());
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("target", baseUrl + "/slack/commands (team " + teamId + ")");
    rows.put("injection", String.format(Locale.ROOT, "%.2f commands/s for %d s", rate, durationSeconds));
    rows.put("commands sent", Long.toString(sent));
    rows.put("commands accepted (200 + Queued)", Long.toString(accepted));
    rows.put("replies received", Long.toString(repliesReceived.get()));
    rows.put("replies matched to a command", Long.toString(matched));
    rows.put("replies unmatched / repeated", Long.toString(repliesUnmatched.get()));
    rows.put("replies without \"blocks\"", Long.toString(repliesWithoutBlocks.get()));
    rows.put("digests (results inside not matched)", Long.toString(digests.get()));
    rows.put("accepted commands never replied", Long.toString(outstandingReplies()));
    if (matched == 0) {
      rows.put("reply latency (ms)", "n/a (no replies received)");
    } else {
      rows.put("reply latency p50 (ms)", millis(percentile(latencies, 50)));
      rows.put("reply latency p95 (ms)", millis(percentile(latencies, 95)));
      rows.put("reply latency p99 (ms)", millis(percentile(latencies, 99)));
      rows.put("reply latency max (ms)", millis(latencies.get(latencies.size() - 1)));
    }
    rows.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-36s %s%n", k, v)));
    sb.append("(reply latency = command sent -> job result POSTed back to response_url)")
        .append(System.lineSeparator())
        .append("=====================================================================")
        .append(System.lineSeparator());
    System.out.print(sb);
    System.out.flush();
  }

  /** Nearest-rank percentile of an ascending list. */
  private static long percentile(List<Long> sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  private static String millis(long micros) {
    return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
  }

  // ---------------------------------------------------------------- request body and signature

  /** The url-encoded body, in Slack's field order; exactly these bytes are signed and sent. */
  private String formBody(long n, String triggerId) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("token", "loadtest-verification-token");
    fields.put("team_id", teamId);
    fields.put("team_domain", "loadtest");
    fields.put("channel_id", channels > 1 ? channelId + (n % channels) : channelId);
    fields.put("channel_name", "loadtest");
    fields.put("user_id", userId);
    fields.put("user_name", "loadtest");
    fields.put("command", "/ops");
    fields.put("text", "echo load " + n);
    fields.put("api_app_id", "A0LOADTEST");
    fields.put("response_url", "http://127.0.0.1:" + replyPort + "/reply/" + triggerId);
    fields.put("trigger_id", triggerId);
    StringBuilder body = new StringBuilder();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (body.length() > 0) {
        body.append('&');
      }
      body.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return body.toString();
  }

  private String hmacHex(String baseString) {
    byte[] digest = hmac.get().doFinal(baseString.getBytes(StandardCharsets.UTF_8));
    StringBuilder hex = new StringBuilder(digest.length * 2);
    for (byte b : digest) {
      hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return hex.toString();
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  // ---------------------------------------------------------------- properties

  private static String prop(String name, String defaultValue) {
    String value = System.getProperty(name);
    return value == null || value.isBlank() ? defaultValue : value.trim();
  }

  private static String requiredProp(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "Missing required system property -D" + name + "=... (the Slack signing secret the "
              + "Switchboard server verifies, e.g. -D" + name + "=loadtest-secret when the server runs "
              + "with SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET=loadtest-secret)");
    }
    return value;
  }
}

package io.switchboard.gateway.notify;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.slack.SlackBotTokens;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LocalResources;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Alertmanager (Debian's {@code prometheus-alertmanager}; {@code .ci/run} installs it) on
 * loopback, its webhook receiver pointed at the gateway's {@code /api/v1/notifications/alertmanager}
 * with the tenant token as bearer credentials: alerts pushed to its API reach the Slack stand-in as
 * one grouped message, and their resolution edits it. Skipped, saying so, where no binary is installed.
 */
@DisplayName("A real Alertmanager's webhook reaches Slack as one grouped message")
class NotificationRealAlertmanagerTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String BOT_TOKEN = "xoxb-acme-alertmanager";

  @TempDir
  Path dir;

  private SlackApiStandIn slack;
  private GatewayFixture fixture;
  private Process alertmanager;
  private String alertmanagerUrl;

  @BeforeEach
  void start() throws IOException {
    Optional<Path> binary = binary();
    assumeTrue(binary.isPresent(), "no prometheus-alertmanager binary on this machine (set "
        + "SWITCHBOARD_TEST_ALERTMANAGER_BIN or install Debian's prometheus-alertmanager package, as .ci/run does); "
        + "the real-Alertmanager test is skipped");
    slack = SlackApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SLACK_API_URL", slack.apiUrl(),
        "SWITCHBOARD_PACING_SLACK_MILLIS", "50", "SWITCHBOARD_NOTIFY_GROUP_WAIT_SECONDS", "1"));
    Await.result(new SlackBotTokens(fixture.secrets()).store("acme", "T0ACME", BOT_TOKEN));
    slack.acceptToken(BOT_TOKEN);

    int port = LocalResources.freePort();
    alertmanagerUrl = "http://127.0.0.1:" + port;
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(config, """
        route:
          receiver: switchboard
          group_by: ['alertname']
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: switchboard
            webhook_configs:
              - url: '%s/api/v1/notifications/alertmanager?workspace=T0ACME&channel=C0ALERTS'
                send_resolved: true
                http_config:
                  authorization:
                    type: Bearer
                    credentials: '%s'
        """.formatted(fixture.baseUrl(), ACME_TOKEN));
    alertmanager = new ProcessBuilder(binary.get().toString(), "--config.file=" + config,
        "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
        "--cluster.listen-address=", "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
    awaitLong("Alertmanager is ready", () -> status(alertmanagerUrl + "/-/ready") == 200);
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (alertmanager != null) {
      alertmanager.destroyForcibly().waitFor();
    }
    if (fixture != null) {
      fixture.close();
    }
    if (slack != null) {
      slack.close();
    }
  }

  @Test
  @DisplayName("three firing alerts become one Slack message; resolving them edits it")
  void groupedThenResolved() {
    pushAlerts(null);
    awaitLong("the grouped message reached Slack", () -> !posts().isEmpty());
    awaitLong("every alert is shown", () -> fixture.count(
        "SELECT count(*) FROM notifications WHERE NOT owed AND message_id IS NOT NULL") == 3);
    assertThat(posts()).hasSize(1);
    String text = posts().get(0).args().get("text");
    assertThat(text).startsWith("3 notifications");
    for (String instance : List.of("db-1", "db-2", "db-3")) {
      assertThat(text).contains("DiskFull: Disk almost full on " + instance);
    }

    pushAlerts(Instant.now().minusSeconds(5));
    awaitLong("the resolution edited the message", () -> slack.calls("chat.update").stream()
        .anyMatch(call -> call.args().get("text").contains("3 resolved")));
    assertThat(posts()).as("resolving edits, it posts nothing new").hasSize(1);
    assertThat(fixture.count("SELECT count(*) FROM notifications WHERE status = 'resolved'")).isEqualTo(3);
  }

  /** Pushes three DiskFull alerts to Alertmanager's API; ended at {@code endsAt} when given (resolved). */
  private void pushAlerts(Instant endsAt) {
    JsonArray alerts = new JsonArray();
    for (String instance : List.of("db-1", "db-2", "db-3")) {
      JsonObject alert = new JsonObject()
          .put("labels", new JsonObject().put("alertname", "DiskFull").put("severity", "critical")
              .put("instance", instance))
          .put("annotations", new JsonObject().put("summary", "Disk almost full on " + instance));
      if (endsAt != null) {
        alert.put("startsAt", endsAt.minusSeconds(60).toString()).put("endsAt", endsAt.toString());
      }
      alerts.add(alert);
    }
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(alertmanagerUrl + "/api/v2/alerts"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(alerts.encode()))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<SlackApiStandIn.Call> posts() {
    return slack.calls("chat.postMessage").stream().filter(c -> "C0ALERTS".equals(c.args().get("channel"))).toList();
  }

  /** Polls for up to 90 s: Alertmanager's start and its group waits come on top of the gateway's. */
  private static void awaitLong(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + 90_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what);
      }
    }
  }

  private static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Optional<Path> binary() {
    String configured = System.getenv("SWITCHBOARD_TEST_ALERTMANAGER_BIN");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    }
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .flatMap(folder -> Stream.of(Path.of(folder, "prometheus-alertmanager"), Path.of(folder, "alertmanager")))
        .filter(Files::isExecutable)
        .findFirst();
  }
}

package io.switchboard.gateway.api;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("GET /api/v1/jobs/{id}")
class JobsApiTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static GatewayFixture fixture;
  private static long acmeJob;
  private static long globexJob;

  @BeforeAll
  static void start() {
    fixture = new GatewayFixture();
    fixture.acmeCommand("echo acme secret plans").post(fixture.baseUrl());
    acmeJob = fixture.count("SELECT id FROM jobs WHERE tenant_id = 'acme'");
    TestDatabase.execute(fixture.url(), "INSERT INTO jobs (tenant_id, idempotency_key, platform, requester, command, "
        + "command_text, action, arguments, reply_to, status) VALUES ('globex', 'k1', 'slack', 'U9', 'echo', "
        + "'/ops echo globex', 'echo', '{}', '{}', 'queued')");
    globexJob = fixture.count("SELECT id FROM jobs WHERE tenant_id = 'globex'");
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @Test
  @DisplayName("returns the caller's own job, without its reply address")
  void readsOwnJob() {
    HttpResponse<String> response = get("/api/v1/jobs/" + acmeJob, GatewayFixture.ACME_TOKEN);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject job = new JsonObject(response.body());
    assertThat(job.getLong("id")).isEqualTo(acmeJob);
    assertThat(job.getString("tenant")).isEqualTo("acme");
    assertThat(job.getString("commandText")).isEqualTo("/ops echo acme secret plans");
    assertThat(job.getString("requester")).isEqualTo("U0USER");
    assertThat(job.getString("status")).isEqualTo("queued");
    assertThat(job.getString("createdAt")).isNotNull();
    assertThat(job.containsKey("startedAt")).isTrue();
    assertThat(response.body()).doesNotContain("response_url").doesNotContain(fixture.slack().prefix());
  }

  @Test
  @DisplayName("another tenant's job is a 404, in both directions")
  void neverShowsAnotherTenantsJob() {
    assertThat(get("/api/v1/jobs/" + acmeJob, GatewayFixture.GLOBEX_TOKEN).statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/jobs/" + globexJob, GatewayFixture.ACME_TOKEN).statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/jobs/" + globexJob, GatewayFixture.GLOBEX_TOKEN).statusCode()).isEqualTo(200);
    HttpResponse<String> hidden = get("/api/v1/jobs/" + acmeJob, GatewayFixture.GLOBEX_TOKEN);
    assertThat(hidden.body()).doesNotContain("secret plans");
    assertThat(get("/api/v1/jobs/" + acmeJob, GatewayFixture.GLOBEX_TOKEN).body())
        .isEqualTo(get("/api/v1/jobs/999999", GatewayFixture.GLOBEX_TOKEN).body().replace("999999", "" + acmeJob));
  }

  @Test
  @DisplayName("needs a valid, unrevoked token")
  void needsAToken() {
    assertThat(get("/api/v1/jobs/" + acmeJob, null).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/jobs/" + acmeJob, "sbt_unknown").statusCode()).isEqualTo(401);
    HttpResponse<String> basic = send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + "/api/v1/jobs/" + acmeJob))
        .header("Authorization", "Basic YWxpY2U6c2VjcmV0").build());
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(basic.headers().firstValue("WWW-Authenticate")).isPresent();
  }

  @Test
  @DisplayName("a revoked token is refused at once")
  void revokedTokensStopWorking() {
    TestDatabase.execute(fixture.url(), "INSERT INTO api_tokens (tenant_id, token_hash, label) VALUES ('acme', "
        + "encode(sha256('sbt_short_lived'::bytea), 'hex'), 'short-lived')");
    assertThat(get("/api/v1/jobs/" + acmeJob, "sbt_short_lived").statusCode()).isEqualTo(200);
    TestDatabase.execute(fixture.url(), "UPDATE api_tokens SET revoked_at = now() WHERE label = 'short-lived'");
    assertThat(get("/api/v1/jobs/" + acmeJob, "sbt_short_lived").statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("a malformed id is a 400 problem, never a 500")
  void malformedIds() {
    for (String id : new String[] {"abc", "-1", "0", "99999999999999999999999", "1.5"}) {
      HttpResponse<String> response = get("/api/v1/jobs/" + id, GatewayFixture.ACME_TOKEN);
      assertThat(response.statusCode()).as(id).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
  }

  @Test
  @DisplayName("operations endpoints answer")
  void operationsEndpoints() {
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
    assertThat(get("/ready", null).body()).contains("ready");
    HttpResponse<String> metrics = get("/metrics", null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("switchboard_commands_received_total").contains("switchboard_ack_latency_seconds");
  }

  @Test
  @DisplayName("POST /api/v1/jobs/{id}/cancel stops the caller's own job only")
  void cancelThroughTheApi() {
    fixture.acmeCommand("echo to be cancelled").post(fixture.baseUrl());
    long queued = fixture.count("SELECT max(id) FROM jobs WHERE tenant_id = 'acme'");
    assertThat(post("/api/v1/jobs/" + queued + "/cancel", GatewayFixture.GLOBEX_TOKEN).statusCode()).isEqualTo(404);
    assertThat(post("/api/v1/jobs/" + queued + "/cancel", null).statusCode()).isEqualTo(401);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued' AND id = " + queued)).isEqualTo(1);

    HttpResponse<String> cancelled = post("/api/v1/jobs/" + queued + "/cancel", GatewayFixture.ACME_TOKEN);
    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(cancelled.body()).getString("status")).isEqualTo("cancelled");
    HttpResponse<String> again = post("/api/v1/jobs/" + queued + "/cancel", GatewayFixture.ACME_TOKEN);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(again.body()).getString("code")).isEqualTo("conflict");

    TestDatabase.execute(fixture.url(), "UPDATE jobs SET status = 'running', finished_at = NULL, "
        + "cancel_requested_at = NULL, lease_id = gen_random_uuid() WHERE id = " + globexJob);
    HttpResponse<String> stopping = post("/api/v1/jobs/" + globexJob + "/cancel", GatewayFixture.GLOBEX_TOKEN);
    assertThat(stopping.statusCode()).isEqualTo(202);
    assertThat(new JsonObject(stopping.body()).getString("cancel")).isEqualTo("stopping");
    io.switchboard.testkit.Await.until("the executors are told", () -> fixture.cancels().stream()
        .anyMatch(c -> c.getLong("jobId") == globexJob && "globex".equals(c.getString("tenantId"))));
    TestDatabase.execute(fixture.url(), "UPDATE jobs SET status = 'queued', cancel_requested_at = NULL, "
        + "lease_id = NULL WHERE id = " + globexJob);
  }

  private static HttpResponse<String> post(String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fixture.baseUrl() + path))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  private static HttpResponse<String> get(String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fixture.baseUrl() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.switchboard.gateway.sandbox;

import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.job.JobFinished;
import io.switchboard.core.job.JobProgress;
import io.switchboard.core.job.JobStatus;
import io.switchboard.core.security.Secrets;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.platform.ChatPlatformContract;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.testkit.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Sandbox web chat: session cookie, commands through the shared pipeline, stored messages")
class SandboxChatTest {

  private GatewayFixture fixture;
  private SandboxVisitor alice;

  @BeforeEach
  void start() {
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SANDBOX_ENABLED", "true"));
    Await.result(Installations.add(fixture.pool(), "acme", "sandbox", SandboxSessions.WORKSPACE,
        null, null, InstallationProof.SANDBOX));
    alice = new SandboxVisitor(fixture.baseUrl());
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  @DisplayName("GET / serves the page, with a content security policy that allows no inline script")
  void servesThePage() {
    HttpResponse<String> page = alice.get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("Switchboard").contains("/sandbox/static/app.js");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'")
        .doesNotContain("unsafe-inline");
    assertThat(alice.get("/sandbox/static/app.js").body()).contains("textContent").doesNotContain("innerHTML =");
    assertThat(page.body()).as("no inline script or handlers").doesNotContainPattern("<script(?![^>]*\\bsrc=)")
        .doesNotContainPattern("\\son[a-z]+=");
  }

  @Test
  @DisplayName("the first screen is not blank: a welcome suggests help, whoami, echo hi and the tour's deploy")
  void welcomeSuggestsWhatToType() {
    String page = alice.get("/").body();
    String welcome = page.substring(page.indexOf("<div id=\"welcome\""), page.indexOf("</section>"));
    for (String command : List.of("help", "whoami", "echo hi", "deploy staging api --version 1.4.2")) {
      assertThat(welcome).contains("data-command=\"" + command + "\"");
    }
    assertThat(welcome).contains("docs/sandbox.md");
    assertThat(alice.get("/sandbox/static/app.js").body()).contains("button.suggestion")
        .contains("channel.replaceChildren(welcome)");
  }

  @Test
  @DisplayName("picking a user sets an HttpOnly, SameSite=Strict session cookie; only its hash is stored")
  void sessionCookie() {
    HttpResponse<String> picked = alice.pick("alice");

    assertThat(picked.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(picked.body()).getString("user")).isEqualTo("alice");
    String setCookie = picked.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Strict").contains("Path=/sandbox/api");
    String token = alice.cookie().orElseThrow();
    assertThat(fixture.count("SELECT count(*) FROM sandbox_sessions WHERE tenant_id = 'acme' AND user_id = 'alice' "
        + "AND token_sha256 = '" + Secrets.hash(token) + "'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM sandbox_sessions WHERE token_sha256 = '" + token + "'")).isZero();

    assertThat(alice.pick("bob").statusCode()).isEqualTo(200);
    assertThat(alice.cookie()).hasValue(token);
    assertThat(new JsonObject(alice.get("/sandbox/api/session").body()).getString("user")).isEqualTo("bob");
  }

  @Test
  @DisplayName("without a valid session cookie the API answers 401 and nothing runs")
  void cookieRequired() {
    SandboxVisitor anonymous = new SandboxVisitor(fixture.baseUrl());
    SandboxVisitor forged = anonymous.withCookie("sbs_" + "0".repeat(64));
    SandboxVisitor garbage = anonymous.withCookie("x;y");
    for (SandboxVisitor visitor : List.of(anonymous, forged, garbage)) {
      assertThat(visitor.get("/sandbox/api/messages").statusCode()).isEqualTo(401);
      assertThat(visitor.command("echo hi").statusCode()).isEqualTo(401);
      assertThat(visitor.vote(1, "approve").statusCode()).isEqualTo(401);
    }
    assertThat(new JsonObject(anonymous.get("/sandbox/api/session").body()).getValue("user")).isNull();
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("a write without the sandbox header, from another origin, or not JSON is refused (403/415)")
  void crossSiteWritesRefused() {
    alice.pick("alice");
    HttpRequest.Builder noHeader = alice.request("/sandbox/api/commands").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"echo hi\"}"));
    assertThat(SandboxVisitor.send(noHeader).statusCode()).isEqualTo(403);
    HttpRequest.Builder otherOrigin = alice.request("/sandbox/api/commands").header("Content-Type", "application/json")
        .header(SandboxChat.CSRF_HEADER, "1").header("Origin", "https://evil.example")
        .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"echo hi\"}"));
    assertThat(SandboxVisitor.send(otherOrigin).statusCode()).isEqualTo(403);
    HttpRequest.Builder form = alice.request("/sandbox/api/commands")
        .header("Content-Type", "application/x-www-form-urlencoded").header(SandboxChat.CSRF_HEADER, "1")
        .POST(HttpRequest.BodyPublishers.ofString("text=echo+hi"));
    assertThat(SandboxVisitor.send(form).statusCode()).isEqualTo(415);
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("bad input is a 4xx problem, never a 500")
  void badInput() {
    assertThat(alice.pick("mallory").statusCode()).isEqualTo(400);
    assertThat(alice.post("/sandbox/api/session", "{\"user\": 7}").statusCode()).isEqualTo(400);
    alice.pick("alice");
    Map<String, Integer> bodies = Map.of(
        "{", 400, "[]", 400, "\"text\"", 400, "{}", 400, "{\"text\": 5}", 400, "{\"text\": \"   \"}", 400,
        "{\"text\": \"" + "x".repeat(SandboxChat.MAX_COMMAND_CHARS + 1) + "\"}", 400,
        "{\"text\": \"echo hi\", \"id\": \"../../x\"}", 400,
        "{\"text\": \"" + "x".repeat(20_000) + "\"}", 413);
    bodies.forEach((body, status) -> {
      HttpResponse<String> response = alice.post("/sandbox/api/commands", body);
      assertThat(response.statusCode()).as(body.length() > 60 ? body.substring(0, 60) : body).isEqualTo(status);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    });
    assertThat(alice.get("/sandbox/api/messages?since=abc").statusCode()).isEqualTo(400);
    assertThat(alice.get("/sandbox/api/messages?since=-1").statusCode()).isEqualTo(400);
    assertThat(alice.vote(1, "maybe").statusCode()).isEqualTo(404);
    assertThat(alice.post("/sandbox/api/approvals/abc/approve", "{}").statusCode()).isEqualTo(400);
    assertThat(alice.post("/sandbox/api/approvals/99999999999999999999/approve", "{}").statusCode()).isEqualTo(400);
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("help is answered at once; echo is queued as a sandbox job and its progress and result edit its message")
  void commandQueuedAndResultShown() {
    alice.pick("alice");
    long before = System.currentTimeMillis();
    assertThat(alice.command("help").statusCode()).isEqualTo(200);
    assertThat(alice.transcript()).contains("alice: help").contains("switchboard: ").contains("echo");
    alice.command("whoami");
    assertThat(alice.messages().get(alice.messages().size() - 1).getString("text"))
        .as("no Slack markup in the sandbox (issue 12)").startsWith("You are @alice in workspace `web`.")
        .doesNotContain("<@").doesNotContain("&lt;");
    assertThat(alice.messages()).as("each message says when it was shown, in epoch milliseconds")
        .allSatisfy(m -> assertThat(m.getLong("at")).isBetween(before - 5_000, System.currentTimeMillis() + 5_000));

    HttpResponse<String> queued = alice.command("echo <b>hi</b> & bye");
    assertThat(queued.statusCode()).isEqualTo(200);
    long jobId = new JsonObject(queued.body()).getLong("job");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND id = " + jobId
        + " AND platform = 'sandbox' AND requester = 'alice' AND reply_to->>'kind' = 'sandbox'")).isEqualTo(1);
    JsonObject ack = jobMessage(jobId);
    assertThat(ack.getString("status")).isEqualTo("queued");
    assertThat(ack.getString("text")).startsWith("Queued as job " + jobId).contains("echo <b>hi</b> & bye");

    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET status = 'running', started_at = now(), progress = $2 "
        + "WHERE id = $1").execute(Tuple.of(jobId, "halfway")));
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_PROGRESS, new JobProgress("acme", jobId, 1, "halfway").toJson());
    Await.until("the progress line shown", () -> jobMessage(jobId).getJsonArray("sections", new JsonArray())
        .contains("halfway"));

    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET status = 'succeeded', output = $2, finished_at = now() "
        + "WHERE id = $1").execute(Tuple.of(jobId, "<b>hi</b> & bye")));
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", jobId, JobStatus.SUCCEEDED).toJson());
    Await.until("the result shown", () -> shownWithStatus("succeeded"));
    Await.until("the reply marked sent", () ->
        fixture.count("SELECT count(*) FROM jobs WHERE replied_at IS NOT NULL AND id = " + jobId) == 1);

    JsonObject result = jobMessage(jobId);
    assertThat(result.getString("title")).isEqualTo("echo <b>hi</b> & bye");
    assertThat(result.getString("output")).isEqualTo("<b>hi</b> & bye");
    assertThat(result.getJsonArray("fields").getJsonObject(0).getString("value")).isEqualTo("@alice");
    assertThat(alice.messages()).hasSize(6);
  }

  @Test
  @DisplayName("a command held for approval shows buttons; a second demo user's vote queues it and the card becomes the job's")
  void approvalVotes() {
    fixture.putPolicy("acme", approvalPolicy());
    alice.pick("alice");
    HttpResponse<String> held = alice.command("restart production api");
    long approvalId = new JsonObject(held.body()).getLong("approval");
    JsonObject card = alice.messages().get(1);
    assertThat(card.getJsonArray("buttons")).extracting(b -> ((JsonObject) b).getString("action"))
        .containsExactly("approve", "deny");
    assertThat(card.getJsonArray("buttons").getJsonObject(0).getLong("approval")).isEqualTo(approvalId);

    assertThat(new JsonObject(alice.vote(approvalId, "approve").body()).getString("outcome")).isEqualTo("own_request");
    assertThat(fixture.jobCount()).isZero();
    alice.pick("bob");
    assertThat(new JsonObject(alice.vote(approvalId, "approve").body()).getString("outcome")).isEqualTo("approved");

    long jobId = fixture.count("SELECT id FROM jobs WHERE tenant_id = 'acme' AND platform = 'sandbox'");
    assertThat(fixture.count("SELECT count(*) FROM sandbox_messages WHERE tenant_id = 'acme' AND approval_id = "
        + approvalId + " AND job_id = " + jobId)).isEqualTo(1);
    assertThat(alice.transcript()).contains("You cannot approve your own request");

    Await.result(fixture.pool().preparedQuery("UPDATE jobs SET status = 'succeeded', output = 'restarted api', "
        + "started_at = now(), finished_at = now() WHERE tenant_id = 'acme' AND id = $1").execute(Tuple.of(jobId)));
    fixture.vertx().eventBus().publish(EventBusAddresses.JOBS_FINISHED,
        new JobFinished("acme", jobId, JobStatus.SUCCEEDED).toJson());
    Await.until("the result shown", () -> shownWithStatus("succeeded"));
    assertThat(jobMessage(jobId).getJsonArray("fields")).as("the result names who approved it").containsSubsequence(
        new JsonObject().put("label", "Requested by").put("value", "@alice"),
        new JsonObject().put("label", "Approved by").put("value", "@bob"));
    alice.command("job " + jobId);
    assertThat(alice.messages().get(alice.messages().size() - 1).getJsonArray("fields"))
        .as("job <id> shows the job as its own message does").contains(
            new JsonObject().put("label", "Approved by").put("value", "@bob"));
  }

  @Test
  @DisplayName("an approval past its deadline is closed by the gateway's sweep and its card redrawn without buttons")
  void expiredApprovalRedrawn() {
    fixture.putPolicy("acme", approvalPolicy());
    alice.pick("alice");
    long approvalId = new JsonObject(alice.command("restart production api").body()).getLong("approval");
    assertThat(alice.messages().get(1).getJsonArray("buttons")).hasSize(2);
    Await.result(fixture.pool().preparedQuery("UPDATE approvals SET deadline = now() - interval '1 second' "
        + "WHERE tenant_id = 'acme' AND id = $1").execute(Tuple.of(approvalId)));

    Await.until("the sweep redraws the card", () -> alice.messages().get(1).getJsonArray("buttons").isEmpty());
    assertThat(fixture.count("SELECT count(*) FROM approvals WHERE status = 'expired'")).isEqualTo(1);
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("tenant isolation: a session sees only its tenant's and its own channel's messages, and votes only there")
  void tenantIsolation() {
    Await.result(Installations.add(fixture.pool(), "globex", "sandbox", "globex-web",
        null, null, InstallationProof.SANDBOX));
    Await.result(fixture.pool().preparedQuery("INSERT INTO sandbox_sessions (tenant_id, id, token_sha256, user_id) "
        + "VALUES ('globex', 'web-shared', $1, 'alice')").execute(Tuple.of(Secrets.hash("sbs_" + "1".repeat(64)))));
    Await.result(fixture.pool().query("INSERT INTO sandbox_messages (tenant_id, session_id, approval_id, body) "
        + "VALUES ('globex', 'web-shared', 1, '{\"from\":\"switchboard\",\"text\":\"globex secret\"}')").execute());
    alice.pick("alice");
    SandboxVisitor other = new SandboxVisitor(fixture.baseUrl());
    other.pick("carol");
    alice.command("help");

    assertThat(alice.transcript()).doesNotContain("globex secret");
    assertThat(other.transcript()).doesNotContain("globex secret").doesNotContain("alice: help");
    assertThat(new JsonObject(alice.vote(1, "approve").body()).getString("outcome")).isEqualTo("not_found");
    assertThat(fixture.count("SELECT count(*) FROM sandbox_messages WHERE tenant_id = 'globex'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM sandbox_sessions WHERE tenant_id = 'acme'")).isEqualTo(2);
    // globex's session does not resolve here: its installation's workspace is not the sandbox's.
    assertThat(alice.withCookie("sbs_" + "1".repeat(64)).get("/sandbox/api/messages").statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("sessions are capped: with the sandbox full a new visitor gets a 429, a visitor with a session goes on")
  void sessionsAreCapped() {
    assertThat(alice.pick("alice").statusCode()).isEqualTo(200);
    fixture.count("WITH filled AS (INSERT INTO sandbox_sessions (tenant_id, id, token_sha256, user_id) "
        + "SELECT 'acme', 'fill-' || g, 'hash-' || g, 'bob' FROM generate_series(1, " + SandboxSessions.MAX_SESSIONS
        + ") g RETURNING 1) SELECT count(*) FROM filled");
    HttpResponse<String> refused = new SandboxVisitor(fixture.baseUrl()).pick("carol");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.body()).contains("rate_limited");
    assertThat(alice.pick("bob").statusCode()).as("an existing session only switches user").isEqualTo(200);
    assertThat(fixture.count("SELECT count(*) FROM sandbox_sessions")).isEqualTo(SandboxSessions.MAX_SESSIONS + 1);
  }

  @Test
  @DisplayName("without a sandbox installation a session cannot start (503); the admin API installs it for a tenant")
  void installedThroughTheAdminApi() {
    try (GatewayFixture fresh = new GatewayFixture(Map.of("SWITCHBOARD_SANDBOX_ENABLED", "true"))) {
      SandboxVisitor visitor = new SandboxVisitor(fresh.baseUrl());
      assertThat(visitor.pick("alice").statusCode()).isEqualTo(503);
      HttpResponse<String> installed = SandboxVisitor.send(HttpRequest.newBuilder(
              URI.create(fresh.baseUrl() + "/api/v1/installations"))
          .header("Authorization", "Bearer " + GatewayFixture.GLOBEX_TOKEN).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"platform\":\"sandbox\",\"workspaceId\":\"web\"}")));
      assertThat(installed.statusCode()).as(installed.body()).isEqualTo(201);
      assertThat(visitor.pick("alice").statusCode()).isEqualTo(200);
      assertThat(fresh.count("SELECT count(*) FROM sandbox_sessions WHERE tenant_id = 'globex'")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("sessions idle longer than the configured time are deleted with their messages; active ones stay")
  void idleSessionsAreDeleted() {
    alice.pick("alice");
    alice.command("help");
    SandboxVisitor bob = new SandboxVisitor(fixture.baseUrl());
    bob.pick("bob");
    bob.command("help");
    SandboxVisitor carol = new SandboxVisitor(fixture.baseUrl());
    carol.pick("carol");
    carol.command("help");
    fixture.count("WITH u AS (UPDATE sandbox_sessions SET created_at = now() - interval '2 days' "
        + "WHERE user_id IN ('alice', 'carol') RETURNING 1) SELECT count(*) FROM u");
    fixture.count("WITH u AS (UPDATE sandbox_messages m SET created_at = now() - interval '2 days' FROM sandbox_sessions s "
        + "WHERE s.tenant_id = m.tenant_id AND s.id = m.session_id AND s.user_id = 'alice' RETURNING 1) "
        + "SELECT count(*) FROM u");

    SandboxCleanup cleanup = new SandboxCleanup(fixture.vertx(), fixture.pool(), Duration.ofHours(24),
        Clock.systemUTC());
    assertThat(Await.result(cleanup.removeIdle())).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM sandbox_sessions WHERE user_id = 'alice'")).isZero();
    assertThat(fixture.count("SELECT count(*) FROM sandbox_messages m WHERE NOT EXISTS (SELECT 1 FROM sandbox_sessions s "
        + "WHERE s.tenant_id = m.tenant_id AND s.id = m.session_id)")).isZero();
    assertThat(alice.get("/sandbox/api/messages").statusCode()).isEqualTo(401);
    assertThat(bob.transcript()).contains("bob: help");
    assertThat(carol.transcript()).as("an old session with a recent message is still in use").contains("carol: help");
    assertThat(Await.result(cleanup.removeIdle())).isZero();

    alice.pick("alice");
    assertThat(alice.command("help").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("disabled (the default with an external database): no page and no API")
  void disabledByDefaultOutsideTheEmbeddedNode() {
    try (GatewayFixture plain = new GatewayFixture(Map.of("SWITCHBOARD_SANDBOX_ENABLED", "false"))) {
      SandboxVisitor visitor = new SandboxVisitor(plain.baseUrl());
      assertThat(visitor.get("/").statusCode()).isEqualTo(404);
      assertThat(visitor.pick("alice").statusCode()).isEqualTo(404);
    }
  }

  @Test
  @DisplayName("a visitor from another machine gets a 403 problem on the page, its files and the API; X-Forwarded-For is ignored")
  void remoteVisitorsRefusedUnlessAllowed() {
    String remoteIp = nonLoopbackAddress();
    try (GatewayFixture open = new GatewayFixture(Map.of("SWITCHBOARD_SANDBOX_ENABLED", "true",
        "SWITCHBOARD_HTTP_HOST", "0.0.0.0"))) {
      Await.result(Installations.add(open.pool(), "acme", "sandbox", SandboxSessions.WORKSPACE,
        null, null, InstallationProof.SANDBOX));
      SandboxVisitor remote = new SandboxVisitor(open.baseUrl().replace("127.0.0.1", remoteIp));
      for (HttpResponse<String> refused : List.of(remote.get("/"), remote.get("/sandbox/static/app.js"),
          remote.get("/sandbox/api/session"), remote.pick("alice"), remote.get("/sandbox/api/messages"),
          remote.command("echo hi"), SandboxVisitor.send(remote.request("/sandbox/api/session")
              .header("X-Forwarded-For", "127.0.0.1").header("Forwarded", "for=127.0.0.1").GET()))) {
        assertThat(refused.statusCode()).as(refused.uri().toString()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonObject(refused.body()).getString("detail")).contains("SWITCHBOARD_SANDBOX_ALLOW_REMOTE");
      }
      assertThat(open.count("SELECT count(*) FROM sandbox_sessions")).isZero();

      SandboxVisitor local = new SandboxVisitor(open.baseUrl());
      assertThat(local.get("/").statusCode()).isEqualTo(200);
      assertThat(SandboxVisitor.send(local.request("/sandbox/api/session").header("X-Forwarded-For", "203.0.113.9")
          .GET()).statusCode()).as("a header cannot make a local visitor remote either").isEqualTo(200);
      assertThat(remote.get("/health").statusCode()).as("only the sandbox is loopback-only").isEqualTo(200);
    }
    try (GatewayFixture allowed = new GatewayFixture(Map.of("SWITCHBOARD_SANDBOX_ENABLED", "true",
        "SWITCHBOARD_HTTP_HOST", "0.0.0.0", "SWITCHBOARD_SANDBOX_ALLOW_REMOTE", "true"))) {
      Await.result(Installations.add(allowed.pool(), "acme", "sandbox", SandboxSessions.WORKSPACE,
        null, null, InstallationProof.SANDBOX));
      SandboxVisitor remote = new SandboxVisitor(allowed.baseUrl().replace("127.0.0.1", remoteIp));
      assertThat(remote.get("/").statusCode()).isEqualTo(200);
      assertThat(remote.pick("alice").statusCode()).isEqualTo(200);
      assertThat(remote.command("help").statusCode()).isEqualTo(200);
    }
  }

  /** An IPv4 address of this machine that is not loopback (connecting to it makes a non-loopback remote address). */
  private static String nonLoopbackAddress() {
    try {
      return NetworkInterface.networkInterfaces().filter(SandboxChatTest::isUp)
          .flatMap(NetworkInterface::inetAddresses)
          .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress()
              && !address.isLinkLocalAddress())
          .map(InetAddress::getHostAddress).findFirst()
          .orElseGet(() -> {
            Assumptions.abort("this machine has no non-loopback IPv4 address to visit the sandbox from");
            return null;
          });
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isUp(NetworkInterface network) {
    try {
      return network.isUp() && !network.isLoopback();
    } catch (SocketException e) {
      return false;
    }
  }

  private JsonObject jobMessage(long jobId) {
    return shownJobMessage().orElseThrow(() -> new AssertionError("no message of job " + jobId + " is shown"));
  }

  /** The latest message that shows a job, if one is shown yet (the approval card becomes one when approved). */
  private java.util.Optional<JsonObject> shownJobMessage() {
    return alice.messages().stream().filter(m -> m.containsKey("status") || m.containsKey("title"))
        .reduce((a, b) -> b);
  }

  private boolean shownWithStatus(String status) {
    return shownJobMessage().map(m -> status.equals(m.getString("status"))).orElse(false);
  }

  private static JsonObject approvalPolicy() {
    return ChatPlatformContract.restartNeedsApproval(List.of("sandbox:user:alice"), List.of("sandbox:user:bob"));
  }
}

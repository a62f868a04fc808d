package io.switchboard.gateway.api;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.audit.AnchorSigningKey;
import io.switchboard.audit.AuditKey;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.GroupCommit;
import io.switchboard.core.job.NewJob;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.JobEnqueuer;
import io.switchboard.gateway.approval.Approvals;
import io.switchboard.gateway.slack.oauth.OAuthState;
import io.switchboard.tenancy.SlackSigningSecrets;
import io.switchboard.tenancy.policy.ApprovalRequirement;
import io.switchboard.tenancy.policy.CommandRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static io.switchboard.gateway.GatewayFixture.GLOBEX_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation of the served API document, one row each: tenant acme's token aimed at tenant
 * globex's objects gets 404 (403 for the operator's calls) or, for lists and its own writes, only
 * acme's data; without a token, and with a revoked or malformed one, every protected operation is
 * a 401, and with a suspended tenant's token a 403. An
 * operation added to the document without a row here fails {@link #theTableCoversEveryOperation}.
 */
@DisplayName("Tenant isolation across every operation of the API document")
class TenantIsolationTest extends AdminApiTestBase {

  /** Text that only globex's objects contain; no answer to acme may hold it. */
  private static final String MARKER = "globexmarker";
  private static final AuditKey KEY = AuditKey.of("tenant-isolation-audit-key-of-32-bytes".getBytes());

  private static String revokedToken;
  private static String suspendedToken;
  private static long globexJob;
  private static long globexInstallation;
  private static long globexToken;
  private static long globexApproval;
  private static long globexNotification;
  private static final Map<String, Row> TABLE = new LinkedHashMap<>();

  /** How one operation is called with a given token, what acme's token must get, and what else must hold. */
  private record Row(Function<String, HttpResponse<String>> call, int status, Consumer<HttpResponse<String>> check) {
  }

  /**
   * Hides the base class's start: the audit key goes in first, so the gateway anchors and verifies
   * chains and hands out chain keys.
   */
  @BeforeAll
  static void startGateway() {
    AuditKey.install(KEY);
    AdminApiTestBase.startGateway();
    setUp();
  }

  /** Hides the base class's stop, to take the audit key out after it. */
  @AfterAll
  static void stopGateway() {
    AdminApiTestBase.stopGateway();
    AuditKey.install(null);
  }

  private static void setUp() {
    SignedSlashCommand.of(GatewayFixture.GLOBEX_SECRET, "T0GLOBEX", "echo " + MARKER,
        fixture.slack().responseUrl("globex")).post(fixture.baseUrl());
    globexJob = fixture.count("SELECT max(id) FROM jobs WHERE tenant_id = 'globex'");
    globexInstallation = fixture.count("SELECT id FROM chat_installations WHERE tenant_id = 'globex'");
    globexToken = fixture.count("SELECT id FROM api_tokens WHERE tenant_id = 'globex'");
    ok(api.send("PUT", "/api/v1/secrets/" + MARKER, GLOBEX_TOKEN, "{\"value\": \"globex-value\"}"));
    ok(api.send("POST", "/api/v1/tokens", GLOBEX_TOKEN, "{\"label\": \"" + MARKER + "\"}"));
    ok(api.send("PUT", "/api/v1/policy/roles", GLOBEX_TOKEN,
        "[{\"name\": \"" + MARKER + "\", \"permissions\": []}]", "If-Match", "\"0\""));
    globexApproval = Await.result(new Approvals(fixture.vertx(), fixture.pool(),
        new JobEnqueuer(new GroupCommit(fixture.pool(), fixture.vertx().eventBus(), new GatewayMetrics(new SimpleMeterRegistry())),
            fixture.vertx().eventBus()), Duration.ofHours(1), a -> { })
        .request(new CommandRequest("globex", "slack", "T0GLOBEX", "U0GLOBEX", "C0GLOBEX"),
            new NewJob("globex", "slack:" + MARKER, "slack", "U0GLOBEX", "C0GLOBEX", "echo", "/ops echo " + MARKER,
                "echo", new JsonObject().put("text", MARKER), new JsonObject()),
            new ApprovalRequirement(MARKER, 1, MARKER, Duration.ofMinutes(5)), MARKER, 1, Instant.now()))
        .approval().id();
    globexNotification = fixture.count("INSERT INTO notifications (tenant_id, dedup_key, platform, workspace, channel, "
        + "title, severity, status, status_since, last_seen_at, due_at) VALUES ('globex', '" + MARKER + "', 'slack', "
        + "'T0GLOBEX', 'C0GLOBEX', '" + MARKER + "', 'info', 'firing', now(), now(), now() + interval '1 day') RETURNING id");
    JsonObject revoked = ApiClient.json(api.send("POST", "/api/v1/tokens", ACME_TOKEN, "{\"label\": \"revoked\"}"));
    revokedToken = revoked.getString("token");
    ok(api.send("DELETE", "/api/v1/tokens/" + revoked.getLong("id"), ACME_TOKEN, null));
    suspendedToken = ApiClient.json(api.send("POST", "/api/v1/tenants", GatewayFixture.OPERATOR_TOKEN,
        "{\"id\": \"umbrella\", \"name\": \"Umbrella\"}")).getJsonObject("adminToken").getString("token");
    ok(api.send("POST", "/api/v1/tenants/umbrella/suspend", GatewayFixture.OPERATOR_TOKEN, null));
    fillTable();
  }

  private static void fillTable() {
    row("GET /api/v1/openapi.json", t -> api.get("/api/v1/openapi.json", t), 200, r -> { });
    operator("POST /api/v1/tenants", t -> api.send("POST", "/api/v1/tenants", t, "{\"id\": \"x\", \"name\": \"X\"}"));
    operator("GET /api/v1/tenants", t -> api.get("/api/v1/tenants", t));
    operator("PATCH /api/v1/tenants/{tenantId}",
        t -> api.send("PATCH", "/api/v1/tenants/globex", t, "{\"maxRunningJobs\": 4}"));
    operator("POST /api/v1/tenants/{tenantId}/suspend", t -> api.send("POST", "/api/v1/tenants/globex/suspend", t, null));
    operator("POST /api/v1/tenants/{tenantId}/resume", t -> api.send("POST", "/api/v1/tenants/globex/resume", t, null));
    operator("POST /api/v1/tenants/{tenantId}/tokens",
        t -> api.send("POST", "/api/v1/tenants/globex/tokens", t, "{\"label\": \"" + MARKER + "-taken\"}"));
    operator("POST /api/v1/tenants/{tenantId}/installations", t -> api.send("POST",
        "/api/v1/tenants/globex/installations", t, "{\"platform\": \"discord\", \"workspaceId\": \"400000000000000004\"}"));
    operator("GET /api/v1/tenants/{tenantId}/audit-verification",
        t -> api.get("/api/v1/tenants/globex/audit-verification", t));
    row("GET /api/v1/tenant", t -> api.get("/api/v1/tenant", t), 200,
        r -> assertThat(ApiClient.json(r).getString("id")).isEqualTo("acme"));
    row("GET /api/v1/installations", t -> api.get("/api/v1/installations", t), 200,
        r -> assertThat(r.body()).contains("T0ACME").doesNotContain("T0GLOBEX"));
    slack.acceptBotToken("xoxb-a-globex-bot", "T0GLOBEX");
    row("POST /api/v1/installations", t -> api.send("POST", "/api/v1/installations", t,
        "{\"platform\": \"slack\", \"workspaceId\": \"T0GLOBEX\", \"signingSecret\": \"acme-own-secret\", "
            + "\"botToken\": \"xoxb-a-globex-bot\"}"), 409,
        r -> {
          assertThat(r.body()).doesNotContain("globex");
          assertThat(Await.result(fixture.secrets().get("acme", SlackSigningSecrets.secretName("T0GLOBEX"))))
              .as("acme's refused binding leaves no signing secret").isEmpty();
          assertThat(Await.result(fixture.secrets().get("globex", SlackSigningSecrets.secretName("T0GLOBEX"))))
              .contains(GatewayFixture.GLOBEX_SECRET);
        });
    row("POST /api/v1/installations/slack-install-link",
        t -> api.send("POST", "/api/v1/installations/slack-install-link", t, null), 201,
        r -> assertThat(new OAuthState("fixture-client-secret").verify(URLDecoder.decode(
            ApiClient.json(r).getString("url").split("link=")[1], StandardCharsets.UTF_8), Instant.now())
            .orElseThrow().tenantId()).as("a link for the caller's tenant only").contains("acme"));
    for (String token : List.of(GLOBEX_TOKEN, ACME_TOKEN)) {
      ok(api.send("POST", "/api/v1/installations/claims", token,
          "{\"platform\": \"discord\", \"workspaceId\": \"400000000000000404\"}"));
    }
    row("POST /api/v1/installations/claims", t -> api.send("POST", "/api/v1/installations/claims", t,
        "{\"platform\": \"discord\", \"workspaceId\": \"400000000000000404\"}"), 201, r -> {
          assertThat(ApiClient.json(r).getString("workspaceId")).isEqualTo("400000000000000404");
          assertThat(fixture.count("SELECT count(*) FROM workspace_claims WHERE tenant_id = 'globex'"))
              .as("globex's claim is untouched, and acme's is acme's").isEqualTo(1);
        });
    row("GET /api/v1/installations/claims", t -> api.get("/api/v1/installations/claims", t), 200, r -> {
      assertThat(ApiClient.json(r).getJsonArray("claims")).isNotEmpty();
      assertThat(r.body()).doesNotContain("globex").doesNotContain("sbc_");
    });
    row("DELETE /api/v1/installations/{installationId}",
        t -> api.send("DELETE", "/api/v1/installations/" + globexInstallation, t, null), 404,
        r -> assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE enabled AND tenant_id = 'globex'"))
            .isEqualTo(1));
    row("GET /api/v1/policy", t -> api.get("/api/v1/policy", t), 200, TenantIsolationTest::noMarker);
    row("PUT /api/v1/policy", t -> api.send("PUT", "/api/v1/policy", t, "{}", "If-Match", acmeEtag()), 200,
        r -> globexPolicyIntact());
    row("GET /api/v1/policy/{section}", t -> api.get("/api/v1/policy/roles", t), 200, TenantIsolationTest::noMarker);
    row("PUT /api/v1/policy/{section}", t -> api.send("PUT", "/api/v1/policy/roles", t, "[]", "If-Match", acmeEtag()),
        200, r -> globexPolicyIntact());
    row("GET /api/v1/tokens", t -> api.get("/api/v1/tokens", t), 200, TenantIsolationTest::noMarker);
    row("POST /api/v1/tokens", t -> api.send("POST", "/api/v1/tokens", t, "{\"label\": \"acme-made\"}"), 201,
        r -> assertThat(ApiClient.json(api.get("/api/v1/tenant", ApiClient.json(r).getString("token"))).getString("id"))
            .isEqualTo("acme"));
    row("DELETE /api/v1/tokens/{tokenId}", t -> api.send("DELETE", "/api/v1/tokens/" + globexToken, t, null), 404,
        r -> assertThat(api.get("/api/v1/tenant", GLOBEX_TOKEN).statusCode()).isEqualTo(200));
    row("GET /api/v1/jobs", t -> api.get("/api/v1/jobs", t), 200, TenantIsolationTest::noMarker);
    row("GET /api/v1/jobs/{id}", t -> api.get("/api/v1/jobs/" + globexJob, t), 404, TenantIsolationTest::noMarker);
    row("POST /api/v1/jobs/{id}/cancel", t -> api.send("POST", "/api/v1/jobs/" + globexJob + "/cancel", t, null), 404,
        r -> assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued' AND id = " + globexJob))
            .isEqualTo(1));
    row("GET /api/v1/approvals", t -> api.get("/api/v1/approvals", t), 200, r -> {
      noMarker(r);
      assertThat(ApiClient.json(r).getJsonArray("approvals")).isEmpty();
    });
    row("GET /api/v1/approvals/{id}", t -> api.get("/api/v1/approvals/" + globexApproval, t), 404,
        TenantIsolationTest::noMarker);
    row("GET /api/v1/secrets", t -> api.get("/api/v1/secrets", t), 200, TenantIsolationTest::noMarker);
    row("PUT /api/v1/secrets/{name}", t -> api.send("PUT", "/api/v1/secrets/" + MARKER, t, "{\"value\": \"acme\"}"),
        200, r -> assertThat(fixture.count("SELECT version FROM tenant_secrets WHERE tenant_id = 'globex' "
            + "AND name = '" + MARKER + "'")).isEqualTo(1));
    row("DELETE /api/v1/secrets/{name}", t -> api.send("DELETE", "/api/v1/secrets/" + MARKER + "-only", t, null), 404,
        r -> assertThat(fixture.count("SELECT count(*) FROM tenant_secrets WHERE tenant_id = 'globex' "
            + "AND ciphertext IS NOT NULL")).as("the marker and the signing secret of T0GLOBEX").isEqualTo(2));
    row("POST /api/v1/notifications", t -> api.send("POST", "/api/v1/notifications", t, notification("T0GLOBEX")),
        404, r -> globexNotificationsIntact());
    row("POST /api/v1/notifications/alertmanager", t -> api.send("POST",
        "/api/v1/notifications/alertmanager?workspace=T0GLOBEX&channel=C0GLOBEX", t,
        "{\"version\": \"4\", \"alerts\": [{\"fingerprint\": \"" + MARKER + "\", \"labels\": {\"alertname\": \"A\"}}]}"),
        404, r -> globexNotificationsIntact());
    row("GET /api/v1/notifications/{notificationId}", t -> api.get("/api/v1/notifications/" + globexNotification, t),
        404, TenantIsolationTest::noMarker);
    row("GET /api/v1/audit/verify", t -> api.get("/api/v1/audit/verify", t), 200, r -> {
      assertThat(ApiClient.json(r).getString("tenantId")).isEqualTo("acme");
      assertThat(ApiClient.json(r).getLong("recordsChecked"))
          .isEqualTo(fixture.count("SELECT seq FROM audit_chain_heads WHERE tenant_id = 'acme'"));
    });
    row("GET /api/v1/audit/export", t -> api.get("/api/v1/audit/export", t), 200, r -> {
      List<JsonObject> records = r.body().lines().map(JsonObject::new)
          .filter(line -> "record".equals(line.getString("kind"))).toList();
      assertThat(records).isNotEmpty().allSatisfy(record -> {
        assertThat(record.getString("tenantId")).isEqualTo("acme");
        assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme' "
            + "AND hash = '" + record.getString("hash") + "'")).isEqualTo(1);
      });
    });
    row("GET /api/v1/audit/chain-key", t -> api.get("/api/v1/audit/chain-key", t), 200, r ->
        assertThat(ApiClient.json(r).getString("key")).isEqualTo(KEY.forTenant("acme").hex())
            .isNotEqualTo(KEY.forTenant("globex").hex()));
    row("GET /api/v1/audit/anchor-key", t -> api.get("/api/v1/audit/anchor-key", t), 200, r ->
        assertThat(ApiClient.json(r).getString("publicKey"))
            .isEqualTo(AnchorSigningKey.derivedFrom(KEY).publicKeyHex()));
    row("GET /api/v1/audit", t -> api.get("/api/v1/audit?limit=500", t), 200, r -> {
      JsonArray events = ApiClient.json(r).getJsonArray("events");
      assertThat(events).isNotEmpty();
      events.forEach(e -> assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme' "
          + "AND hash = '" + ((JsonObject) e).getString("hash") + "'")).isEqualTo(1));
    });
  }

  @Test
  @DisplayName("the table has one row for every operation in the served document, and no other")
  void theTableCoversEveryOperation() {
    JsonObject paths = ApiClient.json(api.get("/api/v1/openapi.json", null)).getJsonObject("paths");
    Set<String> operations = new TreeSet<>();
    paths.forEach(path -> ((JsonObject) path.getValue()).fieldNames().stream()
        .filter(method -> Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace").contains(method))
        .forEach(method -> operations.add(method.toUpperCase() + " " + path.getKey())));
    assertThat(operations).hasSize(39);
    assertThat(new TreeSet<>(TABLE.keySet())).isEqualTo(operations);
  }

  @Test
  @DisplayName("acme's token reaches none of globex's objects")
  void anotherTenantsObjectsAreOutOfReach() {
    TABLE.forEach((operation, row) -> {
      HttpResponse<String> response = row.call().apply(ACME_TOKEN);
      assertThat(response.statusCode()).as(operation + ": " + response.body()).isEqualTo(row.status());
      row.check().accept(response);
    });
  }

  @Test
  @DisplayName("no token, or a revoked one, is a 401 on every protected operation")
  void everyOperationNeedsAValidToken() {
    TABLE.forEach((operation, row) -> {
      int expected = operation.equals("GET /api/v1/openapi.json") ? 200 : 401;
      assertThat(row.call().apply(null).statusCode()).as(operation + " without a token").isEqualTo(expected);
      assertThat(row.call().apply(revokedToken).statusCode()).as(operation + " with a revoked token").isEqualTo(expected);
    });
    assertThat(fixture.count("SELECT count(*) FROM tenants WHERE id = 'x'")).isZero();
    assertThat(fixture.count("SELECT count(*) FROM api_tokens WHERE label LIKE '%-taken'")).isZero();
  }

  @Test
  @DisplayName("a malformed token is a 401, and a suspended tenant's token a 403, on every protected operation")
  void malformedAndSuspendedTokensAreRefused() {
    long audit = fixture.count("SELECT count(*) FROM audit_events");
    TABLE.forEach((operation, row) -> {
      boolean open = operation.equals("GET /api/v1/openapi.json");
      for (String malformed : List.of("sbt_", "sbt_../%00", "sbo_" + "f".repeat(300), "x y")) {
        assertThat(row.call().apply(malformed).statusCode()).as(operation + " with token '" + malformed + "'")
            .isEqualTo(open ? 200 : 401);
      }
      HttpResponse<String> suspended = row.call().apply(suspendedToken);
      assertThat(suspended.statusCode()).as(operation + " with a suspended tenant's token: " + suspended.body())
          .isEqualTo(open ? 200 : 403);
    });
    assertThat(fixture.count("SELECT count(*) FROM audit_events")).as("nothing audited, so nothing changed")
        .isEqualTo(audit);
    assertThat(fixture.count("SELECT count(*) FROM tenants WHERE id = 'umbrella' AND status = 'suspended'"))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("a request the document does not describe is refused before any handler, whatever its token")
  void undescribedRequestsAreRefusedFailingClosed() {
    HttpResponse<String> listing = api.get("/api/v1/tenants/", null);
    assertThat(listing.statusCode()).as("GET /api/v1/tenants/ without a token: " + listing.body()).isEqualTo(404);
    assertThat(listing.body()).doesNotContain("globex");

    JsonObject paths = ApiClient.json(api.get("/api/v1/openapi.json", null)).getJsonObject("paths");
    List<String> methods = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    int refused = 0;
    for (String template : paths.fieldNames()) {
      String path = template.replaceAll("\\{[^}]+}", "1");
      for (String method : methods) {
        for (String token : Arrays.asList(null, ACME_TOKEN, GatewayFixture.OPERATOR_TOKEN)) {
          HttpResponse<String> response = api.send(method, path + "/", token, "{}");
          assertThat(response.statusCode()).as(method + " " + path + "/ with token " + token + ": " + response.body())
              .isEqualTo(404);
          assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
          refused++;
        }
        if (!paths.getJsonObject(template).containsKey(method.toLowerCase())) {
          HttpResponse<String> response = api.send(method, path, ACME_TOKEN, "{}");
          assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(405);
          assertThat(response.headers().firstValue("Allow")).isPresent();
        }
      }
    }
    assertThat(refused).isEqualTo(paths.size() * methods.size() * 3);
    assertThat(api.get("/api/v1/no-such-thing", ACME_TOKEN).statusCode()).isEqualTo(404);
    assertThat(fixture.count("SELECT count(*) FROM tenants")).as("no tenant made or changed by a refused request")
        .isEqualTo(3);
  }

  @Test
  @DisplayName("no spelling of a protected path reaches it without a token")
  void noPathSpellingBypassesAuthentication() {
    JsonObject paths = ApiClient.json(api.get("/api/v1/openapi.json", null)).getJsonObject("paths");
    for (String template : paths.fieldNames()) {
      if (template.equals("/api/v1/openapi.json")) {
        continue;
      }
      String path = template.replaceAll("\\{[^}]+}", "1");
      String rest = path.substring("/api/v1/".length());
      List<String> spellings = List.of("/" + path, "/api/v1//" + rest, "/api/v1/./" + rest, "/api/v1/x/../" + rest,
          path.replace("/api/v1/", "/api/v1/%2e/"), path.toUpperCase(), path + ";x=1", path + "%2F", path + "?",
          path + "#x", path.replace("/api/v1/", "/api%2Fv1/"), path + "/.", path + "/..");
      for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
        for (String spelling : spellings) {
          HttpResponse<String> response = api.send(method, spelling, null, "{}");
          assertThat(response.statusCode()).as(method + " " + spelling + " without a token: " + response.body())
              .isIn(400, 401, 404, 405);
        }
      }
    }
    assertThat(fixture.count("SELECT count(*) FROM tenants")).isEqualTo(3);
  }

  private static void row(String operation, Function<String, HttpResponse<String>> call, int status,
                          Consumer<HttpResponse<String>> check) {
    TABLE.put(operation, new Row(call, status, check));
  }

  private static void operator(String operation, Function<String, HttpResponse<String>> call) {
    row(operation, call, 403, r -> {
      assertThat(ApiClient.json(r).getString("code")).isEqualTo("forbidden");
      assertThat(fixture.count("SELECT count(*) FROM tenants WHERE status = 'active'")).isEqualTo(2);
      assertThat(fixture.count("SELECT count(*) FROM api_tokens WHERE label LIKE '%-taken'")).isZero();
    });
  }

  private static void noMarker(HttpResponse<String> response) {
    assertThat(response.body()).doesNotContain(MARKER);
  }

  private static void globexPolicyIntact() {
    assertThat(api.get("/api/v1/policy/roles", GLOBEX_TOKEN).body()).contains(MARKER);
  }

  /** A notification for {@code workspace}'s channel C0GLOBEX, keyed and titled with the marker. */
  private static String notification(String workspace) {
    return new JsonObject().put("key", MARKER).put("title", MARKER).put("channel", new JsonObject()
        .put("platform", "slack").put("workspace", workspace).put("channel", "C0GLOBEX")).encode();
  }

  private static void globexNotificationsIntact() {
    assertThat(fixture.count("SELECT count(*) FROM notifications WHERE tenant_id = 'globex' AND repeats = 0"))
        .isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM notifications WHERE tenant_id = 'acme'")).isZero();
  }

  private static String acmeEtag() {
    return api.get("/api/v1/policy", ACME_TOKEN).headers().firstValue("ETag").orElseThrow();
  }

  private static void ok(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
  }
}

package io.switchboard.gateway.api;

import io.switchboard.core.security.Secrets;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static io.switchboard.gateway.GatewayFixture.GLOBEX_TOKEN;
import static io.switchboard.gateway.GatewayFixture.OPERATOR_TOKEN;
import static io.switchboard.gateway.api.PolicyApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("/api/v1/tenants: the operator's calls")
class TenantsApiTest extends AdminApiTestBase {

  @Test
  @DisplayName("creating a tenant needs the operator token: none is 401, a tenant's 403, a wrong one 401")
  void createNeedsTheOperatorToken() {
    String body = "{\"id\": \"initech\", \"name\": \"Initech\"}";
    assertProblem(api.send("POST", "/api/v1/tenants", null, body), 401, "unauthenticated");
    assertProblem(api.send("POST", "/api/v1/tenants", ACME_TOKEN, body), 403, "forbidden");
    assertProblem(api.send("POST", "/api/v1/tenants", "sbo_not_the_operator", body), 401, "unauthenticated");
    assertProblem(api.get("/api/v1/tenants", ACME_TOKEN), 403, "forbidden");
    assertThat(fixture.count("SELECT count(*) FROM tenants WHERE id = 'initech'")).isZero();
  }

  @Test
  @DisplayName("the operator creates a tenant whose first admin token works at once; a second create is 409")
  void createTenant() {
    HttpResponse<String> created = api.send("POST", "/api/v1/tenants", OPERATOR_TOKEN,
        "{\"id\": \"hooli\", \"name\": \"Hooli\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject answer = ApiClient.json(created);
    assertThat(answer.getJsonObject("tenant").getString("status")).isEqualTo("active");
    String token = answer.getJsonObject("adminToken").getString("token");
    assertThat(ApiClient.json(api.get("/api/v1/tenant", token)).getString("name")).isEqualTo("Hooli");
    assertThat(ApiClient.json(api.get("/api/v1/tokens", token)).getJsonArray("tokens")).hasSize(1);
    assertThat(fixture.auditTypes("hooli")).containsExactly("tenant.created");
    assertProblem(api.send("POST", "/api/v1/tenants", OPERATOR_TOKEN, "{\"id\": \"hooli\", \"name\": \"Again\"}"),
        409, "conflict");
    assertThat(api.get("/api/v1/tenants", OPERATOR_TOKEN).body()).contains("\"hooli\"", "\"acme\"", "\"globex\"");
  }

  @Test
  @DisplayName("a suspended tenant's tokens get 403 and its chat commands are refused until it is resumed")
  void suspendAndResume() {
    JsonObject created = ApiClient.json(api.send("POST", "/api/v1/tenants", OPERATOR_TOKEN,
        "{\"id\": \"umbrella\", \"name\": \"Umbrella\"}"));
    String token = created.getJsonObject("adminToken").getString("token");
    assertProblem(api.send("POST", "/api/v1/tenants/umbrella/suspend", token, null), 403, "forbidden");

    HttpResponse<String> suspended = api.send("POST", "/api/v1/tenants/umbrella/suspend", OPERATOR_TOKEN, null);
    assertThat(ApiClient.json(suspended).getString("status")).isEqualTo("suspended");
    assertProblem(api.get("/api/v1/tenant", token), 403, "forbidden");
    assertProblem(api.get("/api/v1/jobs", token), 403, "forbidden");
    HttpResponse<String> issued = api.send("POST", "/api/v1/tenants/umbrella/tokens", OPERATOR_TOKEN,
        "{\"label\": \"while suspended\"}");
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    String issuedToken = ApiClient.json(issued).getString("token");
    assertProblem(api.get("/api/v1/tenant", issuedToken), 403, "forbidden");

    assertThat(ApiClient.json(api.send("POST", "/api/v1/tenants/umbrella/resume", OPERATOR_TOKEN, null))
        .getString("status")).isEqualTo("active");
    assertThat(api.get("/api/v1/tenant", token).statusCode()).isEqualTo(200);
    assertThat(api.get("/api/v1/tenant", issuedToken).statusCode()).isEqualTo(200);
    assertThat(fixture.auditTypes("umbrella"))
        .containsExactly("tenant.created", "tenant.suspended", "token.created", "tenant.resumed");
    assertProblem(api.send("POST", "/api/v1/tenants/nobody/suspend", OPERATOR_TOKEN, null), 404, "not_found");
  }

  @Test
  @DisplayName("a suspended tenant's Slack commands are refused; an installation added over the API serves chat")
  void suspendedTenantsChatIsRefused() {
    String token = ApiClient.json(api.send("POST", "/api/v1/tenants", OPERATOR_TOKEN,
        "{\"id\": \"soylent\", \"name\": \"Soylent\"}")).getJsonObject("adminToken").getString("token");
    String secret = "soylent-own-app-secret";
    slack.acceptBotToken("xoxb-soylent", "T0SOYLENT");
    HttpResponse<String> installed = api.send("POST", "/api/v1/installations", token,
        "{\"platform\": \"slack\", \"workspaceId\": \"T0SOYLENT\", \"signingSecret\": \"" + secret + "\", "
            + "\"botToken\": \"xoxb-soylent\"}");
    assertThat(installed.statusCode()).as(installed.body()).isEqualTo(201);
    assertThat(installed.body()).doesNotContain(secret);
    assertThat(ApiClient.json(installed).getBoolean("ownApp")).isTrue();

    api.send("POST", "/api/v1/tenants/soylent/suspend", OPERATOR_TOKEN, null);
    HttpResponse<String> refused = SignedSlashCommand.of(secret, "T0SOYLENT", "echo hi",
        fixture.slack().responseUrl("soylent")).post(fixture.baseUrl());
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("unknown_workspace");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'soylent'")).isZero();

    api.send("POST", "/api/v1/tenants/soylent/resume", OPERATOR_TOKEN, null);
    HttpResponse<String> other = SignedSlashCommand.of(GatewayFixture.GLOBEX_SECRET, "T0GLOBEX", "echo hi",
        fixture.slack().responseUrl("globex")).post(fixture.baseUrl());
    assertThat(other.statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("issuing a tenant's admin token needs the operator token: none is 401, a tenant's 403, a wrong one 401")
  void issuingATokenNeedsTheOperatorToken() {
    long before = fixture.count("SELECT count(*) FROM api_tokens WHERE tenant_id = 'globex'");
    String body = "{\"label\": \"taken over\"}";
    assertProblem(api.send("POST", "/api/v1/tenants/globex/tokens", null, body), 401, "unauthenticated");
    assertProblem(api.send("POST", "/api/v1/tenants/globex/tokens", ACME_TOKEN, body), 403, "forbidden");
    assertProblem(api.send("POST", "/api/v1/tenants/globex/tokens", GLOBEX_TOKEN, body), 403, "forbidden");
    assertProblem(api.send("POST", "/api/v1/tenants/globex/tokens", "sbo_not_the_operator", body), 401,
        "unauthenticated");
    assertThat(fixture.count("SELECT count(*) FROM api_tokens WHERE tenant_id = 'globex'")).isEqualTo(before);
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE event_type = 'token.created' "
        + "AND detail LIKE '%taken over%'")).isZero();
  }

  @Test
  @DisplayName("the operator issues an admin token for an existing tenant: shown once, audited, and it reaches only that tenant")
  void operatorIssuesAnAdminToken() {
    HttpResponse<String> issued = api.send("POST", "/api/v1/tenants/globex/tokens", OPERATOR_TOKEN,
        "{\"label\": \"globex admin\"}");
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    assertThat(issued.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonObject answer = ApiClient.json(issued);
    assertThat(answer.fieldNames()).containsExactlyInAnyOrder("id", "label", "createdAt", "revokedAt", "token");
    assertThat(answer.getString("label")).isEqualTo("globex admin");
    assertThat(answer.getValue("revokedAt")).isNull();
    String token = answer.getString("token");
    assertThat(token).startsWith("sbt_");
    assertThat(fixture.count("SELECT count(*) FROM api_tokens WHERE tenant_id = 'globex' AND id = "
        + answer.getLong("id") + " AND token_hash = '" + Secrets.hash(token) + "'"))
        .isEqualTo(1);

    assertThat(ApiClient.json(api.get("/api/v1/tenant", token)).getString("id")).isEqualTo("globex");
    assertThat(api.get("/api/v1/installations", token).body()).contains("T0GLOBEX").doesNotContain("T0ACME");
    assertThat(api.get("/api/v1/tokens", token).body()).contains("globex admin").doesNotContain(token);
    assertThat(api.get("/api/v1/tokens", ACME_TOKEN).body()).doesNotContain("globex admin");
    long acmeToken = fixture.count("SELECT min(id) FROM api_tokens WHERE tenant_id = 'acme'");
    assertProblem(api.send("DELETE", "/api/v1/tokens/" + acmeToken, token, null), 404, "not_found");
    assertProblem(api.get("/api/v1/tenants", token), 403, "forbidden");

    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = 'globex' AND event_type = "
        + "'token.created' AND actor = 'operator' AND detail LIKE '%\"tokenId\":" + answer.getLong("id") + "%'"))
        .isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE detail LIKE '%sbt_%'")).isZero();
  }

  @Test
  @DisplayName("an admin token for an unknown tenant is a 404 problem, and nothing is stored or audited")
  void issuingForAnUnknownTenant() {
    long tokens = fixture.count("SELECT count(*) FROM api_tokens");
    long events = fixture.count("SELECT count(*) FROM audit_events");
    HttpResponse<String> missing = api.send("POST", "/api/v1/tenants/nobody/tokens", OPERATOR_TOKEN,
        "{\"label\": \"x\"}");
    assertProblem(missing, 404, "not_found");
    assertThat(ApiClient.json(missing).getString("detail")).contains("nobody");
    assertThat(fixture.count("SELECT count(*) FROM api_tokens")).isEqualTo(tokens);
    assertThat(fixture.count("SELECT count(*) FROM audit_events")).isEqualTo(events);
  }

  @Test
  @DisplayName("the operator sets how many of a tenant's jobs run at once: bounded, audited, refused to others")
  void changeMaxRunningJobs() {
    String body = "{\"maxRunningJobs\": 16}";
    assertProblem(api.send("PATCH", "/api/v1/tenants/acme", null, body), 401, "unauthenticated");
    assertProblem(api.send("PATCH", "/api/v1/tenants/acme", ACME_TOKEN, body), 403, "forbidden");
    for (String bad : new String[] {"{\"maxRunningJobs\": 0}", "{\"maxRunningJobs\": 1001}",
        "{\"maxRunningJobs\": \"8\"}", "{\"maxRunningJobs\": 2.5}", "{}", "{\"maxRunningJobs\": 8, \"name\": \"X\"}",
        "{\"maxRunningJobs\": 1e400}", "not json"}) {
      HttpResponse<String> refused = api.send("PATCH", "/api/v1/tenants/acme", OPERATOR_TOKEN, bad);
      assertThat(refused.statusCode()).as(bad + " -> " + refused.body()).isBetween(400, 499);
    }
    assertThat(ApiClient.json(api.get("/api/v1/tenant", ACME_TOKEN)).getInteger("maxRunningJobs")).isEqualTo(4);
    assertThat(fixture.auditTypes("acme")).doesNotContain("tenant.changed");

    HttpResponse<String> changed = api.send("PATCH", "/api/v1/tenants/acme", OPERATOR_TOKEN, body);

    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    assertThat(ApiClient.json(changed).getInteger("maxRunningJobs")).isEqualTo(16);
    assertThat(ApiClient.json(api.get("/api/v1/tenant", ACME_TOKEN)).getInteger("maxRunningJobs")).isEqualTo(16);
    assertThat(ApiClient.json(api.get("/api/v1/tenant", GLOBEX_TOKEN)).getInteger("maxRunningJobs")).isEqualTo(4);
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme' AND event_type = 'tenant.changed' "
        + "AND detail::jsonb = '{\"maxRunningJobs\": {\"from\": 4, \"to\": 16}}'")).isEqualTo(1);
    assertProblem(api.send("PATCH", "/api/v1/tenants/nobody", OPERATOR_TOKEN, body), 404, "not_found");
  }
}

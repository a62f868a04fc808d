package io.switchboard.gateway.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static io.switchboard.gateway.GatewayFixture.GLOBEX_TOKEN;
import static io.switchboard.gateway.api.PolicyApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("/api/v1/tokens: create, list, revoke")
class TokensApiTest extends AdminApiTestBase {


  @Test
  @DisplayName("a new token is shown once, works for its tenant, and is listed without token or hash")
  void createAndList() {
    HttpResponse<String> created = api.send("POST", "/api/v1/tokens", ACME_TOKEN, "{\"label\": \"ci deploy bot\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject token = ApiClient.json(created);
    String secret = token.getString("token");
    assertThat(secret).startsWith("sbt_");
    assertThat(token.getString("label")).isEqualTo("ci deploy bot");
    assertThat(token.getValue("revokedAt")).isNull();

    assertThat(ApiClient.json(api.get("/api/v1/tenant", secret)).getString("id")).isEqualTo("acme");
    HttpResponse<String> listed = api.get("/api/v1/tokens", ACME_TOKEN);
    JsonArray tokens = ApiClient.json(listed).getJsonArray("tokens");
    assertThat(tokens.stream().map(t -> ((JsonObject) t).getString("label"))).contains("test", "ci deploy bot");
    assertThat(listed.body()).doesNotContain(secret).doesNotContain(io.switchboard.core.security.Secrets.hash(secret))
        .doesNotContain("\"token\"");
    assertThat(api.get("/api/v1/tokens", GLOBEX_TOKEN).body()).doesNotContain("ci deploy bot");
    assertThat(fixture.auditTypes("acme")).contains("token.created");
  }

  @Test
  @DisplayName("a revoked token is refused on the very next request; revoking twice is a 409; audited")
  void revoke() {
    JsonObject token = ApiClient.json(api.send("POST", "/api/v1/tokens", ACME_TOKEN, "{\"label\": \"short-lived\"}"));
    String secret = token.getString("token");
    long id = token.getLong("id");
    assertThat(api.get("/api/v1/jobs", secret).statusCode()).isEqualTo(200);

    HttpResponse<String> revoked = api.send("DELETE", "/api/v1/tokens/" + id, ACME_TOKEN, null);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    assertThat(ApiClient.json(revoked).getString("revokedAt")).isNotNull();
    assertProblem(api.get("/api/v1/jobs", secret), 401, "unauthenticated");
    assertProblem(api.get("/api/v1/tenant", secret), 401, "unauthenticated");
    assertProblem(api.send("DELETE", "/api/v1/tokens/" + id, ACME_TOKEN, null), 409, "conflict");
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme' AND event_type = "
        + "'token.revoked' AND detail LIKE '%\"tokenId\":" + id + "%'")).isEqualTo(1);
  }

  @Test
  @DisplayName("a token can revoke itself, and is refused right after")
  void selfRevocation() {
    JsonObject token = ApiClient.json(api.send("POST", "/api/v1/tokens", ACME_TOKEN, "{\"label\": \"self\"}"));
    String secret = token.getString("token");
    assertThat(api.send("DELETE", "/api/v1/tokens/" + token.getLong("id"), secret, null).statusCode()).isEqualTo(200);
    assertProblem(api.get("/api/v1/tokens", secret), 401, "unauthenticated");
  }
}

package io.switchboard.gateway.api;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static io.switchboard.gateway.GatewayFixture.GLOBEX_TOKEN;
import static io.switchboard.gateway.api.PolicyApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("/api/v1/installations: list, add, disable")
class InstallationsApiTest extends AdminApiTestBase {


  @Test
  @DisplayName("a workspace is bound once: a second add, by anyone, is a 409; disabled, its owner may add it again")
  void bindOnce() {
    HttpResponse<String> added = api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"slack\", \"workspaceId\": \"T0ACME2\"}");
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    JsonObject installation = ApiClient.json(added);
    assertThat(installation.getBoolean("enabled")).isTrue();
    assertThat(installation.getBoolean("ownApp")).isFalse();
    String body = "{\"platform\": \"slack\", \"workspaceId\": \"T0ACME2\"}";
    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN, body), 409, "conflict");
    assertProblem(api.send("POST", "/api/v1/installations", GLOBEX_TOKEN, body), 409, "conflict");

    HttpResponse<String> disabled = api.send("DELETE", "/api/v1/installations/" + installation.getLong("id"),
        ACME_TOKEN, null);
    assertThat(ApiClient.json(disabled).getBoolean("enabled")).isFalse();
    assertProblem(api.send("POST", "/api/v1/installations", GLOBEX_TOKEN, body), 409, "conflict");
    HttpResponse<String> again = api.send("POST", "/api/v1/installations", ACME_TOKEN, body);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(ApiClient.json(again).getLong("id")).isEqualTo(installation.getLong("id"));

    assertThat(ApiClient.json(api.get("/api/v1/installations", ACME_TOKEN)).getJsonArray("installations"))
        .hasSize(2);
    assertThat(fixture.auditTypes("acme")).containsSubsequence("installation.added", "installation.disabled",
        "installation.added");
    assertProblem(api.send("DELETE", "/api/v1/installations/999999", ACME_TOKEN, null), 404, "not_found");
  }

  @Test
  @DisplayName("a Discord guild is added with the shared application, or with the tenant's own id and public key")
  void discordGuilds() {
    HttpResponse<String> shared = api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"100000000000000001\"}");
    assertThat(shared.statusCode()).as(shared.body()).isEqualTo(201);
    assertThat(ApiClient.json(shared).getBoolean("ownApp")).isFalse();
    HttpResponse<String> own = api.send("POST", "/api/v1/installations", GLOBEX_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"200000000000000002\", \"applicationId\": \"8200\", "
            + "\"publicKey\": \"" + "ab".repeat(32) + "\"}");
    assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
    assertThat(ApiClient.json(own).getBoolean("ownApp")).isTrue();
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE platform = 'discord' AND tenant_id = 'globex' "
        + "AND app_id = '8200' AND signing_secret = '" + "ab".repeat(32) + "'")).isEqualTo(1);

    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"3\", \"publicKey\": \"" + "ab".repeat(32) + "\"}"),
        400, "malformed_request");
    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"3\", \"signingSecret\": \"12345678\"}"),
        400, "malformed_request");
    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"slack\", \"workspaceId\": \"T3\", \"applicationId\": \"1\", \"publicKey\": \""
            + "ab".repeat(32) + "\"}"), 400, "malformed_request");
    assertThat(api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"3\", \"applicationId\": \"1\", \"publicKey\": \"xyz\"}")
        .statusCode()).isEqualTo(400);
  }
}

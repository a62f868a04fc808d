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
}

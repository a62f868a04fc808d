package io.switchboard.gateway.api;

import io.switchboard.gateway.slack.SlackBotTokens;
import io.switchboard.tenancy.SlackSigningSecrets;
import io.switchboard.testkit.Await;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static io.switchboard.gateway.GatewayFixture.GLOBEX_TOKEN;
import static io.switchboard.gateway.GatewayFixture.OPERATOR_TOKEN;
import static io.switchboard.gateway.api.PolicyApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("/api/v1/installations: list, add with proof, disable; the operator's binding")
class InstallationsApiTest extends AdminApiTestBase {

  private static final String OWN_APP_SECRET = "own-app-signing-secret";

  @Test
  @DisplayName("a tenant's own Slack app binds its workspace with a bot token Slack names for it; a second add, by anyone, is a 409; disabled, its owner may add it again")
  void bindOnceWithProof() {
    slack.acceptBotToken("xoxb-acme2", "T0ACME2");
    String body = ownSlackApp("T0ACME2", "xoxb-acme2");
    HttpResponse<String> added = api.send("POST", "/api/v1/installations", ACME_TOKEN, body);
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    JsonObject installation = ApiClient.json(added);
    assertThat(installation.getBoolean("enabled")).isTrue();
    assertThat(installation.getBoolean("ownApp")).isTrue();
    assertThat(installation.getString("verifiedVia")).isEqualTo("slack_auth_test");
    assertThat(Await.result(fixture.secrets().get("acme", SlackBotTokens.secretName("T0ACME2")))).contains("xoxb-acme2");
    assertThat(Await.result(fixture.secrets().get("acme", SlackSigningSecrets.secretName("T0ACME2"))))
        .contains(OWN_APP_SECRET);
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = 'T0ACME2' AND own_app "
        + "AND signing_secret IS NULL")).as("the signing secret is in the store, not the table").isEqualTo(1);
    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN, body), 409, "conflict");
    slack.acceptBotToken("xoxb-acme2-other", "T0ACME2");
    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN, ownSlackApp("T0ACME2", "xoxb-acme2-other")),
        409, "conflict");
    assertThat(Await.result(fixture.secrets().get("acme", SlackBotTokens.secretName("T0ACME2"))))
        .as("a refused binding keeps the working token").contains("xoxb-acme2");
    slack.acceptBotToken("xoxb-globex-in-acme2", "T0ACME2");
    assertProblem(api.send("POST", "/api/v1/installations", GLOBEX_TOKEN, ownSlackApp("T0ACME2", "xoxb-globex-in-acme2")),
        409, "conflict");
    assertThat(Await.result(fixture.secrets().get("globex", SlackBotTokens.secretName("T0ACME2"))))
        .as("a refused binding leaves no token behind").isEmpty();
    assertThat(Await.result(fixture.secrets().get("globex", SlackSigningSecrets.secretName("T0ACME2"))))
        .as("nor a signing secret").isEmpty();
    assertThat(Await.result(fixture.secrets().get("acme", SlackSigningSecrets.secretName("T0ACME2"))))
        .contains(OWN_APP_SECRET);

    HttpResponse<String> disabled = api.send("DELETE", "/api/v1/installations/" + installation.getLong("id"),
        ACME_TOKEN, null);
    assertThat(ApiClient.json(disabled).getBoolean("enabled")).isFalse();
    assertThat(Await.result(fixture.secrets().get("acme", SlackSigningSecrets.secretName("T0ACME2"))))
        .as("a disabled installation keeps no signing secret").isEmpty();
    assertProblem(api.send("POST", "/api/v1/installations", GLOBEX_TOKEN, ownSlackApp("T0ACME2", "xoxb-globex-in-acme2")),
        409, "conflict");
    HttpResponse<String> again = api.send("POST", "/api/v1/installations", ACME_TOKEN, body);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(ApiClient.json(again).getLong("id")).isEqualTo(installation.getLong("id"));
    assertThat(Await.result(fixture.secrets().get("acme", SlackSigningSecrets.secretName("T0ACME2"))))
        .contains(OWN_APP_SECRET);

    assertThat(ApiClient.json(api.get("/api/v1/installations", ACME_TOKEN)).getJsonArray("installations"))
        .hasSize(2);
    assertThat(fixture.auditTypes("acme")).containsSubsequence("installation.added", "installation.disabled",
        "installation.added");
    assertProblem(api.send("DELETE", "/api/v1/installations/999999", ACME_TOKEN, null), 404, "not_found");
  }

  @Test
  @DisplayName("naming a workspace is no proof: a bare id, a token of another workspace, a user token, a revoked token are 422s and bind nothing")
  void noBindingWithoutProof() {
    slack.acceptBotToken("xoxb-of-globex", "T0GLOBEX");
    slack.acceptUserToken("xoxp-someone-in-victim", "T0VICTIM");
    String before = fixture.auditTypes("acme").toString();

    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"slack\", \"workspaceId\": \"T0VICTIM\"}"), 422, "ownership_not_proven");
    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"slack\", \"workspaceId\": \"T0VICTIM\", \"signingSecret\": \"squatter-secret\"}"),
        422, "ownership_not_proven");
    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN, ownSlackApp("T0VICTIM", "xoxb-of-globex")),
        422, "ownership_not_proven");
    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN, ownSlackApp("T0VICTIM", "xoxp-someone-in-victim")),
        422, "ownership_not_proven");
    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN, ownSlackApp("T0VICTIM", "xoxb-never-issued")),
        422, "ownership_not_proven");
    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"teams\", \"workspaceId\": \"aad-victim\"}"), 422, "ownership_not_proven");
    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"100000000000000009\"}"), 422, "ownership_not_proven");

    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id IN "
        + "('T0VICTIM', 'aad-victim', '100000000000000009')")).isZero();
    assertThat(Await.result(fixture.secrets().get("acme", SlackBotTokens.secretName("T0VICTIM")))).isEmpty();
    assertThat(Await.result(fixture.secrets().get("acme", SlackSigningSecrets.secretName("T0VICTIM")))).isEmpty();
    assertThat(fixture.auditTypes("acme").toString()).isEqualTo(before);
  }

  @Test
  @DisplayName("a proven binding takes the workspace from a tenant that only claimed it, audited in the claimer's log")
  void proofDisplacesABareClaim() {
    Await.result(fixture.pool().preparedQuery("INSERT INTO chat_installations (tenant_id, platform, workspace_id, "
        + "own_app) VALUES ('globex', 'slack', 'T0CLAIMED', true)").execute(Tuple.tuple()));
    Await.result(new SlackSigningSecrets(fixture.secrets()).store("globex", "T0CLAIMED", "squatter-secret"));
    assertThat(ApiClient.json(api.get("/api/v1/installations", GLOBEX_TOKEN)).encode())
        .contains("\"workspaceId\":\"T0CLAIMED\"", "\"verifiedVia\":\"unproven\"");
    slack.acceptBotToken("xoxb-claimed", "T0CLAIMED");

    assertThat(api.send("POST", "/api/v1/installations", ACME_TOKEN, ownSlackApp("T0CLAIMED", "xoxb-claimed"))
        .statusCode()).isEqualTo(201);

    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = 'T0CLAIMED' "
        + "AND tenant_id = 'acme' AND verified_via = 'slack_auth_test'")).isEqualTo(1);
    assertThat(api.get("/api/v1/installations", GLOBEX_TOKEN).body()).doesNotContain("T0CLAIMED");
    assertThat(fixture.auditTypes("globex")).contains("installation.displaced");
    assertThat(Await.result(fixture.secrets().get("acme", SlackSigningSecrets.secretName("T0CLAIMED"))))
        .contains(OWN_APP_SECRET);
    assertThat(Await.result(fixture.secrets().get("globex", SlackSigningSecrets.secretName("T0CLAIMED"))))
        .as("the claimer's signing secret leaves with its binding").isEmpty();
  }

  @Test
  @DisplayName("the operator binds a Discord guild or a Teams tenant to a tenant; a tenant token may not, and an unknown tenant is a 404")
  void operatorBinds() {
    HttpResponse<String> shared = api.send("POST", "/api/v1/tenants/acme/installations", OPERATOR_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"100000000000000001\"}");
    assertThat(shared.statusCode()).as(shared.body()).isEqualTo(201);
    assertThat(ApiClient.json(shared).getBoolean("ownApp")).isFalse();
    assertThat(ApiClient.json(shared).getString("verifiedVia")).isEqualTo("operator");
    HttpResponse<String> own = api.send("POST", "/api/v1/tenants/globex/installations", OPERATOR_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"200000000000000002\", \"applicationId\": \"8200\", "
            + "\"publicKey\": \"" + "ab".repeat(32) + "\"}");
    assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
    assertThat(ApiClient.json(own).getBoolean("ownApp")).isTrue();
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE platform = 'discord' AND tenant_id = 'globex' "
        + "AND app_id = '8200' AND signing_secret = '" + "ab".repeat(32) + "'")).isEqualTo(1);
    assertThat(api.send("POST", "/api/v1/tenants/acme/installations", OPERATOR_TOKEN,
        "{\"platform\": \"teams\", \"workspaceId\": \"aad-acme\"}").statusCode()).isEqualTo(201);
    assertThat(fixture.auditTypes("acme")).contains("installation.added");

    assertProblem(api.send("POST", "/api/v1/tenants/acme/installations", OPERATOR_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"200000000000000002\"}"), 409, "conflict");
    assertProblem(api.send("POST", "/api/v1/tenants/acme/installations", ACME_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"300000000000000003\"}"), 403, "forbidden");
    assertProblem(api.send("POST", "/api/v1/tenants/nobody/installations", OPERATOR_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"300000000000000003\"}"), 404, "not_found");
  }

  @Test
  @DisplayName("the fields of one platform are refused on another")
  void platformFieldsAreChecked() {
    long installationsBefore = installationCount();
    assertProblem(api.send("POST", "/api/v1/tenants/acme/installations", OPERATOR_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"3\", \"publicKey\": \"" + "ab".repeat(32) + "\"}"),
        400, "malformed_request");
    assertProblem(api.send("POST", "/api/v1/tenants/acme/installations", OPERATOR_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"3\", \"signingSecret\": \"12345678\"}"),
        400, "malformed_request");
    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"slack\", \"workspaceId\": \"T3\", \"applicationId\": \"1\", \"publicKey\": \""
            + "ab".repeat(32) + "\"}"), 400, "malformed_request");
    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"sandbox\", \"workspaceId\": \"web\", \"botToken\": \"xoxb-12345678\"}"), 400,
        "malformed_request");
    assertProblem(api.send("POST", "/api/v1/tenants/acme/installations", OPERATOR_TOKEN,
        "{\"platform\": \"slack\", \"workspaceId\": \"T3\", \"botToken\": \"xoxb-12345678\"}"), 400,
        "malformed_request");
    assertThat(api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"3\", \"applicationId\": \"1\", \"publicKey\": \"xyz\"}")
        .statusCode()).isEqualTo(400);
    assertProblem(api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"sandbox\", \"workspaceId\": \"web\", \"signingSecret\": \"12345678\"}"), 400,
        "malformed_request");
    assertProblem(api.send("POST", "/api/v1/tenants/acme/installations", OPERATOR_TOKEN,
        "{\"platform\": \"teams\", \"workspaceId\": \"aad-3\", \"signingSecret\": \"12345678\"}"), 400,
        "malformed_request");
    assertThat(new JsonObject(api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"discord\", \"workspaceId\": \"3\", \"signingSecret\": \"12345678\"}").body())
        .getString("detail")).as("the platform that takes the field is named").isEqualTo("signingSecret is for slack only");
    assertThat(new JsonObject(api.send("POST", "/api/v1/installations", ACME_TOKEN,
        "{\"platform\": \"teams\", \"workspaceId\": \"aad-3\", \"botToken\": \"xoxb-12345678\"}").body())
        .getString("detail")).isEqualTo("botToken is for mattermost and slack only");
    assertThat(installationCount()).as("no refused binding was written").isEqualTo(installationsBefore);
  }

  private long installationCount() {
    return fixture.count("SELECT count(*) FROM chat_installations");
  }

  private static String ownSlackApp(String workspace, String botToken) {
    return new JsonObject().put("platform", "slack").put("workspaceId", workspace)
        .put("signingSecret", OWN_APP_SECRET).put("botToken", botToken).encode();
  }
}

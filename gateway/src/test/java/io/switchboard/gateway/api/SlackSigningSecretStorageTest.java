package io.switchboard.gateway.api;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.tenancy.SlackSigningSecrets;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static io.switchboard.gateway.GatewayFixture.GLOBEX_TOKEN;
import static io.switchboard.gateway.GatewayFixture.OPERATOR_TOKEN;
import static io.switchboard.gateway.api.PolicyApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, item 7: the signing secret of a tenant's own Slack app lives in the tenant's secret store,
 * never in {@code chat_installations}, whichever way the workspace is bound; requests are verified
 * with it, the shared app's signature is refused for such a workspace, and a store that cannot be
 * read refuses the request instead of verifying it with another secret.
 */
@DisplayName("Slack signing secrets in the tenant's secret store")
class SlackSigningSecretStorageTest {

  private static final String SHARED_SECRET = "shared-app-signing-secret";

  private static SlackApiStandIn slack;
  private static GatewayFixture fixture;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    slack = SlackApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SLACK_API_URL", slack.apiUrl(),
        "SWITCHBOARD_SLACK_SIGNING_SECRET", SHARED_SECRET));
    api = new ApiClient(fixture.baseUrl());
  }

  @AfterAll
  static void stop() {
    fixture.close();
    slack.close();
  }

  @Test
  @DisplayName("a tenant admin's own app: the secret is in the store, not the table; it verifies, the shared app's does not")
  void tenantAdminBinding() {
    String secret = "acme-own-app-secret-one";
    HttpResponse<String> added = bindOwnApp(ACME_TOKEN, "T0OWN1", secret, "xoxb-own1");
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    assertThat(added.body()).doesNotContain(secret);
    assertThat(ApiClient.json(added).getBoolean("ownApp")).isTrue();

    assertNotInTheTable(secret);
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = 'T0OWN1' AND own_app "
        + "AND signing_secret IS NULL")).isEqualTo(1);
    assertThat(stored("acme", "T0OWN1")).isEqualTo(secret);

    assertThat(command(secret, "T0OWN1", fixture.baseUrl()).statusCode()).isEqualTo(200);
    assertRefused(command(SHARED_SECRET, "T0OWN1", fixture.baseUrl()), 401, "bad_signature");
    assertRefused(command(GatewayFixture.ACME_SECRET, "T0OWN1", fixture.baseUrl()), 401, "bad_signature");
  }

  @Test
  @DisplayName("the operator's bindings: an own app's secret goes to the store; disabling removes it; rebound to the shared app, the shared secret verifies")
  void operatorBindingAndUnbinding() {
    String secret = "globex-own-app-secret-two";
    HttpResponse<String> own = api.send("POST", "/api/v1/tenants/globex/installations", OPERATOR_TOKEN,
        new JsonObject().put("platform", "slack").put("workspaceId", "T0OPS2").put("signingSecret", secret).encode());
    assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
    assertThat(ApiClient.json(own).getBoolean("ownApp")).isTrue();
    assertNotInTheTable(secret);
    assertThat(stored("globex", "T0OPS2")).isEqualTo(secret);
    assertThat(command(secret, "T0OPS2", fixture.baseUrl()).statusCode()).isEqualTo(200);
    assertRefused(command(SHARED_SECRET, "T0OPS2", fixture.baseUrl()), 401, "bad_signature");

    long id = ApiClient.json(own).getLong("id");
    assertThat(api.send("DELETE", "/api/v1/installations/" + id, GLOBEX_TOKEN, null).statusCode()).isEqualTo(200);
    assertThat(Await.result(signingSecrets().find("globex", "T0OPS2"))).as("unbinding removes the secret").isEmpty();
    Await.until("the gateway forgets the installation",
        () -> command(secret, "T0OPS2", fixture.baseUrl()).statusCode() == 401);
    assertRefused(command(secret, "T0OPS2", fixture.baseUrl()), 401, "unknown_workspace");

    HttpResponse<String> shared = api.send("POST", "/api/v1/tenants/globex/installations", OPERATOR_TOKEN,
        "{\"platform\": \"slack\", \"workspaceId\": \"T0OPS2\"}");
    assertThat(shared.statusCode()).as(shared.body()).isEqualTo(201);
    assertThat(ApiClient.json(shared).getBoolean("ownApp")).isFalse();
    Await.until("the gateway sees the shared app's installation",
        () -> command(SHARED_SECRET, "T0OPS2", fixture.baseUrl()).statusCode() == 200);
    assertRefused(command(secret, "T0OPS2", fixture.baseUrl()), 401, "bad_signature");
  }

  @Test
  @DisplayName("a refused binding leaves no secret behind, and never replaces a working one")
  void refusedBindings() {
    String secret = "acme-own-app-secret-three";
    assertThat(bindOwnApp(ACME_TOKEN, "T0OWN3", secret, "xoxb-own3").statusCode()).isEqualTo(201);

    slack.acceptBotToken("xoxb-globex-in-own3", "T0OWN3");
    assertProblem(bindOwnApp(GLOBEX_TOKEN, "T0OWN3", "globex-wants-own3", "xoxb-globex-in-own3"), 409, "conflict");
    assertThat(Await.result(signingSecrets().find("globex", "T0OWN3"))).as("nothing left in globex's store").isEmpty();
    assertProblem(api.send("POST", "/api/v1/tenants/globex/installations", OPERATOR_TOKEN,
        new JsonObject().put("platform", "slack").put("workspaceId", "T0OWN3").put("signingSecret", "operator-mistake")
            .encode()), 409, "conflict");
    assertThat(Await.result(signingSecrets().find("globex", "T0OWN3"))).isEmpty();

    slack.acceptBotToken("xoxb-own3-again", "T0OWN3");
    assertProblem(bindOwnApp(ACME_TOKEN, "T0OWN3", "acme-second-try", "xoxb-own3-again"), 409, "conflict");
    assertThat(stored("acme", "T0OWN3")).as("the working secret is put back").isEqualTo(secret);

    assertThat(command(secret, "T0OWN3", fixture.startSecondGateway()).statusCode()).isEqualTo(200);
    assertNotInTheTable("globex-wants-own3");
    assertNotInTheTable("acme-second-try");
  }

  @Test
  @DisplayName("another tenant can neither list, delete nor replace a tenant's signing secret through the secrets API")
  void secretsApiIsolation() {
    String secret = "acme-own-app-secret-four";
    String name = SlackSigningSecrets.secretName("T0OWN4");
    assertThat(bindOwnApp(ACME_TOKEN, "T0OWN4", secret, "xoxb-own4").statusCode()).isEqualTo(201);

    assertThat(api.get("/api/v1/secrets", ACME_TOKEN).body()).as("its own admin sees the name, never the value")
        .contains(name).doesNotContain(secret);
    assertThat(api.get("/api/v1/secrets", GLOBEX_TOKEN).body()).doesNotContain(name);
    assertProblem(api.send("DELETE", "/api/v1/secrets/" + name, GLOBEX_TOKEN, null), 404, "not_found");
    assertThat(api.send("PUT", "/api/v1/secrets/" + name, GLOBEX_TOKEN, "{\"value\": \"planted-by-globex\"}")
        .statusCode()).as("stored, but in globex's own store").isEqualTo(200);

    assertThat(stored("acme", "T0OWN4")).isEqualTo(secret);
    assertThat(stored("globex", "T0OWN4")).isEqualTo("planted-by-globex");
    String fresh = fixture.startSecondGateway();
    assertThat(command(secret, "T0OWN4", fresh).statusCode()).isEqualTo(200);
    assertRefused(command("planted-by-globex", "T0OWN4", fresh), 401, "bad_signature");
  }

  @Test
  @DisplayName("its own admin may rotate the secret through the secrets API, or delete it: then its requests are refused")
  void ownAdminRotatesOrDeletes() {
    String name = SlackSigningSecrets.secretName("T0OWN5");
    assertThat(bindOwnApp(ACME_TOKEN, "T0OWN5", "acme-own-app-secret-five", "xoxb-own5").statusCode()).isEqualTo(201);

    assertThat(api.send("PUT", "/api/v1/secrets/" + name, ACME_TOKEN, "{\"value\": \"acme-rotated-five\"}")
        .statusCode()).isEqualTo(200);
    assertThat(command("acme-rotated-five", "T0OWN5", fixture.startSecondGateway()).statusCode()).isEqualTo(200);

    assertThat(api.send("DELETE", "/api/v1/secrets/" + name, ACME_TOKEN, null).statusCode()).isEqualTo(204);
    String fresh = fixture.startSecondGateway();
    assertRefused(command("acme-rotated-five", "T0OWN5", fresh), 401, "unknown_workspace");
    assertRefused(command(SHARED_SECRET, "T0OWN5", fresh), 401, "unknown_workspace");
  }

  @Test
  @DisplayName("a store that cannot be read fails closed: 503, no job, never the shared secret; shared-app teams go on")
  void unreadableStoreFailsClosed() {
    String secret = "acme-own-app-secret-six";
    assertThat(bindOwnApp(ACME_TOKEN, "T0OWN6", secret, "xoxb-own6").statusCode()).isEqualTo(201);
    assertThat(api.send("POST", "/api/v1/tenants/acme/installations", OPERATOR_TOKEN,
        "{\"platform\": \"slack\", \"workspaceId\": \"T0SHARED6\"}").statusCode()).isEqualTo(201);
    long jobs = fixture.jobCount();
    String wrongKey = fixture.startSecondGateway(new LocalSecretStore(fixture.pool(), MasterKey.generate()));

    HttpResponse<String> refused = command(secret, "T0OWN6", wrongKey);
    assertRefused(refused, 503, "secret_store_unavailable");
    assertThat(refused.body()).doesNotContain("acme").doesNotContain(SlackSigningSecrets.secretName("T0OWN6"));
    assertRefused(command(SHARED_SECRET, "T0OWN6", wrongKey), 503, "secret_store_unavailable");
    assertThat(fixture.jobCount()).isEqualTo(jobs);

    assertThat(command(SHARED_SECRET, "T0SHARED6", wrongKey).statusCode()).isEqualTo(200);
    assertThat(command(secret, "T0OWN6", fixture.baseUrl()).statusCode()).isEqualTo(200);
  }

  private static HttpResponse<String> bindOwnApp(String token, String workspace, String signingSecret, String botToken) {
    slack.acceptBotToken(botToken, workspace);
    return api.send("POST", "/api/v1/installations", token, new JsonObject().put("platform", "slack")
        .put("workspaceId", workspace).put("signingSecret", signingSecret).put("botToken", botToken).encode());
  }

  private static HttpResponse<String> command(String secret, String team, String baseUrl) {
    return SignedSlashCommand.of(secret, team, "help", fixture.slack().responseUrl(team + "-" + System.nanoTime()))
        .post(baseUrl);
  }

  private static void assertRefused(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(new JsonObject(response.body()).getString("code")).isEqualTo(code);
  }

  private static void assertNotInTheTable(String secret) {
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE row_to_json(chat_installations)::text "
        + "LIKE '%" + secret + "%'")).as("no plaintext signing secret in chat_installations").isZero();
  }

  private static String stored(String tenant, String workspace) {
    return Await.result(signingSecrets().find(tenant, workspace)).orElseThrow();
  }

  private static SlackSigningSecrets signingSecrets() {
    return new SlackSigningSecrets(fixture.secrets());
  }
}

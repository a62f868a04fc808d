package io.switchboard.deploy;

import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.SecretStoreException;
import io.switchboard.tenancy.secrets.SecretStoreSettings;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rotating the master key as docs/operations.md says: the nodes start with the new key and the old
 * one as previous, which re-seals every secret value and the audit key under the new key; then they
 * start with the new key alone. Secrets stay readable, the audit chain stays intact (its key did not
 * change), and a node with neither key is refused at start-up, saying which key it needs.
 */
@DisplayName("Rotating the master key keeps secrets readable and the audit chain intact")
class MasterKeyRotationTest {

  private static final String OLD = TestSecrets.MASTER_KEY;
  private static final String NEW = Base64.getEncoder().encodeToString("a-new-master-key-for-rotation-32".getBytes());
  private static final String OPERATOR = "sbo_rotation_operator_token";
  private static final String ADMIN = "sbt_rotation_admin_token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Vertx vertx = Vertx.vertx();
  private final DatabaseUrl database = TestDatabase.fresh();
  private SwitchboardNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("old key; new key with the old as previous (re-sealed); new key alone; a stranger's key is refused")
  void rotate() throws Exception {
    node = start(Map.of("SWITCHBOARD_MASTER_KEY", OLD));
    assertThat(send("PUT", "/api/v1/secrets/db-password", ADMIN, "{\"value\": \"hunter2-but-longer\"}").statusCode())
        .isLessThan(300);
    assertThat(intact()).isTrue();
    node.close();

    node = start(Map.of("SWITCHBOARD_MASTER_KEY", NEW, "SWITCHBOARD_MASTER_KEY_PREVIOUS", OLD));
    Pool pool = TestDatabase.pool(vertx, database);
    String newId = MasterKey.fromBase64(NEW).id();
    assertThat(Await.result(pool.query("SELECT DISTINCT key_id FROM tenant_secrets WHERE ciphertext IS NOT NULL "
        + "UNION SELECT key_id FROM wrapped_keys").execute()).iterator())
        .toIterable().map(row -> row.getString(0)).as("every value and the audit key re-sealed").containsExactly(newId);
    assertThat(intact()).isTrue();
    assertThat(send("PUT", "/api/v1/secrets/api-key", ADMIN, "{\"value\": \"written-during-the-rotation\"}")
        .statusCode()).isLessThan(300);
    node.close();

    node = start(Map.of("SWITCHBOARD_MASTER_KEY", NEW));
    assertThat(intact()).as("the audit key outlived the master key").isTrue();
    LocalSecretStore newOnly = new LocalSecretStore(pool, MasterKey.fromBase64(NEW));
    assertThat(Await.result(newOnly.get("demo", "db-password"))).contains("hunter2-but-longer");
    assertThat(Await.result(newOnly.get("demo", "api-key"))).contains("written-during-the-rotation");
    assertThat(Await.failure(new LocalSecretStore(pool, MasterKey.fromBase64(OLD)).get("demo", "db-password")))
        .isInstanceOf(SecretStoreException.class).hasMessageContaining("SWITCHBOARD_MASTER_KEY_PREVIOUS");
    node.close();
    node = null;

    String stranger = Base64.getEncoder().encodeToString("a-master-key-nobody-ever-used-32".getBytes());
    assertThatThrownBy(() -> start(Map.of("SWITCHBOARD_MASTER_KEY", stranger)))
        .isInstanceOf(StartupFailure.class).hasMessageContaining("sealed under master key " + newId);
  }

  private SwitchboardNode start(Map<String, String> keys) {
    Map<String, String> env = new HashMap<>(Map.of(
        "SWITCHBOARD_DATABASE_URL", database.withCredentials(),
        "SWITCHBOARD_AUDIT_ANCHOR_FILE", TestSecrets.anchorFile(),
        "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
        "SWITCHBOARD_HTTP_PORT", "0",
        "SWITCHBOARD_DEMO_TENANT", "true",
        "SWITCHBOARD_DEMO_ADMIN_TOKEN", ADMIN,
        "SWITCHBOARD_OPERATOR_TOKEN", OPERATOR));
    env.putAll(keys);
    return SwitchboardNode.start(SwitchboardConfig.fromEnv(env), SecretStoreSettings.fromEnv(env), Role.ALL);
  }

  private boolean intact() throws Exception {
    HttpResponse<String> verified = send("GET", "/api/v1/tenants/demo/audit-verification", OPERATOR, null);
    assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
    JsonObject result = new JsonObject(verified.body());
    assertThat(result.getLong("recordsChecked")).isPositive();
    return result.getBoolean("intact");
  }

  private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}

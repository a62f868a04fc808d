package io.switchboard.deploy;

import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.tenancy.SlackSigningSecrets;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.testkit.slack.SlackResponseUrlServer;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, item 7, on upgrade: a database written by a release that kept Slack signing secrets in
 * plaintext in {@code chat_installations} is migrated, and the nodes that start on it move the
 * secrets into the tenants' secret store before their gateways serve; requests keep verifying.
 */
@DisplayName("Nodes move plaintext Slack signing secrets into the secret store at start-up")
class SigningSecretMoveTest {

  private static final String OLD_SECRET = "signing-secret-of-an-old-release";
  private static final String SHARED_SECRET = "shared-app-signing-secret";

  private final Vertx vertx = Vertx.vertx();
  private final SlackResponseUrlServer slack = SlackResponseUrlServer.start();
  private final List<SwitchboardNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(SwitchboardNode::close);
    slack.close();
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("two gateways starting at once on an old database: the secret is moved once, the column emptied, requests verify")
  void twoGatewaysMoveTheOldSecretOnce() {
    DatabaseUrl database = TestDatabase.freshUpTo("20");
    TestDatabase.execute(database, "INSERT INTO tenants (id, name) VALUES ('initech', 'Initech')");
    TestDatabase.execute(database, "INSERT INTO chat_installations (tenant_id, platform, workspace_id, signing_secret, "
        + "verified_via) VALUES ('initech', 'slack', 'T0OLD', '" + OLD_SECRET + "', 'operator'), "
        + "('initech', 'slack', 'T0SHARED', NULL, 'slack_oauth')");

    CompletableFuture<SwitchboardNode> first = CompletableFuture.supplyAsync(() -> start(database));
    CompletableFuture<SwitchboardNode> second = CompletableFuture.supplyAsync(() -> start(database));
    nodes.add(first.join());
    nodes.add(second.join());

    Pool pool = TestDatabase.pool(vertx, database);
    assertThat(count(pool, "SELECT count(*) FROM chat_installations WHERE signing_secret IS NOT NULL")).isZero();
    assertThat(count(pool, "SELECT count(*) FROM chat_installations WHERE workspace_id = 'T0OLD' AND own_app"))
        .isEqualTo(1);
    LocalSecretStore store = new LocalSecretStore(pool, MasterKey.fromBase64(TestSecrets.MASTER_KEY));
    assertThat(Await.result(new SlackSigningSecrets(store).find("initech", "T0OLD"))).contains(OLD_SECRET);
    assertThat(Await.result(store.list("initech"))).singleElement()
        .satisfies(version -> assertThat(version.version()).as("stored once").isEqualTo(1L));

    for (SwitchboardNode node : nodes) {
      String base = "http://127.0.0.1:" + node.httpPort();
      assertThat(command(OLD_SECRET, "T0OLD", base).statusCode()).isEqualTo(200);
      assertThat(command(SHARED_SECRET, "T0OLD", base).statusCode()).isEqualTo(401);
      assertThat(command(SHARED_SECRET, "T0SHARED", base).statusCode()).isEqualTo(200);
    }
  }

  private SwitchboardNode start(DatabaseUrl database) {
    Map<String, String> env = new HashMap<>(Map.of(
        "SWITCHBOARD_DATABASE_URL", database.withCredentials(),
        "SWITCHBOARD_AUDIT_ANCHOR_FILE", TestSecrets.anchorFile(),
        "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
        "SWITCHBOARD_HTTP_PORT", "0",
        "SWITCHBOARD_SLACK_SIGNING_SECRET", SHARED_SECRET,
        "SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", slack.prefix()));
    return SwitchboardNode.start(SwitchboardConfig.fromEnv(env), TestSecrets.SETTINGS, Role.GATEWAY);
  }

  private java.net.http.HttpResponse<String> command(String secret, String team, String baseUrl) {
    return SignedSlashCommand.of(secret, team, "help", slack.responseUrl(team + "-" + System.nanoTime())).post(baseUrl);
  }

  private static long count(Pool pool, String sql) {
    return Await.result(pool.query(sql).execute()).iterator().next().getLong(0);
  }
}

package io.switchboard.tenancy;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.tenancy.secrets.SecretStoreException;
import io.switchboard.tenancy.secrets.SecretVersion;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signing secrets of tenants' own Slack apps in the secret store: the move of the ones an earlier
 * release kept in plaintext in {@code chat_installations}, and the put-back of a failed binding.
 */
@DisplayName("Slack signing secrets live in the tenant's secret store")
class SlackSigningSecretsTest {

  private final MasterKey masterKey = MasterKey.generate();
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("rows written the old way are moved into each tenant's store at start-up, once; the column is emptied")
  void oldRowsAreMoved() {
    DatabaseUrl url = databaseWithOldRows();
    Pool pool = TestDatabase.pool(vertx, url);
    SecretStore store = new LocalSecretStore(pool, masterKey);
    SlackSigningSecrets secrets = new SlackSigningSecrets(store);
    assertThat(count(pool, "SELECT count(*) FROM chat_installations WHERE own_app")).as("V21 marks the own apps")
        .isEqualTo(3);

    assertThat(Await.result(secrets.moveFromColumn(pool))).isEqualTo(2);

    assertThat(count(pool, "SELECT count(*) FROM chat_installations WHERE platform = 'slack' "
        + "AND signing_secret IS NOT NULL")).isZero();
    assertThat(count(pool, "SELECT count(*) FROM chat_installations WHERE row_to_json(chat_installations)::text "
        + "LIKE '%old-secret%'")).as("no plaintext secret left in any column").isZero();
    assertThat(Await.result(secrets.find("acme", "TACME"))).contains("acme-old-secret");
    assertThat(Await.result(secrets.find("globex", "TGLOBEX"))).contains("globex-old-secret");
    assertThat(Await.result(secrets.find("globex", "TACME"))).isEmpty();
    assertThat(Await.result(secrets.find("acme", "TSHARED"))).isEmpty();
    assertThat(count(pool, "SELECT count(*) FROM chat_installations WHERE workspace_id IN ('TACME', 'TGLOBEX') "
        + "AND own_app")).isEqualTo(2);
    assertThat(count(pool, "SELECT count(*) FROM chat_installations WHERE workspace_id = 'TSHARED' AND NOT own_app"))
        .isEqualTo(1);
    assertThat(count(pool, "SELECT count(*) FROM chat_installations WHERE platform = 'discord' AND own_app "
        + "AND signing_secret = '" + "ab".repeat(32) + "'")).as("a Discord public key stays where it is").isEqualTo(1);

    InstallationDirectory directory = new InstallationDirectory(pool, secrets, Duration.ofMinutes(1));
    assertThat(Await.result(directory.findSlackTeam("TACME")))
        .contains(SlackInstallation.ownApp("acme", "TACME", Optional.of("acme-old-secret")));
    assertThat(Await.result(directory.findSlackTeam("TSHARED"))).contains(SlackInstallation.sharedApp("acme", "TSHARED"));

    assertThat(Await.result(secrets.moveFromColumn(pool))).as("a second start has nothing to move").isZero();
    assertThat(Await.result(store.list("acme"))).extracting(SecretVersion::version).containsExactly(1L);
  }

  @Test
  @DisplayName("two nodes starting at once move each secret once")
  void twoNodesAtOnce() {
    DatabaseUrl url = databaseWithOldRows();
    Pool first = TestDatabase.pool(vertx, url);
    Pool second = TestDatabase.pool(vertx, url);
    SlackSigningSecrets one = new SlackSigningSecrets(new LocalSecretStore(first, masterKey));
    SlackSigningSecrets other = new SlackSigningSecrets(new LocalSecretStore(second, masterKey));

    List<Integer> moved = Await.result(Future.all(one.moveFromColumn(first), other.moveFromColumn(second)))
        .<Integer>list();

    assertThat(moved.get(0) + moved.get(1)).as("each secret moved by one of them").isEqualTo(2);
    SecretStore store = new LocalSecretStore(first, masterKey);
    assertThat(Await.result(store.list("acme"))).extracting(SecretVersion::version).containsExactly(1L);
    assertThat(Await.result(store.list("globex"))).extracting(SecretVersion::version).containsExactly(1L);
    assertThat(count(first, "SELECT count(*) FROM chat_installations WHERE platform = 'slack' "
        + "AND signing_secret IS NOT NULL")).isZero();
  }

  @Test
  @DisplayName("a store that does not take a secret fails the move, that row keeps its secret; the next start moves it")
  void aFailedMoveIsTakenUpAgain() {
    DatabaseUrl url = databaseWithOldRows();
    Pool pool = TestDatabase.pool(vertx, url);
    SecretStore working = new LocalSecretStore(pool, masterKey);
    SecretStore failing = new SecretStore() {
      @Override
      public Future<Optional<String>> get(String tenantId, String name) {
        return working.get(tenantId, name);
      }

      @Override
      public Future<SecretVersion> put(String tenantId, String name, String value) {
        return "globex".equals(tenantId)
            ? Future.failedFuture(new SecretStoreException(SecretStoreException.Reason.UNAVAILABLE, "down"))
            : working.put(tenantId, name, value);
      }

      @Override
      public Future<List<SecretVersion>> list(String tenantId) {
        return working.list(tenantId);
      }

      @Override
      public Future<Boolean> delete(String tenantId, String name) {
        return working.delete(tenantId, name);
      }
    };

    assertThat(Await.failure(new SlackSigningSecrets(failing).moveFromColumn(pool)))
        .isInstanceOf(SecretStoreException.class);
    assertThat(count(pool, "SELECT count(*) FROM chat_installations WHERE platform = 'slack' "
        + "AND signing_secret IS NOT NULL AND workspace_id = 'TGLOBEX'")).isEqualTo(1);
    assertThat(count(pool, "SELECT count(*) FROM chat_installations WHERE platform = 'slack' "
        + "AND signing_secret IS NOT NULL AND workspace_id = 'TACME'")).as("moved before the failure").isZero();

    assertThat(Await.result(new SlackSigningSecrets(working).moveFromColumn(pool))).isEqualTo(1);
    assertThat(Await.result(new SlackSigningSecrets(working).find("globex", "TGLOBEX"))).contains("globex-old-secret");
  }

  @Test
  @DisplayName("a binding that fails puts back the secret kept before, or leaves none; one that succeeds keeps the new one")
  void aFailedBindingPutsBack() {
    DatabaseUrl url = TestDatabase.fresh();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme')");
    Pool pool = TestDatabase.pool(vertx, url);
    SlackSigningSecrets secrets = new SlackSigningSecrets(new LocalSecretStore(pool, masterKey));

    assertThat(Await.failure(secrets.storedWhile("acme", "TNEW", "refused-secret",
        () -> Future.failedFuture(new IllegalStateException("bound already"))))).hasMessage("bound already");
    assertThat(Await.result(secrets.find("acme", "TNEW"))).isEmpty();

    assertThat(Await.result(secrets.storedWhile("acme", "TNEW", "working-secret", () -> Future.succeededFuture("ok"))))
        .isEqualTo("ok");
    assertThat(Await.failure(secrets.storedWhile("acme", "TNEW", "refused-secret",
        () -> Future.failedFuture(new IllegalStateException("bound already"))))).hasMessage("bound already");
    assertThat(Await.result(secrets.find("acme", "TNEW"))).contains("working-secret");
  }

  /**
   * A database at V20, before this change, with the rows an earlier release wrote: two own Slack apps
   * with their signing secrets in plaintext, a shared-app team and a Discord own app; then migrated.
   */
  private static DatabaseUrl databaseWithOldRows() {
    DatabaseUrl url = TestDatabase.freshUpTo("20");
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    TestDatabase.execute(url, "INSERT INTO chat_installations (tenant_id, platform, workspace_id, signing_secret, "
        + "verified_via) VALUES ('acme', 'slack', 'TACME', 'acme-old-secret', 'slack_auth_test'), "
        + "('globex', 'slack', 'TGLOBEX', 'globex-old-secret', 'operator'), "
        + "('acme', 'slack', 'TSHARED', NULL, 'slack_oauth')");
    TestDatabase.execute(url, "INSERT INTO chat_installations (tenant_id, platform, workspace_id, app_id, "
        + "signing_secret, verified_via) VALUES ('globex', 'discord', '200', '8200', '" + "ab".repeat(32)
        + "', 'operator')");
    TestDatabase.migrateToLatest(url);
    return url;
  }

  private static long count(Pool pool, String sql) {
    return Await.result(pool.query(sql).execute()).iterator().next().getLong(0);
  }
}

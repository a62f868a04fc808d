package io.switchboard.tenancy;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Tokens, installations, tenant status and the operator token as the admin API reads and changes them. */
class TenantAdminQueriesTest {

  private Vertx vertx;
  private DatabaseUrl url;
  private Pool pool;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  void tokensAreIssuedListedAndRevokedWithinTheirTenant() {
    ApiTokens.IssuedToken issued = Await.result(ApiTokens.issue(pool, "acme", "ci"));
    ApiTokens.Holder holder = Await.result(ApiTokens.identify(pool, issued.token())).orElseThrow();
    assertThat(holder.tenantId()).isEqualTo("acme");
    assertThat(holder.tokenId()).isEqualTo(issued.info().id());
    assertThat(holder.label()).isEqualTo("ci");
    assertThat(Await.result(ApiTokens.list(pool, "globex"))).isEmpty();
    assertThat(Await.result(ApiTokens.revoke(pool, "globex", issued.info().id()))).isEmpty();
    assertThat(Await.result(ApiTokens.find(pool, "globex", issued.info().id()))).isEmpty();
    assertThat(Await.result(ApiTokens.authenticate(pool, issued.token()))).contains("acme");

    assertThat(Await.result(ApiTokens.revoke(pool, "acme", issued.info().id()))).get()
        .satisfies(info -> assertThat(info.revokedAt()).isNotNull());
    assertThat(Await.result(ApiTokens.identify(pool, issued.token()))).isEmpty();
    assertThat(Await.result(ApiTokens.revoke(pool, "acme", issued.info().id()))).isEmpty();
    assertThat(Await.result(ApiTokens.list(pool, "acme"))).hasSize(1);
  }

  @Test
  void aSuspendedTenantsTokenIsIdentifiedButDoesNotAuthenticate() {
    ApiTokens.IssuedToken issued = Await.result(ApiTokens.issue(pool, "acme", "ci"));
    assertThat(Await.result(Tenants.setStatus(pool, "acme", Tenant.SUSPENDED))).get()
        .satisfies(tenant -> assertThat(tenant.status()).isEqualTo("suspended"));
    assertThat(Await.result(ApiTokens.identify(pool, issued.token()))).get()
        .satisfies(holder -> assertThat(holder.tenantActive()).isFalse());
    assertThat(Await.result(ApiTokens.authenticate(pool, issued.token()))).isEmpty();
    assertThat(Await.result(Tenants.setStatus(pool, "nobody", Tenant.SUSPENDED))).isEmpty();
  }

  @Test
  void tenantsAreCreatedOnce() {
    assertThat(Await.result(Tenants.create(pool, "initech", "Initech"))).isPresent();
    assertThat(Await.result(Tenants.create(pool, "initech", "Other"))).isEmpty();
    assertThat(Await.result(Tenants.list(pool))).extracting(Tenant::id).containsExactly("acme", "globex", "initech");
  }

  @Test
  void aWorkspaceIsBoundToOneTenantAndDisabledOnlyByIt() {
    Installations.Installation added = Await.result(Installations.add(pool, "acme", "slack", "T1",
        null, null, InstallationProof.OPERATOR)).orElseThrow();
    assertThat(Await.result(Installations.add(pool, "globex", "slack", "T1",
        true, null, null, InstallationProof.OPERATOR))).isEmpty();
    assertThat(Await.result(Installations.add(pool, "acme", "slack", "T1",
        null, null, InstallationProof.OPERATOR))).isEmpty();
    assertThat(Await.result(Installations.disable(pool, "globex", added.id()))).isEmpty();
    assertThat(Await.result(Installations.list(pool, "globex"))).isEmpty();
    assertThat(Await.result(Installations.disable(pool, "acme", added.id()))).get()
        .satisfies(i -> assertThat(i.enabled()).isFalse());
    assertThat(Await.result(Installations.add(pool, "globex", "slack", "T1",
        null, null, InstallationProof.OPERATOR))).isEmpty();
    assertThat(Await.result(Installations.add(pool, "acme", "slack", "T1",
        true, null, null, InstallationProof.OPERATOR))).get()
        .satisfies(i -> assertThat(i.enabled() && i.ownApp()).isTrue());
    assertThat(Await.result(Installations.list(pool, "acme"))).singleElement()
        .satisfies(i -> assertThat(i.ownApp()).isTrue());
  }

  @Test
  void aSlackSigningSecretIsNeverWrittenToTheInstallation() {
    assertThat(Await.failure(Installations.add(pool, "acme", "slack", "T1",
        "own-app-signing-secret", null, InstallationProof.OPERATOR)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret store");
    assertThat(Await.failure(Installations.add(pool, "acme", "slack", "T1",
        true, "own-app-signing-secret", null, InstallationProof.OPERATOR)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Await.result(Installations.list(pool, "acme"))).isEmpty();
    assertThat(Await.failure(pool.query("INSERT INTO chat_installations (tenant_id, platform, workspace_id, "
        + "signing_secret) VALUES ('acme', 'slack', 'T2', 'plaintext')").execute()))
        .as("the database refuses it too").hasMessageContaining("chat_installations_no_slack_signing_secret");

    Installations.Installation discord = Await.result(Installations.add(pool, "acme", "discord", "100",
        "ab".repeat(32), "8200", InstallationProof.OPERATOR)).orElseThrow();
    assertThat(discord.ownApp()).as("a Discord application's public key is not a secret and stays").isTrue();
  }

  @Test
  void aTokenIsGeneratedOnceAndOnlyItsHashIsKept() {
    String token = Await.result(OperatorToken.ensure(pool, Optional.empty())).orElseThrow();
    assertThat(token).startsWith(OperatorToken.PREFIX);
    assertThat(Await.result(OperatorToken.ensure(pool, Optional.empty()))).isEmpty();
    String stored = Await.result(OperatorToken.expectedHash(pool, Optional.empty())).orElseThrow();
    assertThat(stored).isNotEqualTo(token).hasSize(64);
    assertThat(OperatorToken.matches(token, stored)).isTrue();
    assertThat(OperatorToken.matches(token + "x", stored)).isFalse();
  }

  @Test
  void aConfiguredTokenWinsAndNothingIsGenerated() {
    assertThat(Await.result(OperatorToken.ensure(pool, Optional.of("sbo_configured")))).isEmpty();
    String expected = Await.result(OperatorToken.expectedHash(pool, Optional.of("sbo_configured"))).orElseThrow();
    assertThat(OperatorToken.matches("sbo_configured", expected)).isTrue();
    assertThat(Await.result(OperatorToken.expectedHash(pool, Optional.empty()))).isEmpty();
  }
}

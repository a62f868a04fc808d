package io.switchboard.tenancy;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.tenancy.secrets.SecretVersion;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DemoTenantTest {

  private Vertx vertx;
  private DatabaseUrl url;
  private Pool pool;
  private SecretStore store;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    store = new LocalSecretStore(pool, MasterKey.generate());
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  void theFirstStartCreatesTheTenantBindsTheTeamAndGeneratesCredentials() {
    DemoTenant.Credentials credentials = ensure(Optional.empty(), Optional.empty());

    assertThat(queryString("SELECT id || '/' || status FROM tenants")).isEqualTo("demo/active");
    assertThat(queryLong("SELECT count(*) FROM tenants")).isEqualTo(1L);

    assertThat(credentials.signingSecretGenerated()).isTrue();
    assertThat(credentials.signingSecret()).isNotBlank().hasSizeGreaterThanOrEqualTo(32);
    assertThat(queryString("SELECT tenant_id || '/' || platform || '/' || workspace_id || '/' || own_app "
        + "|| '/' || (signing_secret IS NULL) FROM chat_installations")).isEqualTo("demo/slack/T0DEMO/true/true");
    assertThat(storedSecret()).contains(credentials.signingSecret());
    assertThat(Await.result(directory().findSlackTeam(DemoTenant.SLACK_TEAM_ID)))
        .contains(SlackInstallation.ownApp("demo", "T0DEMO", Optional.of(credentials.signingSecret())));

    assertThat(credentials.generatedAdminToken()).isPresent();
    String token = credentials.generatedAdminToken().get();
    assertThat(token).startsWith(ApiTokens.PREFIX);
    assertThat(Await.result(ApiTokens.authenticate(pool, token))).contains(DemoTenant.TENANT_ID);
    assertThat(Await.result(ApiTokens.countActive(pool, DemoTenant.TENANT_ID))).isEqualTo(1L);
    assertThat(queryString("SELECT token_hash FROM api_tokens")).isEqualTo(ApiTokensTest.sha256Hex(token));
  }

  @Test
  void aLaterStartKeepsTheStoredSecretAndMakesNoNewToken() {
    DemoTenant.Credentials first = ensure(Optional.empty(), Optional.empty());
    DemoTenant.Credentials second = ensure(Optional.empty(), Optional.empty());

    assertThat(second.signingSecret()).isEqualTo(first.signingSecret());
    assertThat(second.signingSecretGenerated()).isFalse();
    assertThat(second.generatedAdminToken()).isEmpty();
    assertThat(storedSecret()).contains(first.signingSecret());
    assertThat(Await.result(store.list(DemoTenant.TENANT_ID))).extracting(SecretVersion::version)
        .as("a later start does not write the secret again").containsExactly(1L);
    assertThat(queryLong("SELECT count(*) FROM api_tokens")).isEqualTo(1L);
    assertThat(Await.result(ApiTokens.countActive(pool, DemoTenant.TENANT_ID))).isEqualTo(1L);
    assertThat(Await.result(ApiTokens.authenticate(pool, first.generatedAdminToken().orElseThrow())))
        .contains(DemoTenant.TENANT_ID);
    assertThat(queryLong("SELECT count(*) FROM tenants")).isEqualTo(1L);
    assertThat(queryLong("SELECT count(*) FROM chat_installations")).isEqualTo(1L);
  }

  @Test
  void aSecretFromTheEnvironmentReplacesTheStoredOne() {
    DemoTenant.Credentials first = ensure(Optional.empty(), Optional.empty());
    DemoTenant.Credentials second = ensure(Optional.of("env-signing-secret"), Optional.empty());

    assertThat(second.signingSecret()).isEqualTo("env-signing-secret").isNotEqualTo(first.signingSecret());
    assertThat(second.signingSecretGenerated()).isFalse();
    assertThat(second.generatedAdminToken()).isEmpty();
    assertThat(storedSecret()).contains("env-signing-secret");
    assertThat(Await.result(directory().findSlackTeam(DemoTenant.SLACK_TEAM_ID)))
        .flatMap(SlackInstallation::signingSecret).contains("env-signing-secret");

    DemoTenant.Credentials third = ensure(Optional.empty(), Optional.empty());
    assertThat(third.signingSecret()).as("the env secret is kept once stored").isEqualTo("env-signing-secret");
    assertThat(third.signingSecretGenerated()).isFalse();
  }

  @Test
  void aSecretFromTheEnvironmentOnTheFirstStartIsNotGenerated() {
    DemoTenant.Credentials credentials = ensure(Optional.of("env-signing-secret"), Optional.empty());
    assertThat(credentials.signingSecret()).isEqualTo("env-signing-secret");
    assertThat(credentials.signingSecretGenerated()).isFalse();
    assertThat(storedSecret()).contains("env-signing-secret");
    assertThat(queryLong("SELECT count(*) FROM chat_installations WHERE signing_secret IS NOT NULL")).isZero();
  }

  @Test
  void aDemoTeamBoundToAnotherTenantFailsTheStartAndLeavesNoSecretBehind() {
    Await.result(Tenants.createIfAbsent(pool, "other", "Other"));
    Await.result(Tenants.bindSlackTeam(pool, "other", DemoTenant.SLACK_TEAM_ID, false));

    assertThat(Await.failure(DemoTenant.ensure(pool, store, Optional.of("env-signing-secret"), Optional.empty())))
        .hasMessageContaining("already bound to another tenant");

    assertThat(storedSecret()).isEmpty();
    assertThat(Await.result(new SlackSigningSecrets(store).find("other", DemoTenant.SLACK_TEAM_ID))).isEmpty();
    assertThat(queryString("SELECT tenant_id || '/' || own_app FROM chat_installations")).isEqualTo("other/false");
  }

  @Test
  void concurrentStartsAgreeOnOneGeneratedSecret() {
    List<DemoTenant.Credentials> started = Await.result(Future.all(
        DemoTenant.ensure(pool, store, Optional.empty(), Optional.empty()),
        DemoTenant.ensure(pool, store, Optional.empty(), Optional.empty()))).list();
    assertThat(started.get(0).signingSecret()).isEqualTo(started.get(1).signingSecret());
    assertThat(started).filteredOn(DemoTenant.Credentials::signingSecretGenerated).hasSize(1);
    assertThat(storedSecret()).contains(started.get(0).signingSecret());
  }

  @Test
  void anAdminTokenFromTheEnvironmentIsStoredHashedAndNothingIsGenerated() {
    String envToken = "sbt_from-the-environment-0123456789";
    DemoTenant.Credentials credentials = ensure(Optional.empty(), Optional.of(envToken));

    assertThat(credentials.generatedAdminToken()).isEmpty();
    assertThat(Await.result(ApiTokens.authenticate(pool, envToken))).contains(DemoTenant.TENANT_ID);
    assertThat(queryLong("SELECT count(*) FROM api_tokens")).isEqualTo(1L);
    assertThat(queryString("SELECT token_hash FROM api_tokens")).isEqualTo(ApiTokensTest.sha256Hex(envToken));

    DemoTenant.Credentials again = ensure(Optional.empty(), Optional.of(envToken));
    assertThat(again.generatedAdminToken()).isEmpty();
    assertThat(queryLong("SELECT count(*) FROM api_tokens")).as("the same env token is stored once").isEqualTo(1L);
    assertThat(Await.result(ApiTokens.authenticate(pool, envToken))).contains(DemoTenant.TENANT_ID);
  }

  private DemoTenant.Credentials ensure(Optional<String> secret, Optional<String> adminToken) {
    return Await.result(DemoTenant.ensure(pool, store, secret, adminToken));
  }

  private Optional<String> storedSecret() {
    return Await.result(new SlackSigningSecrets(store).find(DemoTenant.TENANT_ID, DemoTenant.SLACK_TEAM_ID));
  }

  private InstallationDirectory directory() {
    return new InstallationDirectory(pool, new SlackSigningSecrets(store), Duration.ofMinutes(10));
  }

  private long queryLong(String sql) {
    return Await.result(pool.query(sql).execute().map(rows -> rows.iterator().next().getLong(0)));
  }

  private String queryString(String sql) {
    return Await.result(pool.query(sql).execute().map(rows -> rows.iterator().next().getString(0)));
  }
}

package io.switchboard.tenancy;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.testsupport.Await;
import io.switchboard.core.testsupport.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DemoTenantTest {

  private Vertx vertx;
  private DatabaseUrl url;
  private Pool pool;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
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
    assertThat(queryString("SELECT tenant_id || '/' || platform || '/' || workspace_id || '/' || signing_secret "
        + "FROM chat_installations")).isEqualTo("demo/slack/T0DEMO/" + credentials.signingSecret());
    assertThat(Await.result(directory().findSlackTeam(DemoTenant.SLACK_TEAM_ID)))
        .contains(new SlackInstallation("demo", "T0DEMO", Optional.of(credentials.signingSecret())));

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
    assertThat(queryString("SELECT signing_secret FROM chat_installations WHERE workspace_id = 'T0DEMO'"))
        .isEqualTo(first.signingSecret());
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
    assertThat(queryString("SELECT signing_secret FROM chat_installations WHERE workspace_id = 'T0DEMO'"))
        .isEqualTo("env-signing-secret");
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
    assertThat(queryString("SELECT signing_secret FROM chat_installations WHERE workspace_id = 'T0DEMO'"))
        .isEqualTo("env-signing-secret");
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
    return Await.result(DemoTenant.ensure(pool, secret, adminToken));
  }

  private InstallationDirectory directory() {
    return new InstallationDirectory(pool, Duration.ofMinutes(10));
  }

  private long queryLong(String sql) {
    return Await.result(pool.query(sql).execute().map(rows -> rows.iterator().next().getLong(0)));
  }

  private String queryString(String sql) {
    return Await.result(pool.query(sql).execute().map(rows -> rows.iterator().next().getString(0)));
  }
}

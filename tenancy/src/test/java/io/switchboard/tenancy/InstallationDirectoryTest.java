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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstallationDirectoryTest {

  /** Long enough that nothing expires while a test runs. */
  private static final Duration LONG_TTL = Duration.ofMinutes(10);

  private Vertx vertx;
  private DatabaseUrl url;
  private Pool pool;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    assertThat(Await.result(Tenants.createIfAbsent(pool, "acme", "Acme"))).isTrue();
    assertThat(Await.result(Tenants.createIfAbsent(pool, "globex", "Globex"))).isTrue();
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  void createIfAbsentCreatesOnceAndKeepsTheFirstName() {
    assertThat(Await.result(Tenants.createIfAbsent(pool, "acme", "Another name"))).isFalse();
    assertThat(queryString("SELECT name FROM tenants WHERE id = 'acme'")).isEqualTo("Acme");
    assertThat(queryLong("SELECT count(*) FROM tenants")).isEqualTo(2L);
  }

  @Test
  void aBoundTeamIsFoundWithItsTenantAndSigningSecret() {
    bind("acme", "TACME", "acme-secret");
    Optional<SlackInstallation> found = Await.result(directory().findSlackTeam("TACME"));
    assertThat(found).contains(new SlackInstallation("acme", "TACME", Optional.of("acme-secret")));
  }

  @Test
  void aTeamOnTheSharedAppHasNoSigningSecret() {
    bind("acme", "TACME", null);
    assertThat(queryLong("SELECT count(*) FROM chat_installations WHERE workspace_id = 'TACME' AND signing_secret IS NULL"))
        .isEqualTo(1L);
    Optional<SlackInstallation> found = Await.result(directory().findSlackTeam("TACME"));
    assertThat(found).isPresent();
    assertThat(found.get().tenantId()).isEqualTo("acme");
    assertThat(found.get().teamId()).isEqualTo("TACME");
    assertThat(found.get().signingSecret()).isEmpty();
  }

  @Test
  void anUnknownTeamIsNotFound() {
    bind("acme", "TACME", "acme-secret");
    InstallationDirectory directory = directory();
    assertThat(Await.result(directory.findSlackTeam("TNOBODY"))).isEmpty();
    assertThat(Await.result(directory.findSlackTeam("tacme"))).isEmpty();
    assertThat(Await.result(directory.findSlackTeam(""))).isEmpty();
  }

  @Test
  void aDisabledInstallationIsNotFound() {
    bind("acme", "TACME", "acme-secret");
    assertThat(Await.result(directory().findSlackTeam("TACME"))).isPresent();
    TestDatabase.execute(url, "UPDATE chat_installations SET enabled = false WHERE workspace_id = 'TACME'");
    assertThat(Await.result(directory().findSlackTeam("TACME"))).isEmpty();
  }

  @Test
  void aSuspendedTenantsTeamIsNotFound() {
    bind("acme", "TACME", "acme-secret");
    bind("globex", "TGLOBEX", "globex-secret");
    assertThat(Await.result(directory().findSlackTeam("TACME"))).isPresent();
    TestDatabase.execute(url, "UPDATE tenants SET status = 'suspended' WHERE id = 'acme'");
    InstallationDirectory fresh = directory();
    assertThat(Await.result(fresh.findSlackTeam("TACME"))).isEmpty();
    assertThat(Await.result(fresh.findSlackTeam("TGLOBEX")))
        .map(SlackInstallation::tenantId).contains("globex");
  }

  @Test
  void theCacheAnswersARepeatedLookupUntilEvicted() {
    bind("acme", "TACME", "old-secret");
    InstallationDirectory directory = directory();
    assertThat(Await.result(directory.findSlackTeam("TACME")))
        .flatMap(SlackInstallation::signingSecret).contains("old-secret");

    TestDatabase.execute(url, "UPDATE chat_installations SET signing_secret = 'new-secret' WHERE workspace_id = 'TACME'");
    assertThat(Await.result(directory.findSlackTeam("TACME")))
        .as("within the TTL the cached answer is served, the database is not asked")
        .flatMap(SlackInstallation::signingSecret).contains("old-secret");
    assertThat(Await.result(directory().findSlackTeam("TACME")))
        .as("a directory without that cache entry sees the database")
        .flatMap(SlackInstallation::signingSecret).contains("new-secret");

    directory.evictSlackTeam("TACME");
    assertThat(Await.result(directory.findSlackTeam("TACME")))
        .flatMap(SlackInstallation::signingSecret).contains("new-secret");
  }

  @Test
  void theCacheAlsoAnswersForMissesUntilEvicted() {
    InstallationDirectory directory = directory();
    assertThat(Await.result(directory.findSlackTeam("TLATE"))).isEmpty();
    bind("acme", "TLATE", "late-secret");
    assertThat(Await.result(directory.findSlackTeam("TLATE"))).isEmpty();
    directory.evictSlackTeam("TLATE");
    assertThat(Await.result(directory.findSlackTeam("TLATE"))).map(SlackInstallation::tenantId).contains("acme");
  }

  @Test
  void theCacheForgetsAnswersAfterItsTtl() {
    bind("acme", "TACME", "old-secret");
    InstallationDirectory directory = new InstallationDirectory(pool, Duration.ofMillis(200));
    assertThat(Await.result(directory.findSlackTeam("TACME"))).flatMap(SlackInstallation::signingSecret).contains("old-secret");
    TestDatabase.execute(url, "UPDATE chat_installations SET signing_secret = 'new-secret' WHERE workspace_id = 'TACME'");
    Await.until("the cached answer expires", () ->
        Await.result(directory.findSlackTeam("TACME")).flatMap(SlackInstallation::signingSecret)
            .equals(Optional.of("new-secret")));
  }

  @Test
  void eachTenantsTeamResolvesToItsOwnTenant() {
    bind("acme", "TACME", "acme-secret");
    bind("acme", "TACME2", null);
    bind("globex", "TGLOBEX", "globex-secret");
    InstallationDirectory directory = directory();
    assertThat(Await.result(directory.findSlackTeam("TACME")))
        .contains(new SlackInstallation("acme", "TACME", Optional.of("acme-secret")));
    assertThat(Await.result(directory.findSlackTeam("TACME2")))
        .contains(new SlackInstallation("acme", "TACME2", Optional.empty()));
    assertThat(Await.result(directory.findSlackTeam("TGLOBEX")))
        .contains(new SlackInstallation("globex", "TGLOBEX", Optional.of("globex-secret")));
  }

  @Test
  void bindingATeamAlreadyBoundToAnotherTenantIsRefusedAndChangesNothing() {
    bind("acme", "TACME", "acme-secret");
    assertThatThrownBy(() -> bind("globex", "TACME", "globex-secret"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TACME")
        .hasMessageContaining("already bound");
    assertThat(queryLong("SELECT count(*) FROM chat_installations")).isEqualTo(1L);
    assertThat(queryString("SELECT tenant_id || '/' || signing_secret FROM chat_installations WHERE workspace_id = 'TACME'"))
        .isEqualTo("acme/acme-secret");
    assertThat(Await.result(directory().findSlackTeam("TACME")))
        .contains(new SlackInstallation("acme", "TACME", Optional.of("acme-secret")));
  }

  @Test
  void rebindingATeamToItsOwnTenantReplacesTheSecret() {
    bind("acme", "TACME", "first");
    bind("acme", "TACME", "second");
    assertThat(queryLong("SELECT count(*) FROM chat_installations")).isEqualTo(1L);
    assertThat(Await.result(directory().findSlackTeam("TACME")))
        .contains(new SlackInstallation("acme", "TACME", Optional.of("second")));
  }

  @Test
  void toStringDoesNotRevealTheSigningSecret() {
    SlackInstallation installation = new SlackInstallation("acme", "TACME", Optional.of("very-secret-value"));
    assertThat(installation.toString()).contains("acme").contains("TACME").doesNotContain("very-secret-value");
  }

  private InstallationDirectory directory() {
    return new InstallationDirectory(pool, LONG_TTL);
  }

  private void bind(String tenantId, String teamId, String secret) {
    Await.result(Tenants.bindSlackTeam(pool, tenantId, teamId, secret));
  }

  private long queryLong(String sql) {
    return Await.result(pool.query(sql).execute().map(rows -> rows.iterator().next().getLong(0)));
  }

  private String queryString(String sql) {
    return Await.result(pool.query(sql).execute().map(rows -> rows.iterator().next().getString(0)));
  }
}

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
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstallationDirectoryTest {

  /** Long enough that nothing expires while a test runs. */
  private static final Duration LONG_TTL = Duration.ofMinutes(10);

  private Vertx vertx;
  private DatabaseUrl url;
  private Pool pool;
  private SecretStore store;
  private SlackSigningSecrets signingSecrets;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    store = new LocalSecretStore(pool, MasterKey.generate());
    signingSecrets = new SlackSigningSecrets(store);
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
  void aBoundTeamIsFoundWithItsTenantAndTheSigningSecretFromItsStore() {
    bind("acme", "TACME", "acme-secret");
    Optional<SlackInstallation> found = Await.result(directory().findSlackTeam("TACME"));
    assertThat(found).contains(SlackInstallation.ownApp("acme", "TACME", Optional.of("acme-secret")));
    assertThat(queryLong("SELECT count(*) FROM chat_installations WHERE workspace_id = 'TACME' AND own_app "
        + "AND signing_secret IS NULL")).as("the row says own app and keeps no secret").isEqualTo(1L);
    assertThat(Await.result(store.get("acme", "slack-signing-secret.TACME"))).contains("acme-secret");
  }

  @Test
  void aTeamOnTheSharedAppHasNoSigningSecret() {
    bind("acme", "TACME", null);
    assertThat(queryLong("SELECT count(*) FROM chat_installations WHERE workspace_id = 'TACME' AND NOT own_app "
        + "AND signing_secret IS NULL")).isEqualTo(1L);
    Optional<SlackInstallation> found = Await.result(directory().findSlackTeam("TACME"));
    assertThat(found).contains(SlackInstallation.sharedApp("acme", "TACME"));
    assertThat(found.get().ownApp()).isFalse();
    assertThat(found.get().signingSecret()).isEmpty();
  }

  @Test
  void aSharedAppTeamIgnoresASecretOfThatNameInTheStore() {
    bind("acme", "TACME", null);
    Await.result(store.put("acme", SlackSigningSecrets.secretName("TACME"), "put-there-by-hand"));
    assertThat(Await.result(directory().findSlackTeam("TACME")))
        .as("only a binding makes an installation own app, not a secret's name")
        .contains(SlackInstallation.sharedApp("acme", "TACME"));
  }

  @Test
  void anOwnAppTeamIsReadFromItsOwnTenantsStoreOnly() {
    bind("acme", "TACME", "acme-secret");
    Await.result(store.delete("acme", SlackSigningSecrets.secretName("TACME")));
    Await.result(store.put("globex", SlackSigningSecrets.secretName("TACME"), "globex-planted-secret"));
    assertThat(Await.result(directory().findSlackTeam("TACME")))
        .as("found without a secret, never with another tenant's of the same name")
        .contains(SlackInstallation.ownApp("acme", "TACME", Optional.empty()));
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
    CountingStore counting = new CountingStore(store);
    InstallationDirectory directory = new InstallationDirectory(pool, new SlackSigningSecrets(counting), LONG_TTL);
    assertThat(Await.result(directory.findSlackTeam("TACME")))
        .flatMap(SlackInstallation::signingSecret).contains("old-secret");

    Await.result(signingSecrets.store("acme", "TACME", "new-secret"));
    assertThat(Await.result(directory.findSlackTeam("TACME")))
        .as("within the TTL the cached answer is served, neither the database nor the store is asked")
        .flatMap(SlackInstallation::signingSecret).contains("old-secret");
    assertThat(counting.gets.get()).isEqualTo(1);
    assertThat(Await.result(directory().findSlackTeam("TACME")))
        .as("a directory without that cache entry sees the store")
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
  void anOwnAppWithoutASecretInTheStoreIsCachedLikeAMiss() {
    bind("acme", "TACME", "acme-secret");
    Await.result(signingSecrets.delete("acme", "TACME"));
    CountingStore counting = new CountingStore(store);
    InstallationDirectory directory = new InstallationDirectory(pool, new SlackSigningSecrets(counting), LONG_TTL);
    for (int i = 0; i < 3; i++) {
      assertThat(Await.result(directory.findSlackTeam("TACME")))
          .contains(SlackInstallation.ownApp("acme", "TACME", Optional.empty()));
    }
    assertThat(counting.gets.get()).as("a flood naming the team reaches the store once").isEqualTo(1);
  }

  @Test
  void aStoreThatCannotBeReadFailsTheLookupAndNothingIsCached() {
    bind("acme", "TACME", "acme-secret");
    bind("globex", "TGLOBEX", null);
    CountingStore flaky = new CountingStore(store);
    flaky.failing.set(true);
    InstallationDirectory directory = new InstallationDirectory(pool, new SlackSigningSecrets(flaky), LONG_TTL);

    assertThat(Await.failure(directory.findSlackTeam("TACME"))).isInstanceOf(SecretStoreException.class);
    assertThat(Await.result(directory.findSlackTeam("TGLOBEX")))
        .as("a shared-app team does not need the store").contains(SlackInstallation.sharedApp("globex", "TGLOBEX"));

    flaky.failing.set(false);
    assertThat(Await.result(directory.findSlackTeam("TACME")))
        .as("the failure was not cached").flatMap(SlackInstallation::signingSecret).contains("acme-secret");
  }

  @Test
  void aStoreUnderAnotherMasterKeyFailsTheLookup() {
    bind("acme", "TACME", "acme-secret");
    InstallationDirectory other = new InstallationDirectory(pool,
        new SlackSigningSecrets(new LocalSecretStore(pool, MasterKey.generate())), LONG_TTL);
    assertThat(Await.failure(other.findSlackTeam("TACME"))).isInstanceOfSatisfying(SecretStoreException.class,
        e -> assertThat(e.reason()).isEqualTo(SecretStoreException.Reason.UNREADABLE));
  }

  @Test
  void theCacheForgetsAnswersAfterItsTtl() {
    bind("acme", "TACME", "old-secret");
    InstallationDirectory directory = new InstallationDirectory(pool, signingSecrets, Duration.ofMillis(200));
    assertThat(Await.result(directory.findSlackTeam("TACME"))).flatMap(SlackInstallation::signingSecret).contains("old-secret");
    Await.result(signingSecrets.store("acme", "TACME", "new-secret"));
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
        .contains(SlackInstallation.ownApp("acme", "TACME", Optional.of("acme-secret")));
    assertThat(Await.result(directory.findSlackTeam("TACME2")))
        .contains(SlackInstallation.sharedApp("acme", "TACME2"));
    assertThat(Await.result(directory.findSlackTeam("TGLOBEX")))
        .contains(SlackInstallation.ownApp("globex", "TGLOBEX", Optional.of("globex-secret")));
  }

  @Test
  void bindingATeamAlreadyBoundToAnotherTenantIsRefusedAndChangesNothing() {
    bind("acme", "TACME", "acme-secret");
    Await.result(signingSecrets.store("globex", "TACME", "globex-kept-secret"));
    assertThatThrownBy(() -> bind("globex", "TACME", "globex-secret"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TACME")
        .hasMessageContaining("already bound");
    assertThat(queryLong("SELECT count(*) FROM chat_installations")).isEqualTo(1L);
    assertThat(queryString("SELECT tenant_id FROM chat_installations WHERE workspace_id = 'TACME'")).isEqualTo("acme");
    assertThat(Await.result(directory().findSlackTeam("TACME")))
        .contains(SlackInstallation.ownApp("acme", "TACME", Optional.of("acme-secret")));
    assertThat(Await.result(signingSecrets.find("globex", "TACME")))
        .as("the refused binding put back what globex had kept").contains("globex-kept-secret");
  }

  @Test
  void aRefusedBindingLeavesNoSecretBehind() {
    bind("acme", "TACME", "acme-secret");
    assertThatThrownBy(() -> bind("globex", "TACME", "globex-secret")).isInstanceOf(IllegalStateException.class);
    assertThat(Await.result(signingSecrets.find("globex", "TACME"))).isEmpty();
    assertThat(Await.result(store.list("globex"))).isEmpty();
  }

  @Test
  void rebindingATeamToItsOwnTenantReplacesTheSecret() {
    bind("acme", "TACME", "first");
    bind("acme", "TACME", "second");
    assertThat(queryLong("SELECT count(*) FROM chat_installations")).isEqualTo(1L);
    assertThat(Await.result(directory().findSlackTeam("TACME")))
        .contains(SlackInstallation.ownApp("acme", "TACME", Optional.of("second")));
  }

  @Test
  void toStringDoesNotRevealTheSigningSecret() {
    SlackInstallation installation = SlackInstallation.ownApp("acme", "TACME", Optional.of("very-secret-value"));
    assertThat(installation.toString()).contains("acme").contains("TACME").doesNotContain("very-secret-value");
  }

  private InstallationDirectory directory() {
    return new InstallationDirectory(pool, signingSecrets, LONG_TTL);
  }

  /** Binds as the operator's configuration does: the own app's secret in the store, or the shared app. */
  private void bind(String tenantId, String teamId, String secret) {
    if (secret == null) {
      Await.result(Tenants.bindSlackTeam(pool, tenantId, teamId, false));
    } else {
      Await.result(signingSecrets.storedWhile(tenantId, teamId, secret,
          () -> Tenants.bindSlackTeam(pool, tenantId, teamId, true)));
    }
  }

  private long queryLong(String sql) {
    return Await.result(pool.query(sql).execute().map(rows -> rows.iterator().next().getLong(0)));
  }

  private String queryString(String sql) {
    return Await.result(pool.query(sql).execute().map(rows -> rows.iterator().next().getString(0)));
  }

  /** A store that counts reads and can be told to fail them, as an unreachable Vault does. */
  private static final class CountingStore implements SecretStore {

    final AtomicInteger gets = new AtomicInteger();
    final AtomicBoolean failing = new AtomicBoolean();
    private final SecretStore store;

    CountingStore(SecretStore store) {
      this.store = store;
    }

    @Override
    public Future<Optional<String>> get(String tenantId, String name) {
      gets.incrementAndGet();
      return failing.get()
          ? Future.failedFuture(new SecretStoreException(SecretStoreException.Reason.UNAVAILABLE, "store is down"))
          : store.get(tenantId, name);
    }

    @Override
    public Future<SecretVersion> put(String tenantId, String name, String value) {
      return store.put(tenantId, name, value);
    }

    @Override
    public Future<List<SecretVersion>> list(String tenantId) {
      return store.list(tenantId);
    }

    @Override
    public Future<Boolean> delete(String tenantId, String name) {
      return store.delete(tenantId, name);
    }
  }
}

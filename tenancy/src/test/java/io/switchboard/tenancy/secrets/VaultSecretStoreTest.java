package io.switchboard.tenancy.secrets;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.vault.VaultStandIn;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VaultSecretStoreTest extends SecretStoreContract {

  private static final String DATA = "/v1/secret/data/switchboard/tenants/";
  private static final String METADATA = "/v1/secret/metadata/switchboard/tenants/";

  private Vertx vertx;
  private VaultStandIn vault;
  private String token;
  private VaultSecretStore store;
  private final List<VaultStandIn> extraStandIns = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    vault = VaultStandIn.start("secret");
    token = vault.createToken(0, false);
    store = start(tokenSettings());
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
    vault.close();
    extraStandIns.forEach(VaultStandIn::close);
  }

  @Override
  SecretStore store() {
    return store;
  }

  @Test
  void eachTenantsSecretsLiveUnderItsOwnPath() {
    VaultSecretStore uncached = start(tokenSettings().withCacheTtl(Duration.ZERO));
    Await.result(uncached.put("acme", "db-password", "acme-password"));
    Await.result(uncached.put("globex", "db-password", "globex-password"));
    assertThat(Await.result(uncached.get("acme", "db-password"))).contains("acme-password");
    assertThat(Await.result(uncached.list("acme"))).hasSize(1);
    assertThat(Await.result(uncached.delete("acme", "db-password"))).isTrue();

    assertThat(vault.requests()).contains(
        "POST " + DATA + "acme/db-password",
        "POST " + DATA + "globex/db-password",
        "GET " + DATA + "acme/db-password",
        "GET " + METADATA + "acme?list=true",
        "GET " + METADATA + "acme/db-password",
        "DELETE " + METADATA + "acme/db-password");
    assertThat(vault.requests()).filteredOn(r -> r.contains("/acme")).noneMatch(r -> r.contains("globex"));
    assertThat(vault.latest("switchboard/tenants/globex/db-password"))
        .isEqualTo(new JsonObject().put("value", "globex-password"));
    assertThat(vault.latest("switchboard/tenants/acme/db-password")).as("deleted").isNull();
  }

  @Test
  void theMountAndPrefixAreConfigurable() {
    VaultStandIn team = VaultStandIn.start("team/kv");
    extraStandIns.add(team);
    String teamToken = team.createToken(0, false);
    VaultSettings settings = new VaultSettings(team.address() + "/", new VaultAuth.Token(teamToken), "/team/kv/",
        "sb", Duration.ZERO, VaultTls.jvmTrust());
    VaultSecretStore custom = start(settings);
    assertThat(Await.result(custom.put("acme", "x", "value-x")).version()).isEqualTo(1);
    assertThat(Await.result(custom.get("acme", "x"))).contains("value-x");
    assertThat(Await.result(custom.list("acme"))).extracting(SecretVersion::name).containsExactly("x");

    VaultSecretStore noPrefix = start(settings.withPaths("team/kv", "/"));
    Await.result(noPrefix.put("acme", "y", "value-y"));
    assertThat(team.requests()).contains("POST /v1/team/kv/data/sb/acme/x", "GET /v1/team/kv/data/sb/acme/x",
        "GET /v1/team/kv/metadata/sb/acme?list=true", "POST /v1/team/kv/data/acme/y");
  }

  @Test
  void appRoleLogsInOnceAndUsesItsToken() {
    vault.enableAppRole("role-1", "secret-id-1", 3600, true);
    VaultSecretStore appRole = start(appRoleSettings("role-1", "secret-id-1"));
    Await.result(appRole.put("acme", "db-password", "acme-password"));
    assertThat(Await.result(appRole.get("acme", "db-password"))).contains("acme-password");
    assertThat(Await.result(appRole.list("acme"))).extracting(SecretVersion::version).containsExactly(1L);
    assertThat(vault.logins()).isEqualTo(1);
    assertThat(vault.requests()).contains("POST /v1/auth/approle/login");
  }

  @Test
  void wrongCredentialsFailTheStartWithoutShowingThem() {
    vault.enableAppRole("role-1", "secret-id-1", 3600, true);
    assertThatThrownBy(() -> start(appRoleSettings("role-1", "wrong-secret-id")))
        .isInstanceOf(SecretStoreException.class)
        .satisfies(e -> assertThat(((SecretStoreException) e).reason()).isEqualTo(SecretStoreException.Reason.DENIED))
        .hasMessageContaining("AppRole login").hasMessageContaining("HTTP 400")
        .message().doesNotContain("wrong-secret-id").doesNotContain("role-1");

    assertThatThrownBy(() -> start(VaultSettings.of(vault.address(), new VaultAuth.Token("hvs.not-a-known-token"))))
        .isInstanceOf(SecretStoreException.class)
        .hasMessageContaining("refused the token").hasMessageContaining("403")
        .message().doesNotContain("hvs.not-a-known-token");
  }

  @Test
  void anUnreachableVaultFailsTheStartClearly() {
    VaultStandIn gone = VaultStandIn.start("secret");
    String address = gone.address();
    String goneToken = gone.createToken(0, false);
    gone.close();
    assertThatThrownBy(() -> start(VaultSettings.of(address, new VaultAuth.Token(goneToken))))
        .isInstanceOf(SecretStoreException.class)
        .hasMessageContaining("cannot reach Vault at " + address + " while authenticating")
        .message().doesNotContain(goneToken);
  }

  @Test
  void aMissingSecretIsEmptyNotAnError() {
    assertThat(Await.result(store.get("acme", "nothing-here"))).isEmpty();
    assertThat(vault.count("GET " + DATA + "acme/nothing-here")).isEqualTo(1);
  }

  @Test
  void readsAreCachedUntilTheTtlEnds() {
    VaultSecretStore cached = start(tokenSettings().withCacheTtl(Duration.ofMillis(700)));
    vault.write("switchboard/tenants/acme/db-password", new JsonObject().put("value", "first-value"));
    String read = "GET " + DATA + "acme/db-password";

    assertThat(Await.result(cached.get("acme", "db-password"))).contains("first-value");
    assertThat(Await.result(cached.get("acme", "db-password"))).contains("first-value");
    assertThat(Await.result(cached.get("globex", "db-password"))).as("cached per tenant").isEmpty();
    assertThat(vault.count(read)).as("the second read came from the cache").isEqualTo(1);

    // another node writes; this node sees it once the entry expires
    vault.write("switchboard/tenants/acme/db-password", new JsonObject().put("value", "second-value"));
    assertThat(Await.result(cached.get("acme", "db-password"))).contains("first-value");
    Await.until("the cache entry expires", () -> Await.result(cached.get("acme", "db-password")).equals(Optional.of("second-value")));
    assertThat(vault.count(read)).isEqualTo(2);

    assertThat(Await.result(cached.get("acme", "missing"))).isEmpty();
    assertThat(Await.result(cached.get("acme", "missing"))).isEmpty();
    assertThat(vault.count("GET " + DATA + "acme/missing")).as("misses are cached too").isEqualTo(1);
  }

  @Test
  void putAndDeleteUpdateTheCacheAtOnce() {
    VaultSecretStore cached = start(tokenSettings().withCacheTtl(Duration.ofHours(1)));
    assertThat(Await.result(cached.get("acme", "db-password"))).isEmpty();
    Await.result(cached.put("acme", "db-password", "new-value"));
    assertThat(Await.result(cached.get("acme", "db-password"))).contains("new-value");
    Await.result(cached.put("acme", "db-password", "newer-value"));
    assertThat(Await.result(cached.get("acme", "db-password"))).contains("newer-value");
    assertThat(Await.result(cached.delete("acme", "db-password"))).isTrue();
    assertThat(Await.result(cached.get("acme", "db-password"))).isEmpty();
    assertThat(vault.latest("switchboard/tenants/acme/db-password")).isNull();
  }

  @Test
  void aRenewableTokenIsRenewedBeforeItExpires() {
    vault.enableAppRole("role-1", "secret-id-1", 2, true);
    VaultSecretStore appRole = start(appRoleSettings("role-1", "secret-id-1"));
    Await.result(appRole.put("acme", "db-password", "acme-password"));
    Await.until("two renewals", () -> vault.renewals() >= 2);
    // more than the 2 s lease has passed since the login: only renewal kept the token alive
    assertThat(Await.result(appRole.list("acme"))).hasSize(1);
    assertThat(vault.logins()).as("renewed, not replaced by new logins").isEqualTo(1);

    // an operator's token (no re-login possible) lives past its first TTL only by renewal
    String renewable = vault.createToken(2, true);
    VaultSecretStore byToken = start(VaultSettings.of(vault.address(), new VaultAuth.Token(renewable)).withCacheTtl(Duration.ZERO));
    long renewalsBefore = vault.renewals();
    Await.until("the token is renewed", () -> vault.renewals() > renewalsBefore);
    sleep(2500);
    assertThat(Await.result(byToken.get("acme", "db-password"))).contains("acme-password");
    assertThat(vault.requests()).contains("GET /v1/auth/token/lookup-self", "POST /v1/auth/token/renew-self");
  }

  @Test
  void aNonRenewableAppRoleTokenIsReplacedByANewLogin() {
    vault.enableAppRole("role-1", "secret-id-1", 1, false);
    VaultSecretStore appRole = start(appRoleSettings("role-1", "secret-id-1"));
    Await.until("two more logins", () -> vault.logins() >= 3);
    assertThat(vault.renewals()).isZero();
    assertThat(Await.result(appRole.put("acme", "db-password", "acme-password")).version()).isEqualTo(1);
  }

  @Test
  void aRefusedAppRoleTokenLeadsToOneNewLogin() {
    vault.enableAppRole("role-1", "secret-id-1", 3600, true);
    VaultSecretStore appRole = start(appRoleSettings("role-1", "secret-id-1").withCacheTtl(Duration.ZERO));
    Await.result(appRole.put("acme", "db-password", "acme-password"));

    vault.revokeAllTokens();
    assertThat(Await.result(appRole.get("acme", "db-password"))).contains("acme-password");
    assertThat(vault.logins()).isEqualTo(2);

    // when the new login is refused too, the call fails: one retry, not a loop
    vault.revokeAllTokens();
    vault.enableAppRole("role-1", "rotated-secret-id", 3600, true);
    assertThatThrownBy(() -> Await.result(appRole.get("acme", "db-password")))
        .isInstanceOf(SecretStoreException.class)
        .satisfies(e -> assertThat(((SecretStoreException) e).reason()).isEqualTo(SecretStoreException.Reason.DENIED))
        .message().doesNotContain("secret-id-1").doesNotContain("acme-password");
    assertThat(vault.logins()).isEqualTo(2);
  }

  @Test
  void aRefusedOperatorTokenFailsClearly() {
    Await.result(store.put("acme", "db-password", "acme-password"));
    vault.revokeAllTokens();
    assertThatThrownBy(() -> Await.result(store.get("acme", "other")))
        .isInstanceOf(SecretStoreException.class)
        .satisfies(e -> assertThat(((SecretStoreException) e).reason()).isEqualTo(SecretStoreException.Reason.DENIED))
        .hasMessageContaining("HTTP 403").hasMessageContaining("reading secret 'other' of tenant 'acme'")
        .message().doesNotContain(token);
    assertThatThrownBy(() -> Await.result(store.delete("acme", "db-password")))
        .isInstanceOf(SecretStoreException.class).hasMessageContaining("403");
  }

  @Test
  void vaultCallsNeverBlockTheEventLoop() throws Exception {
    Await.result(store.put("acme", "db-password", "acme-password"));
    VaultSecretStore uncached = start(tokenSettings().withCacheTtl(Duration.ZERO));
    Context eventLoop = vertx.getOrCreateContext();
    assertThat(eventLoop.isEventLoopContext()).isTrue();
    CountDownLatch arrived = vault.holdNextRead();
    CompletableFuture<Optional<String>> result = new CompletableFuture<>();
    CompletableFuture<Boolean> completedOnEventLoop = new CompletableFuture<>();
    try {
      eventLoop.runOnContext(v -> uncached.get("acme", "db-password").onComplete(read -> {
        completedOnEventLoop.complete(Context.isOnEventLoopThread());
        if (read.succeeded()) {
          result.complete(read.result());
        } else {
          result.completeExceptionally(read.cause());
        }
      }));
      assertThat(arrived.await(10, TimeUnit.SECONDS)).as("the read reached Vault").isTrue();

      // Vault is holding the read; the event loop that issued it must still run other work
      CompletableFuture<Boolean> ranMeanwhile = new CompletableFuture<>();
      eventLoop.runOnContext(v -> ranMeanwhile.complete(Context.isOnEventLoopThread()));
      try {
        assertThat(ranMeanwhile.get(2, TimeUnit.SECONDS)).isTrue();
      } catch (TimeoutException e) {
        throw new AssertionError("the event loop was blocked while Vault held the read", e);
      }
      assertThat(result).isNotDone();
    } finally {
      vault.releaseRead();
    }
    assertThat(result.get(10, TimeUnit.SECONDS)).contains("acme-password");
    assertThat(completedOnEventLoop.get()).as("the answer comes back on the caller's event loop").isTrue();
  }

  @Test
  void errorsNeverShowTheTokenTheValueOrVaultsAnswer() {
    vault.failNextKvRequestWith(500);
    Throwable put = catchFailure(() -> Await.result(store.put("acme", "db-password", "the-secret-value")));
    assertThat(put).isInstanceOf(SecretStoreException.class)
        .hasMessageContaining("HTTP 500").hasMessageContaining("writing secret 'db-password' of tenant 'acme'");
    assertThat(((SecretStoreException) put).reason()).isEqualTo(SecretStoreException.Reason.UNAVAILABLE);

    vault.failNextKvRequestWith(502);
    Throwable list = catchFailure(() -> Await.result(store.list("acme")));
    assertThat(list).hasMessageContaining("HTTP 502");

    Await.result(store.put("acme", "db-password", "the-secret-value"));
    vault.failNextKvRequestWith(503);
    Throwable delete = catchFailure(() -> Await.result(store.delete("acme", "db-password")));
    assertThat(delete).hasMessageContaining("HTTP 503");

    vault.close();
    Throwable unreachable = catchFailure(() -> Await.result(store.put("acme", "db-password", "the-secret-value")));
    assertThat(unreachable).isInstanceOf(SecretStoreException.class)
        .hasMessageContaining("cannot reach Vault at " + vault.address());

    for (Throwable failure : List.of(put, list, delete, unreachable)) {
      StringWriter trace = new StringWriter();
      failure.printStackTrace(new PrintWriter(trace));
      assertThat(trace.toString()).doesNotContain(token).doesNotContain("the-secret-value")
          .doesNotContain("internal error; request token");
    }
  }

  @Test
  void anEntryWithoutAValueFieldIsReportedNotGuessed() {
    vault.write("switchboard/tenants/acme/foreign", new JsonObject().put("password", "foreign-value"));
    assertThatThrownBy(() -> Await.result(store.get("acme", "foreign")))
        .isInstanceOf(SecretStoreException.class)
        .hasMessageContaining("no field 'value'")
        .message().doesNotContain("foreign-value");
  }

  @Test
  void aClosedStoreRefusesCalls() {
    VaultSecretStore closing = start(tokenSettings());
    Await.result(closing.close());
    assertThatThrownBy(() -> Await.result(closing.put("acme", "db-password", "value-1")))
        .isInstanceOf(SecretStoreException.class).hasMessageContaining("closed");
  }

  private VaultSettings tokenSettings() {
    return VaultSettings.of(vault.address(), new VaultAuth.Token(token));
  }

  private VaultSettings appRoleSettings(String roleId, String secretId) {
    return VaultSettings.of(vault.address(), new VaultAuth.AppRole(roleId, secretId));
  }

  private VaultSecretStore start(VaultSettings settings) {
    return Await.result(VaultSecretStore.start(vertx, settings));
  }

  private static Throwable catchFailure(Runnable call) {
    try {
      call.run();
    } catch (Throwable e) {
      return e;
    }
    throw new AssertionError("expected a failure");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

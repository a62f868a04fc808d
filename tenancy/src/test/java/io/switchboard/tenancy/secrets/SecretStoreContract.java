package io.switchboard.tenancy.secrets;

import io.switchboard.testkit.Await;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link SecretStore} promises, run against each implementation. Subclasses provide a
 * store in which the tenants {@code acme} and {@code globex} exist.
 */
abstract class SecretStoreContract {

  /** A store for this test, with tenants acme and globex. */
  abstract SecretStore store();

  @Test
  void aStoredSecretCanBeReadBack() {
    SecretVersion written = Await.result(store().put("acme", "db-password", "s3cr3t-välue ✓"));
    assertThat(written.name()).isEqualTo("db-password");
    assertThat(written.version()).isEqualTo(1);
    assertThat(written.updatedAt()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(60));
    assertThat(Await.result(store().get("acme", "db-password"))).contains("s3cr3t-välue ✓");
  }

  @Test
  void eachPutMakesAHigherVersionAndGetAnswersTheLatest() {
    long first = Await.result(store().put("acme", "api.key", "value-one")).version();
    long second = Await.result(store().put("acme", "api.key", "value-two")).version();
    long third = Await.result(store().put("acme", "api.key", "value-three")).version();
    assertThat(List.of(first, second, third)).containsExactly(1L, 2L, 3L);
    assertThat(Await.result(store().get("acme", "api.key"))).contains("value-three");
  }

  @Test
  void aMissingSecretIsEmpty() {
    assertThat(Await.result(store().get("acme", "never-stored"))).isEmpty();
    assertThat(Await.result(store().list("acme"))).isEmpty();
  }

  @Test
  void listShowsNamesAndLatestVersionsButNoValues() {
    Await.result(store().put("acme", "zeta", "zeta-value-1"));
    Await.result(store().put("acme", "alpha", "alpha-value-1"));
    Await.result(store().put("acme", "alpha", "alpha-value-2"));
    List<SecretVersion> listed = Await.result(store().list("acme"));
    assertThat(listed).extracting(SecretVersion::name).containsExactly("alpha", "zeta");
    assertThat(listed).extracting(SecretVersion::version).containsExactly(2L, 1L);
    assertThat(listed.toString()).doesNotContain("value");
  }

  @Test
  void deleteRemovesTheSecret() {
    Await.result(store().put("acme", "token", "token-value"));
    Await.result(store().put("acme", "other", "other-value"));
    assertThat(Await.result(store().delete("acme", "token"))).isTrue();
    assertThat(Await.result(store().get("acme", "token"))).isEmpty();
    assertThat(Await.result(store().list("acme"))).extracting(SecretVersion::name).containsExactly("other");
    assertThat(Await.result(store().delete("acme", "token"))).as("nothing left to delete").isFalse();
    assertThat(Await.result(store().get("acme", "other"))).contains("other-value");
  }

  @Test
  void tenantsNeverSeeOrChangeEachOthersSecrets() {
    Await.result(store().put("acme", "db-password", "acme-password"));
    Await.result(store().put("acme", "acme-only", "acme-only-value"));

    assertThat(Await.result(store().get("globex", "db-password"))).as("read across tenants").isEmpty();
    assertThat(Await.result(store().list("globex"))).as("list across tenants").isEmpty();
    assertThat(Await.result(store().delete("globex", "db-password"))).as("delete across tenants").isFalse();

    SecretVersion globex = Await.result(store().put("globex", "db-password", "globex-password"));
    assertThat(globex.version()).as("a same-named secret of another tenant is a new secret").isEqualTo(1);
    assertThat(Await.result(store().get("acme", "db-password"))).contains("acme-password");
    assertThat(Await.result(store().get("globex", "db-password"))).contains("globex-password");
    assertThat(Await.result(store().list("globex"))).extracting(SecretVersion::name).containsExactly("db-password");
    assertThat(Await.result(store().list("acme"))).extracting(SecretVersion::name)
        .containsExactly("acme-only", "db-password");

    assertThat(Await.result(store().delete("globex", "db-password"))).isTrue();
    assertThat(Await.result(store().get("acme", "db-password"))).contains("acme-password");
    assertThat(Await.result(store().put("acme", "db-password", "acme-password-2")).version()).isEqualTo(2);
  }

  @Test
  void badNamesAndTenantIdsAreRefusedWithoutEchoingThem() {
    for (String name : new String[] {"", "a/b", "../globex/db", "a..b", ".hidden", "-dash", "white space",
        "ünïcode", "x".repeat(129), "name\nnewline"}) {
      assertThatThrownBy(() -> Await.result(store().put("acme", name, "value-1")))
          .as("put %s", name).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret name");
      assertThatThrownBy(() -> Await.result(store().get("acme", name)))
          .as("get %s", name).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret name");
      assertThatThrownBy(() -> Await.result(store().delete("acme", name)))
          .as("delete %s", name).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret name");
    }
    assertThatThrownBy(() -> Await.result(store().put("acme", "a/b", "value-1")))
        .message().doesNotContain("a/b");
    for (String tenant : new String[] {"", "../globex", "acme/x", "ACME", "globex/../acme"}) {
      assertThatThrownBy(() -> Await.result(store().get(tenant, "db")))
          .as("tenant %s", tenant).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant id");
      assertThatThrownBy(() -> Await.result(store().list(tenant)))
          .as("tenant %s", tenant).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant id");
    }
    assertThat(Await.result(store().list("acme"))).isEmpty();
    assertThat(Await.result(store().put("acme", "A-valid_name.2", "value-1")).version()).isEqualTo(1);
    assertThat(Await.result(store().put("acme", "x".repeat(128), "value-1")).version()).isEqualTo(1);
  }

  @Test
  void valuesAreCappedAt64KiBOfUtf8() {
    String largest = "v".repeat(SecretNames.MAX_VALUE_BYTES);
    Await.result(store().put("acme", "large", largest));
    assertThat(Await.result(store().get("acme", "large"))).contains(largest);

    assertThatThrownBy(() -> Await.result(store().put("acme", "large", largest + "v")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65537 bytes").hasMessageContaining("64 KiB");
    String multibyte = "é".repeat(SecretNames.MAX_VALUE_BYTES / 2 + 1);
    assertThatThrownBy(() -> Await.result(store().put("acme", "large", multibyte)))
        .as("the cap counts UTF-8 bytes, not characters").isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Await.result(store().put("acme", "empty", "")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> Await.result(store().put("acme", "empty", null)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Await.result(store().get("acme", "large"))).as("refused puts change nothing").contains(largest);
    assertThat(Await.result(store().get("acme", "empty"))).isEqualTo(Optional.empty());
  }
}

package io.switchboard.tenancy.secrets;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretStoreSettingsTest {

  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

  @Test
  void theDefaultIsTheLocalStoreWithTheKeyFile() {
    SecretStoreSettings settings = SecretStoreSettings.fromEnv(Map.of());
    assertThat(settings.backend()).isEqualTo(SecretStoreSettings.Backend.LOCAL);
    assertThat(settings.masterKey()).isEmpty();
    assertThat(settings.vault()).isEmpty();
    assertThat(settings).isEqualTo(SecretStoreSettings.local());
  }

  @Test
  void previousMasterKeysAreCheckedAtOnceAndNeedTheCurrentOne() {
    String old = Base64.getEncoder().encodeToString("an-earlier-master-key-of-32bytes".getBytes());
    SecretStoreSettings rotating = SecretStoreSettings.fromEnv(Map.of("SWITCHBOARD_MASTER_KEY", KEY,
        "SWITCHBOARD_MASTER_KEY_PREVIOUS", old + ", "));
    assertThat(rotating.previousMasterKeys()).singleElement()
        .satisfies(key -> assertThat(key.id()).isEqualTo(MasterKey.fromBase64(old).id()));
    assertThat(rotating.ring(rotating.masterKey().orElseThrow()).byId(MasterKey.fromBase64(old).id())).isPresent();
    assertThatThrownBy(() -> SecretStoreSettings.fromEnv(Map.of("SWITCHBOARD_MASTER_KEY_PREVIOUS", old)))
        .hasMessageContaining("SWITCHBOARD_MASTER_KEY_PREVIOUS is set but SWITCHBOARD_MASTER_KEY is not");
    assertThatThrownBy(() -> SecretStoreSettings.fromEnv(Map.of("SWITCHBOARD_MASTER_KEY", KEY,
        "SWITCHBOARD_MASTER_KEY_PREVIOUS", KEY))).hasMessageContaining("holds the current master key");
    assertThatThrownBy(() -> SecretStoreSettings.fromEnv(Map.of("SWITCHBOARD_MASTER_KEY", KEY,
        "SWITCHBOARD_MASTER_KEY_PREVIOUS", "c2hvcnQ="))).hasMessageContaining("SWITCHBOARD_MASTER_KEY_PREVIOUS")
        .hasMessageNotContaining("c2hvcnQ=");
  }

  @Test
  void aGivenMasterKeyIsCheckedAtOnce() {
    assertThat(SecretStoreSettings.fromEnv(Map.of("SWITCHBOARD_MASTER_KEY", KEY)).masterKey())
        .hasValueSatisfying(key -> assertThat(key.id()).isEqualTo(MasterKey.fromBase64(KEY).id()));
    assertThatThrownBy(() -> SecretStoreSettings.fromEnv(Map.of("SWITCHBOARD_MASTER_KEY", "c2hvcnQ=")))
        .hasMessageContaining("SWITCHBOARD_MASTER_KEY").hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> SecretStoreSettings.fromEnv(Map.of("SWITCHBOARD_MASTER_KEY", "not base64!")))
        .hasMessageContaining("SWITCHBOARD_MASTER_KEY is not valid base64");
  }

  @Test
  void vaultWithATokenAndDefaults() {
    SecretStoreSettings settings = SecretStoreSettings.fromEnv(Map.of(
        "SWITCHBOARD_SECRET_STORE", "vault",
        "SWITCHBOARD_VAULT_ADDR", "https://vault.example.com:8200/",
        "SWITCHBOARD_VAULT_TOKEN", "hvs.operator-token"));
    assertThat(settings.backend()).isEqualTo(SecretStoreSettings.Backend.VAULT);
    VaultSettings vault = settings.vault().orElseThrow();
    assertThat(vault.address()).isEqualTo("https://vault.example.com:8200");
    assertThat(vault.auth()).isEqualTo(new VaultAuth.Token("hvs.operator-token"));
    assertThat(vault.kvMount()).isEqualTo("secret");
    assertThat(vault.pathPrefix()).isEqualTo("switchboard/tenants");
    assertThat(vault.cacheTtl()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void vaultWithAppRoleAndEverythingSet() {
    SecretStoreSettings settings = SecretStoreSettings.fromEnv(Map.of(
        "SWITCHBOARD_SECRET_STORE", "VAULT",
        "SWITCHBOARD_VAULT_ADDR", "http://127.0.0.1:8200",
        "SWITCHBOARD_VAULT_ROLE_ID", "role-id-1",
        "SWITCHBOARD_VAULT_SECRET_ID", "secret-id-1",
        "SWITCHBOARD_VAULT_KV_MOUNT", "/kv/team/",
        "SWITCHBOARD_VAULT_PATH_PREFIX", "/",
        "SWITCHBOARD_VAULT_CACHE_SECONDS", "0"));
    VaultSettings vault = settings.vault().orElseThrow();
    assertThat(vault.auth()).isEqualTo(new VaultAuth.AppRole("role-id-1", "secret-id-1"));
    assertThat(vault.kvMount()).isEqualTo("kv/team");
    assertThat(vault.pathPrefix()).isEmpty();
    assertThat(vault.cacheTtl()).isZero();
  }

  @Test
  void badOrMissingValuesNameTheirVariable() {
    Map<String, String> vault = Map.of("SWITCHBOARD_SECRET_STORE", "vault", "SWITCHBOARD_VAULT_TOKEN", "t");
    assertRefused(Map.of("SWITCHBOARD_SECRET_STORE", "s3"), "SWITCHBOARD_SECRET_STORE must be 'local' or 'vault'");
    assertRefused(vault, "SWITCHBOARD_VAULT_ADDR is required");
    assertRefused(with(vault, "SWITCHBOARD_VAULT_ADDR", "vault.example.com"), "SWITCHBOARD_VAULT_ADDR must be an http");
    assertRefused(with(vault, "SWITCHBOARD_VAULT_ADDR", "ftp://vault"), "SWITCHBOARD_VAULT_ADDR must be an http");
    assertRefused(with(vault, "SWITCHBOARD_VAULT_ADDR", "https://user:pw@vault"), "SWITCHBOARD_VAULT_ADDR must not contain credentials");

    Map<String, String> addr = Map.of("SWITCHBOARD_SECRET_STORE", "vault", "SWITCHBOARD_VAULT_ADDR", "https://vault");
    assertRefused(addr, "needs SWITCHBOARD_VAULT_TOKEN, or SWITCHBOARD_VAULT_ROLE_ID and SWITCHBOARD_VAULT_SECRET_ID");
    assertRefused(with(addr, "SWITCHBOARD_VAULT_ROLE_ID", "r"), "SWITCHBOARD_VAULT_SECRET_ID is required with SWITCHBOARD_VAULT_ROLE_ID");
    assertRefused(with(addr, "SWITCHBOARD_VAULT_SECRET_ID", "s"), "SWITCHBOARD_VAULT_ROLE_ID is required with SWITCHBOARD_VAULT_SECRET_ID");
    assertRefused(with(with(addr, "SWITCHBOARD_VAULT_TOKEN", "t"), "SWITCHBOARD_VAULT_ROLE_ID", "r"), "not both");

    Map<String, String> ok = with(addr, "SWITCHBOARD_VAULT_TOKEN", "t");
    assertRefused(with(ok, "SWITCHBOARD_VAULT_KV_MOUNT", "secret/../sys"), "SWITCHBOARD_VAULT_KV_MOUNT must be path segments");
    assertRefused(with(ok, "SWITCHBOARD_VAULT_KV_MOUNT", "/"), "SWITCHBOARD_VAULT_KV_MOUNT must not be empty");
    assertRefused(with(ok, "SWITCHBOARD_VAULT_PATH_PREFIX", "a//b"), "SWITCHBOARD_VAULT_PATH_PREFIX must be path segments");
    assertRefused(with(ok, "SWITCHBOARD_VAULT_PATH_PREFIX", "tenants/?x"), "SWITCHBOARD_VAULT_PATH_PREFIX must be path segments");
    assertRefused(with(ok, "SWITCHBOARD_VAULT_CACHE_SECONDS", "-1"), "SWITCHBOARD_VAULT_CACHE_SECONDS must be a whole number");
    assertRefused(with(ok, "SWITCHBOARD_VAULT_CACHE_SECONDS", "10s"), "SWITCHBOARD_VAULT_CACHE_SECONDS must be a whole number");

    assertRefused(Map.of("SWITCHBOARD_VAULT_ADDR", "https://vault"), "SWITCHBOARD_VAULT_ADDR is set but SWITCHBOARD_SECRET_STORE is 'local'");
  }

  @Test
  void nodesSharingADatabaseMustShareTheMasterKey() {
    String database = "postgresql://switchboard:pw@db:5432/switchboard";
    assertRefused(Map.of("SWITCHBOARD_DATABASE_URL", database),
        "SWITCHBOARD_MASTER_KEY is required when SWITCHBOARD_DATABASE_URL is set");
    assertThat(SecretStoreSettings.fromEnv(Map.of("SWITCHBOARD_DATABASE_URL", database, "SWITCHBOARD_MASTER_KEY", KEY))
        .masterKey()).isPresent();
    assertThat(SecretStoreSettings.fromEnv(Map.of("SWITCHBOARD_DATABASE_URL", database, "SWITCHBOARD_SECRET_STORE", "vault",
        "SWITCHBOARD_VAULT_ADDR", "https://vault", "SWITCHBOARD_VAULT_TOKEN", "t")).backend())
        .isEqualTo(SecretStoreSettings.Backend.VAULT);
  }

  @Test
  void toStringNeverShowsAKeyATokenOrASecretId() {
    String masterKey = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    String printed = SecretStoreSettings.fromEnv(Map.of(
        "SWITCHBOARD_SECRET_STORE", "vault",
        "SWITCHBOARD_MASTER_KEY", masterKey,
        "SWITCHBOARD_VAULT_ADDR", "https://vault",
        "SWITCHBOARD_VAULT_ROLE_ID", "role-id-value",
        "SWITCHBOARD_VAULT_SECRET_ID", "secret-id-value")).toString();
    assertThat(printed).contains("https://vault").contains("redacted")
        .doesNotContain(masterKey).doesNotContain("0123456789abcdef")
        .doesNotContain("role-id-value").doesNotContain("secret-id-value");
    String withToken = SecretStoreSettings.fromEnv(Map.of(
        "SWITCHBOARD_SECRET_STORE", "vault", "SWITCHBOARD_VAULT_ADDR", "https://vault",
        "SWITCHBOARD_VAULT_TOKEN", "hvs.token-value")).toString();
    assertThat(withToken).doesNotContain("hvs.token-value");
  }

  private static void assertRefused(Map<String, String> env, String message) {
    assertThatThrownBy(() -> SecretStoreSettings.fromEnv(env)).as("%s", env)
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  private static Map<String, String> with(Map<String, String> env, String name, String value) {
    Map<String, String> copy = new HashMap<>(env);
    copy.put(name, value);
    return copy;
  }
}

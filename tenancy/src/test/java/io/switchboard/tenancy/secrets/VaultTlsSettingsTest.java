package io.switchboard.tenancy.secrets;

import io.switchboard.testkit.TestTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code SWITCHBOARD_VAULT_CACERT} and {@code SWITCHBOARD_VAULT_SKIP_VERIFY}, checked once at start-up. */
class VaultTlsSettingsTest {

  private static final TestTls PKI = TestTls.shared();
  private static final Map<String, String> VAULT = Map.of("SWITCHBOARD_SECRET_STORE", "vault",
      "SWITCHBOARD_VAULT_ADDR", "https://vault.example.com:8200", "SWITCHBOARD_VAULT_TOKEN", "hvs.t");

  @TempDir
  Path dir;

  @Test
  void theJvmsCasAreTrustedByDefault() {
    assertThat(tls(VAULT)).isEqualTo(VaultTls.jvmTrust());
    assertThat(tls(with(VAULT, "SWITCHBOARD_VAULT_SKIP_VERIFY", "false"))).isEqualTo(VaultTls.jvmTrust());
    assertThat(tls(with(VAULT, "SWITCHBOARD_VAULT_SKIP_VERIFY", " "))).as("blank is unset").isEqualTo(VaultTls.jvmTrust());
  }

  @Test
  void aCaFileIsReadAtOnceWithEveryCertificate() throws IOException {
    VaultTls one = tls(with(VAULT, "SWITCHBOARD_VAULT_CACERT", PKI.caPemFile().toString()));
    assertThat(one).isInstanceOfSatisfying(VaultTls.CustomCa.class, ca -> {
      assertThat(ca.source()).isEqualTo(PKI.caPemFile().toString());
      assertThat(ca.certificates()).extracting(c -> c.getSubjectX500Principal().getName())
          .containsExactly("CN=Switchboard Test CA");
    });

    Path bundle = Files.writeString(dir.resolve("bundle.pem"),
        "# our CAs\n" + PKI.caPem() + "\n" + PKI.otherCaPem().replace("\n", "\r\n"));
    assertThat(tls(with(VAULT, "SWITCHBOARD_VAULT_CACERT", bundle.toString())))
        .isInstanceOfSatisfying(VaultTls.CustomCa.class, ca -> assertThat(ca.certificates())
            .extracting(c -> c.getSubjectX500Principal().getName())
            .containsExactly("CN=Switchboard Test CA", "CN=Unrelated Test CA"));
    assertThat(one.toString()).contains(PKI.caPemFile().toString()).contains("CN=Switchboard Test CA")
        .doesNotContain("BEGIN CERTIFICATE");
  }

  @Test
  void anUnreadableOrNonPemCaFileFailsTheStartNamingTheVariable() throws IOException {
    Path missing = dir.resolve("missing.pem");
    assertRefused(with(VAULT, "SWITCHBOARD_VAULT_CACERT", missing.toString()),
        "SWITCHBOARD_VAULT_CACERT: the CA certificate file " + missing + " does not exist");
    assertRefused(with(VAULT, "SWITCHBOARD_VAULT_CACERT", dir.toString()),
        "SWITCHBOARD_VAULT_CACERT: cannot read the CA certificate file " + dir);

    Path text = Files.writeString(dir.resolve("notes.txt"), "vault.example.com 10.0.0.1\n");
    assertRefused(with(VAULT, "SWITCHBOARD_VAULT_CACERT", text.toString()),
        "SWITCHBOARD_VAULT_CACERT: " + text + " holds no PEM certificate");
    Path der = Files.write(dir.resolve("ca.der"), Base64.getMimeDecoder().decode(
        PKI.caPem().replaceAll("-----[A-Z ]+-----", "")));
    assertRefused(with(VAULT, "SWITCHBOARD_VAULT_CACERT", der.toString()), "openssl x509 -inform der");
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");
    assertRefused(with(VAULT, "SWITCHBOARD_VAULT_CACERT", key.toString()), "holds no PEM certificate");

    Path broken = Files.writeString(dir.resolve("broken.pem"),
        PKI.caPem() + "-----BEGIN CERTIFICATE-----\nTUlJQm5vdCBhIGNlcnRpZmljYXRl\n-----END CERTIFICATE-----\n");
    assertRefused(with(VAULT, "SWITCHBOARD_VAULT_CACERT", broken.toString()),
        "SWITCHBOARD_VAULT_CACERT: certificate 2 in " + broken + " is not a valid X.509 certificate");
  }

  @Test
  void skipVerifyIsABooleanAndNotTogetherWithACaFile() {
    assertThat(tls(with(VAULT, "SWITCHBOARD_VAULT_SKIP_VERIFY", "TRUE"))).isEqualTo(VaultTls.skipVerify());
    assertThat(tls(with(VAULT, "SWITCHBOARD_VAULT_SKIP_VERIFY", "1"))).isEqualTo(VaultTls.skipVerify());
    assertRefused(with(VAULT, "SWITCHBOARD_VAULT_SKIP_VERIFY", "yes"),
        "SWITCHBOARD_VAULT_SKIP_VERIFY must be true or false (got 'yes')");
    assertRefused(with(with(VAULT, "SWITCHBOARD_VAULT_SKIP_VERIFY", "true"), "SWITCHBOARD_VAULT_CACERT",
        PKI.caPemFile().toString()), "SWITCHBOARD_VAULT_SKIP_VERIFY=true and SWITCHBOARD_VAULT_CACERT contradict");
  }

  @Test
  void tlsSettingsNeedAnHttpsAddress() {
    Map<String, String> http = with(VAULT, "SWITCHBOARD_VAULT_ADDR", "http://127.0.0.1:8200");
    assertRefused(with(http, "SWITCHBOARD_VAULT_CACERT", PKI.caPemFile().toString()),
        "SWITCHBOARD_VAULT_CACERT is set but SWITCHBOARD_VAULT_ADDR is not an https:// URL");
    assertRefused(with(http, "SWITCHBOARD_VAULT_SKIP_VERIFY", "true"),
        "SWITCHBOARD_VAULT_SKIP_VERIFY is set but SWITCHBOARD_VAULT_ADDR is not an https:// URL");
    assertThatThrownBy(() -> VaultSettings.of("http://vault:8200", new VaultAuth.Token("t")).withTls(VaultTls.skipVerify()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an https:// Vault address");
  }

  @Test
  void theLocalStoreRefusesAVaultCaFile() {
    assertRefused(Map.of("SWITCHBOARD_VAULT_CACERT", PKI.caPemFile().toString()),
        "SWITCHBOARD_VAULT_CACERT is set but SWITCHBOARD_SECRET_STORE is 'local'");
  }

  private static VaultTls tls(Map<String, String> env) {
    return SecretStoreSettings.fromEnv(env).vault().orElseThrow().tls();
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

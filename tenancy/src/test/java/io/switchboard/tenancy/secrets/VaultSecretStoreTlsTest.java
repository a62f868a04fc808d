package io.switchboard.tenancy.secrets;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.switchboard.core.log.LogSettings;
import io.switchboard.core.log.SwitchboardLogging;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestTls;
import io.switchboard.testkit.vault.VaultStandIn;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Vault store over HTTPS against a stand-in whose certificate comes from a CA made at test time
 * ({@link TestTls}), which the JVM does not trust.
 */
class VaultSecretStoreTlsTest {

  private static final TestTls PKI = TestTls.shared();

  @TempDir
  Path dir;

  private Vertx vertx;
  private final List<VaultStandIn> standIns = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
    standIns.forEach(VaultStandIn::close);
  }

  @Test
  void withTheCaFileSecretsAreReadAndWrittenOverTls() {
    VaultStandIn vault = standIn(PKI.serverContext());
    String token = vault.createToken(0, false);
    VaultSecretStore store = start(fromEnv(vault.address(), token, Map.of(
        SecretStoreSettings.VAULT_CACERT, PKI.caPemFile().toString())));

    assertThat(Await.result(store.put("acme", "db-password", "acme-password")).version()).isEqualTo(1);
    assertThat(Await.result(store.get("acme", "db-password"))).contains("acme-password");
    assertThat(Await.result(store.list("acme"))).extracting(SecretVersion::name).containsExactly("db-password");
    assertThat(Await.result(store.delete("acme", "db-password"))).isTrue();
    assertThat(vault.address()).startsWith("https://");
    assertThat(vault.requests()).contains("GET /v1/auth/token/lookup-self",
        "POST /v1/secret/data/switchboard/tenants/acme/db-password");
  }

  @Test
  void everyCertificateOfABundleIsTrustedNotOnlyTheFirst() throws IOException {
    VaultStandIn vault = standIn(PKI.serverContext());
    Path bundle = Files.writeString(dir.resolve("bundle.pem"), PKI.otherCaPem() + PKI.caPem());
    VaultSecretStore store = start(fromEnv(vault.address(), vault.createToken(0, false), Map.of(
        SecretStoreSettings.VAULT_CACERT, bundle.toString())));
    assertThat(Await.result(store.put("acme", "x", "value-x")).version()).isEqualTo(1);
  }

  @Test
  void withoutTheCaTheJvmRefusesVaultsCertificateClearly() {
    VaultStandIn vault = standIn(PKI.serverContext());
    String token = vault.createToken(0, false);
    assertThatThrownBy(() -> start(VaultSettings.of(vault.address(), new VaultAuth.Token(token))))
        .isInstanceOfSatisfying(SecretStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(SecretStoreException.Reason.UNAVAILABLE))
        .hasMessageContaining("TLS verification of Vault's certificate failed at " + vault.address()
            + " while authenticating to Vault")
        .hasMessageContaining("unable to find valid certification path")
        .hasMessageContaining("set SWITCHBOARD_VAULT_CACERT")
        .message().doesNotContain(token);
    assertThat(vault.requests()).as("nothing was sent before the certificate was checked").isEmpty();
  }

  @Test
  void aCaThatDidNotSignVaultsCertificateIsRefusedTheSameWay() {
    VaultStandIn vault = standIn(PKI.serverContext());
    assertThatThrownBy(() -> start(fromEnv(vault.address(), vault.createToken(0, false), Map.of(
        SecretStoreSettings.VAULT_CACERT, PKI.otherCaPemFile().toString()))))
        .isInstanceOfSatisfying(SecretStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(SecretStoreException.Reason.UNAVAILABLE))
        .hasMessageContaining("TLS verification of Vault's certificate failed")
        .hasMessageContaining("a CA certificate in " + PKI.otherCaPemFile() + " (SWITCHBOARD_VAULT_CACERT)");
    assertThat(vault.requests()).isEmpty();
  }

  @Test
  void aCertificateForAnotherHostIsRefusedEvenFromTheRightCa() {
    VaultStandIn vault = standIn(PKI.wrongNameServerContext());
    assertThatThrownBy(() -> start(fromEnv(vault.address(), vault.createToken(0, false), Map.of(
        SecretStoreSettings.VAULT_CACERT, PKI.caPemFile().toString()))))
        .isInstanceOf(SecretStoreException.class)
        .hasMessageContaining("TLS verification of Vault's certificate failed")
        .hasMessageContaining("127.0.0.1");
    assertThat(vault.requests()).isEmpty();
  }

  @Test
  void aCertificateRefusedAfterTheStartFailsTheCallAsUnavailable() {
    VaultStandIn vault = standIn(PKI.serverContext());
    VaultSecretStore store = start(fromEnv(vault.address(), vault.createToken(0, false), Map.of(
        SecretStoreSettings.VAULT_CACERT, PKI.caPemFile().toString())).withCacheTtl(Duration.ZERO));
    Await.result(store.put("acme", "db-password", "acme-password"));

    standIns.remove(vault);
    VaultStandIn replaced = vault.restartTls(PKI.wrongNameServerContext());
    standIns.add(replaced);
    assertThatThrownBy(() -> Await.result(store.get("acme", "db-password")))
        .isInstanceOfSatisfying(SecretStoreException.class,
            e -> assertThat(e.reason()).as("answered as 503 secret_store_unavailable by the API")
                .isEqualTo(SecretStoreException.Reason.UNAVAILABLE))
        .hasMessageContaining("TLS verification of Vault's certificate failed")
        .hasMessageContaining("reading secret 'db-password' of tenant 'acme'")
        .message().doesNotContain("acme-password");
  }

  @Test
  void skipVerifyAcceptsAnyCertificateForAnyHostAndSaysSoLoudly() {
    VaultStandIn vault = standIn(PKI.wrongNameServerContext());
    VaultSettings settings = fromEnv(vault.address(), vault.createToken(0, false), Map.of(
        SecretStoreSettings.VAULT_SKIP_VERIFY, "true"));
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    VaultSecretStore store;
    Appender<ILoggingEvent> appender = SwitchboardLogging.install(logback, LogSettings.DEFAULT, log);
    try {
      store = start(settings);
    } finally {
      appender.stop();
      SwitchboardLogging.install(logback, LogSettings.DEFAULT, System.err);
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("WARN")
        .contains("TLS VERIFICATION OF VAULT IS OFF (SWITCHBOARD_VAULT_SKIP_VERIFY=true)")
        .contains("accepts any certificate for " + vault.address());
    assertThat(Await.result(store.put("acme", "x", "value-x")).version()).isEqualTo(1);
    assertThat(Await.result(store.get("acme", "x"))).contains("value-x");
  }

  @Test
  void aPlainHttpServerAtAnHttpsAddressFailsAsAHandshakeProblem() throws Exception {
    // like Go's (and so Vault's) HTTP server, it reads the TLS ClientHello, answers a plain 400 and
    // closes. It reads before closing: a socket closed with unread input sends a reset, which can
    // race the 400 and leave the client waiting for its connect timeout instead of the answer.
    try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread answering = new Thread(() -> {
        while (!plain.isClosed()) {
          try (Socket client = plain.accept()) {
            client.setSoTimeout(10_000);
            client.getInputStream().read(new byte[16 * 1024]);
            client.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            client.getInputStream().readAllBytes();
          } catch (IOException closed) {
            // the client hung up, or the test is over
          }
        }
      }, "plain-http");
      answering.setDaemon(true);
      answering.start();
      String https = "https://127.0.0.1:" + plain.getLocalPort();
      assertThatThrownBy(() -> start(VaultSettings.of(https, new VaultAuth.Token("hvs.some-token"))
          .withTls(VaultTls.caPem(PKI.caPem(), "the test CA", "test"))))
          .isInstanceOfSatisfying(SecretStoreException.class,
              e -> assertThat(e.reason()).isEqualTo(SecretStoreException.Reason.UNAVAILABLE))
          .hasMessageContaining("TLS handshake with Vault at " + https + " failed while authenticating to Vault")
          .hasMessageContaining("is Vault serving HTTPS (TLS 1.2 or 1.3) on that port?");
    }
  }

  private VaultStandIn standIn(SSLContext tls) {
    VaultStandIn vault = tls == null ? VaultStandIn.start("secret") : VaultStandIn.startTls("secret", tls);
    standIns.add(vault);
    return vault;
  }

  /** Settings as the launcher reads them, with a token and the given TLS variables. */
  private static VaultSettings fromEnv(String address, String token, Map<String, String> tls) {
    Map<String, String> env = new java.util.HashMap<>(tls);
    env.put(SecretStoreSettings.STORE, "vault");
    env.put(SecretStoreSettings.VAULT_ADDR, address);
    env.put(SecretStoreSettings.VAULT_TOKEN, token);
    return SecretStoreSettings.fromEnv(env).vault().orElseThrow();
  }

  private VaultSecretStore start(VaultSettings settings) {
    return Await.result(VaultSecretStore.start(vertx, settings));
  }
}

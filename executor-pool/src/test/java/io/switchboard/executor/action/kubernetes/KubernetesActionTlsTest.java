package io.switchboard.executor.action.kubernetes;

import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.tenancy.secrets.SecretVersion;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestTls;
import io.switchboard.testkit.kubernetes.KubernetesStandIn;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The action against an API server stand-in over HTTPS whose certificate comes from a CA made at
 * test time ({@link TestTls}), which the JVM does not trust: the job's {@code caCertSecret} decides.
 */
class KubernetesActionTlsTest {

  private static final TestTls PKI = TestTls.shared();
  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.acme-kube-token";

  private Vertx vertx;
  private final InMemorySecrets secrets = new InMemorySecrets();
  private KubernetesStandIn kube;
  private int port;
  private KubernetesAction action;
  private final Promise<String> stop = Promise.promise();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    action = new KubernetesAction(new KubernetesSettings(Duration.ofMillis(20), Duration.ofSeconds(10), false));
    secrets.put("kube-token", TOKEN);
    secrets.put("kube-ca", PKI.caPem());
  }

  @AfterEach
  void tearDown() {
    stop.tryComplete("test over");
    Await.result(vertx.close());
  }

  @Test
  void withTheClustersCaTheJobTalksToTheApiServerOverTls() {
    startApiServer(PKI.serverKeyStore());
    ActionResult pods = run(args("get-pods").put("caCertSecret", "kube-ca"));
    assertThat(pods.succeeded()).as(pods.error()).isTrue();
    assertThat(pods.output()).startsWith("Pods of prod/api: 1 (1 ready)");

    ActionResult scaled = run(args("scale").put("replicas", 2).put("caCertSecret", "kube-ca"));
    assertThat(scaled.succeeded()).as(scaled.error()).isTrue();
    assertThat(kube.requests("PATCH")).singleElement()
        .satisfies(patch -> assertThat(patch.authorization()).isEqualTo("Bearer " + TOKEN));
  }

  @Test
  void aConnectionTrustedThroughOneJobsCaIsNeverReusedByAJobWithoutIt() {
    startApiServer(PKI.serverKeyStore());
    assertThat(run(args("get-pods").put("caCertSecret", "kube-ca")).succeeded()).isTrue();
    int requests = kube.requests.size();

    // same action, same host and port, a connection still open: the JVM's trust must decide afresh
    ActionResult withoutCa = run(args("get-pods"));
    assertThat(withoutCa.succeeded()).isFalse();
    assertThat(withoutCa.error()).contains("TLS verification of the API server's certificate failed");
    assertThat(kube.requests).hasSize(requests);
  }

  @Test
  void aBundleWithTheClustersCaAmongOthersIsTrusted() {
    startApiServer(PKI.serverKeyStore());
    secrets.put("kube-ca", "# old and new cluster CA\n" + PKI.otherCaPem() + PKI.caPem());
    ActionResult pods = run(args("get-pods").put("caCertSecret", "kube-ca"));
    assertThat(pods.succeeded()).as(pods.error()).isTrue();
  }

  @Test
  void withoutACaSecretTheJvmRefusesTheCertificateAndTheTokenIsNeverSent() {
    startApiServer(PKI.serverKeyStore());
    ActionResult result = run(args("get-pods"));
    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).as("a certificate problem does not go away by retrying").isFalse();
    assertThat(result.error()).startsWith("kubernetes get-pods of prod/api failed: TLS verification of the API "
            + "server's certificate failed (")
        .contains("name a secret holding its PEM certificate with 'caCertSecret'")
        .doesNotContain(TOKEN);
    assertThat(kube.requests).isEmpty();
  }

  @Test
  void aCaThatDidNotSignTheCertificateIsRefused() {
    startApiServer(PKI.serverKeyStore());
    secrets.put("kube-ca", PKI.otherCaPem());
    ActionResult result = run(args("get-pods").put("caCertSecret", "kube-ca"));
    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).contains("TLS verification of the API server's certificate failed")
        .contains("check that a certificate in 'caCertSecret' signed it");
    assertThat(kube.requests).isEmpty();
  }

  @Test
  void aCertificateForAnotherHostIsRefusedEvenFromTheClustersCa() {
    startApiServer(PKI.wrongNameServerKeyStore());
    ActionResult result = run(args("get-pods").put("caCertSecret", "kube-ca"));
    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).contains("TLS verification of the API server's certificate failed")
        .contains("127.0.0.1");
    assertThat(kube.requests).isEmpty();
  }

  @Test
  void aJobsCaIsCheckedEvenOnANodeThatSkipsVerification() {
    startApiServer(PKI.serverKeyStore());
    action = new KubernetesAction(new KubernetesSettings(Duration.ofMillis(20), Duration.ofSeconds(10), true));
    assertThat(run(args("get-pods")).succeeded()).as("the node accepts any certificate").isTrue();

    secrets.put("kube-ca", PKI.otherCaPem());
    ActionResult result = run(args("get-pods").put("caCertSecret", "kube-ca"));
    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).contains("TLS verification of the API server's certificate failed");
  }

  @Test
  void aCaSecretThatIsNotPemOrDoesNotFitFailsBeforeAnyCall() {
    startApiServer(PKI.serverKeyStore());
    secrets.put("kube-ca", "LS0tLS1CRUdJTi...not pem");
    ActionResult notPem = run(args("get-pods").put("caCertSecret", "kube-ca"));
    assertThat(notPem.succeeded()).isFalse();
    assertThat(notPem.retryable()).isFalse();
    assertThat(notPem.error()).startsWith("caCertSecret: secret 'kube-ca' holds no PEM certificate");

    assertThat(run(args("get-pods").put("caCertSecret", "../x")).error())
        .isEqualTo("'caCertSecret' must name the secret that holds the cluster's CA certificate (PEM)");
    assertThat(run(args("get-pods").put("caCertSecret", "missing")).error())
        .contains("secret 'missing' is not set for this tenant");

    secrets.put("kube-ca", PKI.caPem());
    secrets.put("kube-api", "http://127.0.0.1:" + port);
    assertThat(run(args("get-pods").put("caCertSecret", "kube-ca")).error())
        .contains("a CA certificate needs an https:// URL");
    assertThat(kube.requests).isEmpty();
  }

  private void startApiServer(Path keyStore) {
    kube = new KubernetesStandIn(TOKEN);
    port = kube.startTls(vertx, keyStore, TestTls.PASSWORD);
    kube.addDeployment("prod", "api", 1, new JsonArray().add(new JsonObject().put("name", "app").put("image", "a:1")));
    kube.addPod("prod", "api-1", "api", "Running", 1, 1, 0);
    secrets.put("kube-api", "https://127.0.0.1:" + port);
  }

  private ActionResult run(JsonObject args) {
    JobSecrets jobSecrets = new JobSecrets(secrets, "acme");
    ActionContext context = new ActionContext(vertx, "acme", 1L, 1, "idem-key", args, jobSecrets, stop.future());
    return jobSecrets.redact(Await.result(action.run(context)));
  }

  private static JsonObject args(String operation) {
    return new JsonObject().put("operation", operation).put("apiServerSecret", "kube-api")
        .put("tokenSecret", "kube-token").put("namespace", "prod").put("deployment", "api");
  }

  /** One tenant's secrets in a map: the TLS behaviour does not depend on where they are stored. */
  private static final class InMemorySecrets implements SecretStore {
    private final Map<String, String> values = new ConcurrentHashMap<>();

    void put(String name, String value) {
      values.put(name, value);
    }

    @Override
    public Future<Optional<String>> get(String tenantId, String name) {
      return Future.succeededFuture(Optional.ofNullable(values.get(name)));
    }

    @Override
    public Future<SecretVersion> put(String tenantId, String name, String value) {
      values.put(name, value);
      return Future.succeededFuture(new SecretVersion(name, 1, Instant.now()));
    }

    @Override
    public Future<List<SecretVersion>> list(String tenantId) {
      return Future.succeededFuture(values.keySet().stream().map(n -> new SecretVersion(n, 1, Instant.EPOCH)).toList());
    }

    @Override
    public Future<Boolean> delete(String tenantId, String name) {
      return Future.succeededFuture(values.remove(name) != null);
    }
  }
}

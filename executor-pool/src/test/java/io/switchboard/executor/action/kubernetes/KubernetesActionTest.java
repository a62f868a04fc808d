package io.switchboard.executor.action.kubernetes;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.trace.Tracing;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.kubernetes.KubernetesStandIn;
import io.switchboard.testkit.kubernetes.KubernetesStandIn.Recorded;
import io.switchboard.testkit.trace.SpanRecorder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubernetesActionTest {

  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.acme-kube-token";
  private static final String GLOBEX_TOKEN = "eyJhbGciOiJSUzI1NiJ9.globex-kube-token";

  private static Vertx vertx;
  private static Pool pool;
  private static SecretStore store;

  private KubernetesStandIn kube;
  private String apiServer;
  private KubernetesAction action;
  private Promise<String> stop;

  @BeforeAll
  static void startStore() {
    vertx = Vertx.vertx();
    DatabaseUrl url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    store = new LocalSecretStore(pool, MasterKey.generate());
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @BeforeEach
  void setUp() {
    kube = new KubernetesStandIn(TOKEN);
    apiServer = "http://127.0.0.1:" + kube.start(vertx);
    kube.addDeployment("prod", "api", 3, new JsonArray()
        .add(new JsonObject().put("name", "sidecar").put("image", "envoy:1.30"))
        .add(new JsonObject().put("name", "app").put("image", "registry.example.com/api:1.0.0")));
    Await.result(store.put("acme", "kube-api", apiServer));
    Await.result(store.put("acme", "kube-token", TOKEN));
    Await.result(store.delete("globex", "kube-api"));
    Await.result(store.delete("globex", "kube-token"));
    action = new KubernetesAction(new KubernetesSettings(Duration.ofMillis(50), Duration.ofSeconds(10), false));
    stop = Promise.promise();
  }

  @AfterEach
  void completeStop() {
    stop.tryComplete("test over");
  }

  // ---------------------------------------------------------------- operations

  @Test
  void scalePatchesTheScaleSubresourceAndWaitsForTheRollout() {
    ActionResult result = run(args("scale").put("replicas", 5));

    assertThat(result.succeeded()).as(result.error()).isTrue();
    assertThat(result.output()).isEqualTo("Scaled prod/api to 5 replica(s); rollout complete: 5/5 updated, 5 available");
    Recorded patch = kube.requests("PATCH").get(0);
    assertThat(patch.path()).isEqualTo("/apis/apps/v1/namespaces/prod/deployments/api/scale");
    assertThat(patch.contentType()).isEqualTo("application/merge-patch+json");
    assertThat(new JsonObject(patch.body())).isEqualTo(new JsonObject().put("spec", new JsonObject().put("replicas", 5)));
    assertThat(patch.authorization()).isEqualTo("Bearer " + TOKEN);
    assertThat(kube.requests("GET")).hasSize(4)
        .allSatisfy(get -> assertThat(get.path()).isEqualTo("/apis/apps/v1/namespaces/prod/deployments/api"));
    assertThat(kube.deployment("prod", "api").getJsonObject("spec").getInteger("replicas")).isEqualTo(5);
  }

  @Test
  void theWaitForTheRolloutIsReportedAsProgress() {
    List<String> progress = new CopyOnWriteArrayList<>();
    ActionContext context = new ActionContext(vertx, "acme", 1L, 1, "idem-key", args("scale").put("replicas", 5),
        new JobSecrets(store, "acme"), stop.future(), progress::add);

    ActionResult result = Await.result(action.run(context));

    assertThat(result.succeeded()).as(result.error()).isTrue();
    assertThat(progress).isNotEmpty()
        .allSatisfy(line -> assertThat(line).startsWith("Waiting for the rollout of prod/api: "))
        .doesNotContain("Waiting for the rollout of prod/api: 5/5 updated, 5 available");
  }

  @Test
  void eachApiCallIsAClientSpanWhoseContextTheApiServerReceives() {
    try (SpanRecorder spans = SpanRecorder.install()) {
      ActionResult result = run(args("scale").put("replicas", 4));
      assertThat(result.succeeded()).as(result.error()).isTrue();

      List<SpanData> calls = spans.spans().stream().filter(span -> span.getKind() == SpanKind.CLIENT).toList();
      assertThat(calls).extracting(SpanData::getName).contains("PATCH", "GET");
      assertThat(calls).hasSize(kube.requests.size()).allSatisfy(span -> {
        assertThat(span.getAttributes().get(Tracing.HTTP_STATUS)).isEqualTo(200L);
        assertThat(span.getAttributes().asMap().values().toString()).as("never the path")
            .contains("127.0.0.1").doesNotContain("deployments");
      });
      assertThat(kube.requests).extracting(request -> request.traceparent().substring(0, 52))
          .as("each request carries its own call's context (flags aside)")
          .containsExactlyInAnyOrderElementsOf(calls.stream()
              .map(span -> "00-" + span.getTraceId() + "-" + span.getSpanId()).toList());
    }
  }

  @Test
  void rolloutRestartSetsTheRestartedAtAnnotationOncePerJob() {
    Instant before = Instant.now().minusSeconds(1);
    ActionResult first = run(args("rollout-restart"));

    assertThat(first.succeeded()).as(first.error()).isTrue();
    assertThat(first.output()).isEqualTo("Restarted prod/api; rollout complete: 3/3 updated, 3 available");
    List<Recorded> patches = kube.requests("PATCH");
    assertThat(patches).hasSize(1);
    assertThat(patches.get(0).path()).isEqualTo("/apis/apps/v1/namespaces/prod/deployments/api");
    assertThat(patches.get(0).contentType()).isEqualTo("application/merge-patch+json");
    JsonObject annotations = kube.deployment("prod", "api").getJsonObject("spec").getJsonObject("template")
        .getJsonObject("metadata").getJsonObject("annotations");
    assertThat(Instant.parse(annotations.getString("kubectl.kubernetes.io/restartedAt"))).isAfter(before);
    assertThat(annotations.getString("switchboard.io/restart-key")).isEqualTo("idem-key");
    assertThat(kube.deployment("prod", "api").getJsonObject("metadata").getLong("generation")).isEqualTo(2);

    ActionResult again = run(args("rollout-restart"));
    assertThat(again.output()).startsWith("Restart of prod/api was already requested by this job");
    assertThat(kube.requests("PATCH")).hasSize(1);
  }

  @Test
  void setImageReplacesTheNamedContainersImageWithAGuardedJsonPatch() {
    ActionResult result = run(args("set-image").put("container", "app").put("image", "registry.example.com/api:1.1.0"));

    assertThat(result.succeeded()).as(result.error()).isTrue();
    assertThat(result.output()).isEqualTo("Set image of prod/api container app to registry.example.com/api:1.1.0 "
        + "(was registry.example.com/api:1.0.0); rollout complete: 3/3 updated, 3 available");
    Recorded patch = kube.requests("PATCH").get(0);
    assertThat(patch.contentType()).isEqualTo("application/json-patch+json");
    assertThat(new JsonArray(patch.body())).isEqualTo(new JsonArray()
        .add(new JsonObject().put("op", "test").put("path", "/spec/template/spec/containers/1/name").put("value", "app"))
        .add(new JsonObject().put("op", "replace").put("path", "/spec/template/spec/containers/1/image")
            .put("value", "registry.example.com/api:1.1.0")));
    JsonArray containers = kube.deployment("prod", "api").getJsonObject("spec").getJsonObject("template")
        .getJsonObject("spec").getJsonArray("containers");
    assertThat(containers.getJsonObject(0).getString("image")).isEqualTo("envoy:1.30");
    assertThat(containers.getJsonObject(1).getString("image")).isEqualTo("registry.example.com/api:1.1.0");
  }

  @Test
  void setImageOfAContainerThatDoesNotExistIsRefusedWithoutPatching() {
    ActionResult result = run(args("set-image").put("container", "web").put("image", "nginx:1.27"));

    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).isEqualTo("kubernetes set-image of prod/api failed: deployment has no container 'web' "
        + "(containers: sidecar, app)");
    assertThat(kube.requests("PATCH")).isEmpty();
  }

  @Test
  void getPodsListsThePodsSelectedByTheDeployment() {
    kube.addPod("prod", "api-7d9f-abcde", "api", "Running", 2, 2, 0);
    kube.addPod("prod", "api-7d9f-fghij", "api", "Running", 1, 2, 4);
    kube.addPod("prod", "web-1234-zzzzz", "web", "Running", 1, 1, 0);
    kube.addPod("staging", "api-5555-yyyyy", "api", "Pending", 0, 2, 0);

    ActionResult result = run(args("get-pods"));

    assertThat(result.succeeded()).as(result.error()).isTrue();
    assertThat(result.output()).isEqualTo("Pods of prod/api: 2 (1 ready)\n"
        + "api-7d9f-abcde  Running  ready 2/2  restarts 0\n"
        + "api-7d9f-fghij  Running  ready 1/2  restarts 4");
    Recorded list = kube.requests("GET").get(1);
    assertThat(list.path()).isEqualTo("/api/v1/namespaces/prod/pods");
    assertThat(list.query()).isEqualTo("labelSelector=app%3Dapi");
    assertThat(kube.requests("PATCH")).isEmpty();
  }

  @Test
  void labelSelectorsIncludeMatchExpressions() {
    JsonObject selector = new JsonObject().put("matchLabels", new JsonObject().put("tier", "web").put("app", "api"))
        .put("matchExpressions", new JsonArray()
            .add(new JsonObject().put("key", "env").put("operator", "In").put("values", new JsonArray().add("a").add("b")))
            .add(new JsonObject().put("key", "canary").put("operator", "DoesNotExist")));
    assertThat(KubernetesAction.labelSelector(selector)).isEqualTo("app=api,tier=web,env in (a,b),!canary");
    assertThat(KubernetesAction.labelSelector(new JsonObject())).isNull();
  }

  @Test
  void rolloutStatusOfAStableDeploymentAnswersAtOnceAndChangesNothing() {
    ActionResult result = run(args("rollout-status"));

    assertThat(result.output()).isEqualTo("Rollout of prod/api is complete: 3/3 updated, 3 available");
    assertThat(kube.requests).hasSize(1);
  }

  @Test
  void aRolloutPastItsProgressDeadlineFailsTheJob() {
    kube.exceedDeadline("prod", "api");

    ActionResult result = run(args("scale").put("replicas", 4));

    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).isEqualTo("kubernetes scale of prod/api failed: the rollout exceeded its progress "
        + "deadline: ReplicaSet \"api-7d9f\" has timed out progressing. (the change was applied; the rollout was not "
        + "confirmed)");
  }

  @Test
  void aTransientErrorWhileWaitingIsToleratedAndTheWaitGoesOn() {
    kube.addDeployment("prod", "worker", 1, new JsonArray().add(new JsonObject().put("name", "w").put("image", "w:1")));
    kube.failNext(503, "ServiceUnavailable", "etcdserver: leader changed");
    ActionResult status = run(args("rollout-status").put("deployment", "worker"));

    assertThat(status.succeeded()).as(status.error()).isTrue();
    assertThat(kube.requests("GET")).hasSize(2);
  }

  // ---------------------------------------------------------------- bad input and secrets

  @Test
  void badArgumentsFailTheJobWithoutCallingKubernetes() {
    assertThat(run(new JsonObject()).error()).contains("'operation' argument");
    assertThat(run(args("delete")).error()).contains("'operation' argument");
    assertThat(run(args("scale").put("namespace", "Prod")).error()).contains("DNS-1123");
    assertThat(run(args("scale").put("deployment", "../../api")).error()).contains("DNS-1123");
    assertThat(run(args("scale").put("deployment", "a".repeat(64))).error()).contains("DNS-1123");
    assertThat(run(args("scale").put("deployment", "api-")).error()).contains("DNS-1123");
    assertThat(run(args("scale")).error()).contains("'replicas' argument");
    assertThat(run(args("scale").put("replicas", -1)).error()).contains("'replicas' argument");
    assertThat(run(args("scale").put("replicas", 2.5)).error()).contains("'replicas' argument");
    assertThat(run(args("scale").put("replicas", 100_000)).error()).contains("'replicas' argument");
    assertThat(run(args("set-image").put("image", "x:1")).error()).contains("'container' argument");
    assertThat(run(args("set-image").put("container", "app").put("image", "x:1; rm -rf /")).error())
        .contains("'image' argument");
    JsonObject noToken = args("get-pods");
    noToken.remove("tokenSecret");
    assertThat(run(noToken).error()).contains("'apiServerSecret' and 'tokenSecret'");
    assertThat(run(args("get-pods").put("apiServerSecret", "../x")).error())
        .contains("'apiServerSecret' and 'tokenSecret'");
    assertThat(kube.requests).isEmpty();
    assertThat(run(args("scale").put("replicas", "2")).succeeded()).isTrue();
  }

  @Test
  void aMissingSecretFailsTheJobNamingIt() {
    ActionResult result = run(args("get-pods").put("tokenSecret", "no-such-token"));

    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).contains("secret 'no-such-token' is not set");
    assertThat(kube.requests).isEmpty();
  }

  @Test
  void anotherTenantsSecretsOfTheSameNameAreNeverUsed() {
    Await.result(store.put("globex", "globex-only-api", apiServer));
    Await.result(store.put("globex", "globex-only-token", GLOBEX_TOKEN));
    Await.result(store.put("globex", "kube-token", GLOBEX_TOKEN));

    ActionResult borrowed = run(args("get-pods").put("apiServerSecret", "globex-only-api")
        .put("tokenSecret", "globex-only-token"));
    assertThat(borrowed.error()).contains("secret 'globex-only-api' is not set");
    ActionResult own = run(args("get-pods"));
    assertThat(own.succeeded()).as(own.error()).isTrue();
    assertThat(kube.requests).isNotEmpty().allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
  }

  @Test
  void anApiServerUrlThatIsNotHttpsOnARemoteHostIsRefused() {
    Await.result(store.put("acme", "plain-api", "http://kube.example.com:6443"));
    Await.result(store.put("acme", "odd-api", "ftp://kube.example.com"));

    assertThat(run(args("get-pods").put("apiServerSecret", "plain-api")).error())
        .isEqualTo("secret 'plain-api' names a plain http:// API server; only https:// is accepted "
            + "(http only on loopback, e.g. kubectl proxy)");
    assertThat(run(args("get-pods").put("apiServerSecret", "odd-api")).error())
        .isEqualTo("secret 'odd-api' is not a valid API server URL (expected https://host[:port])");
  }

  @Test
  void secretValuesInWhatTheActionReturnsAreRedacted() {
    kube.failNext(403, "Forbidden", "token " + TOKEN + " from " + apiServer + " cannot patch deployments/scale");
    JobSecrets secrets = new JobSecrets(store, "acme");

    ActionResult raw = Await.result(action.run(context(args("scale").put("replicas", 1), secrets)));
    ActionResult redacted = secrets.redact(raw);

    assertThat(raw.error()).contains(TOKEN);
    assertThat(redacted.error()).isEqualTo("kubernetes scale of prod/api failed: Kubernetes answered 403 Forbidden: "
        + "token [redacted:kube-token] from [redacted:kube-api] cannot patch deployments/scale");
  }

  // ---------------------------------------------------------------- target errors

  @Test
  void notFoundForbiddenInvalidAndUnauthorizedAreFinalWithKubernetesMessage() {
    ActionResult notFound = run(args("scale").put("replicas", 2).put("deployment", "nope"));
    assertThat(notFound.retryable()).isFalse();
    assertThat(notFound.error()).isEqualTo("kubernetes scale of prod/nope failed: Kubernetes answered 404 NotFound: "
        + "deployments.apps \"nope\" not found");

    kube.failNext(403, "Forbidden", "deployments.apps \"api\" is forbidden: User \"system:serviceaccount:ops:bot\" "
        + "cannot patch resource \"deployments/scale\"");
    ActionResult forbidden = run(args("scale").put("replicas", 2));
    assertThat(forbidden.retryable()).isFalse();
    assertThat(forbidden.error()).contains("403 Forbidden: deployments.apps \"api\" is forbidden");

    kube.failNext(422, "Invalid", "Scale.autoscaling \"api\" is invalid: spec.replicas: Invalid value");
    ActionResult invalid = run(args("scale").put("replicas", 2));
    assertThat(invalid.retryable()).isFalse();
    assertThat(invalid.error()).contains("422 Invalid: Scale.autoscaling \"api\" is invalid");

    Await.result(store.put("acme", "stale-token", "expired"));
    ActionResult unauthorized = run(args("get-pods").put("tokenSecret", "stale-token"));
    assertThat(unauthorized.retryable()).isFalse();
    assertThat(unauthorized.error()).contains("401 Unauthorized");
    assertThat(kube.deployment("prod", "api").getJsonObject("spec").getInteger("replicas")).isEqualTo(3);
  }

  @Test
  void conflictsThrottlingAndServerErrorsAreRetryable() {
    for (int code : new int[] {409, 429, 500, 503}) {
      kube.failNext(code, "Whatever", "try again later (" + code + ")");
      ActionResult result = run(args("scale").put("replicas", 2));
      assertThat(result.succeeded()).isFalse();
      assertThat(result.retryable()).as(result.error()).isTrue();
      assertThat(result.error()).contains("Kubernetes answered " + code, "try again later (" + code + ")");
    }
  }

  @Test
  void anUnreachableApiServerIsRetryable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Await.result(store.put("acme", "down-api", "http://127.0.0.1:" + closedPort));

    ActionResult result = run(args("get-pods").put("apiServerSecret", "down-api"));

    assertThat(result.retryable()).as(result.error()).isTrue();
    assertThat(result.error()).startsWith("kubernetes get-pods of prod/api failed: cannot connect to the API server");
  }

  // ---------------------------------------------------------------- stop

  @Test
  void aStopEndsTheWaitForARolloutThatNeverCompletes() {
    kube.stick("prod", "api");
    Future<ActionResult> running = action.run(context(args("scale").put("replicas", 6)));
    Await.until("the action polls the deployment", () -> kube.requests("GET").size() >= 3);

    stop.complete("cancelled by bob");
    ActionResult result = Await.result(running);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).isEqualTo("kubernetes scale of prod/api stopped (cancelled by bob): the change was "
        + "applied; the rollout was not waited for (check with operation rollout-status)");
    int polls = kube.requests("GET").size();
    kube.rolloutGets = 0;
    // a poll already scheduled would land within one interval (50 ms); wait for ten
    Await.result(vertx.timer(500));
    assertThat(kube.requests("GET")).hasSize(polls);
  }

  @Test
  void aStopCancelsTheRequestInFlight() {
    // a request time-out far beyond Await's 30 s, so only the stop can close the connection in time
    action = new KubernetesAction(new KubernetesSettings(Duration.ofMillis(50), Duration.ofMinutes(5), false));
    kube.hang = true;
    Future<ActionResult> running = action.run(context(args("get-pods")));
    Await.until("the request reaches the API server", () -> kube.requests.size() == 1);

    stop.complete("timed out");
    ActionResult result = Await.result(running);

    assertThat(result.error()).isEqualTo("kubernetes get-pods of prod/api stopped (timed out)");
    Await.until("the connection is reset", () -> kube.closedConnections.get() == 1);
  }

  // ---------------------------------------------------------------- settings

  @Test
  void settingsComeFromTheEnvironmentWithProductionDefaults() {
    assertThat(KubernetesSettings.fromEnv(Map.of())).isEqualTo(new KubernetesSettings(Duration.ofMillis(2000),
        Duration.ofMillis(30_000), false));
    assertThat(KubernetesSettings.fromEnv(Map.of("SWITCHBOARD_KUBERNETES_POLL_MILLIS", "50",
        "SWITCHBOARD_KUBERNETES_REQUEST_TIMEOUT_MILLIS", "1000", "SWITCHBOARD_KUBERNETES_INSECURE_SKIP_TLS_VERIFY", "true")))
        .isEqualTo(new KubernetesSettings(Duration.ofMillis(50), Duration.ofMillis(1000), true));
    assertThatThrownBy(() -> KubernetesSettings.fromEnv(Map.of("SWITCHBOARD_KUBERNETES_POLL_MILLIS", "0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_KUBERNETES_POLL_MILLIS");
    assertThatThrownBy(() -> KubernetesSettings.fromEnv(Map.of("SWITCHBOARD_KUBERNETES_REQUEST_TIMEOUT_MILLIS", "x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_KUBERNETES_REQUEST_TIMEOUT_MILLIS");
    assertThatThrownBy(() -> KubernetesSettings.fromEnv(Map.of("SWITCHBOARD_KUBERNETES_INSECURE_SKIP_TLS_VERIFY", "yes")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_KUBERNETES_INSECURE_SKIP_TLS_VERIFY");
    assertThat(new KubernetesAction(KubernetesSettings.defaults()).type()).isEqualTo("kubernetes");
  }

  // ---------------------------------------------------------------- helpers

  private ActionResult run(JsonObject args) {
    return Await.result(action.run(context(args)));
  }

  private ActionContext context(JsonObject args) {
    return context(args, new JobSecrets(store, "acme"));
  }

  private ActionContext context(JsonObject args, JobSecrets secrets) {
    return new ActionContext(vertx, "acme", 1L, 1, "idem-key", args, secrets, stop.future());
  }

  private static JsonObject args(String operation) {
    return new JsonObject().put("operation", operation).put("apiServerSecret", "kube-api")
        .put("tokenSecret", "kube-token").put("namespace", "prod").put("deployment", "api");
  }
}

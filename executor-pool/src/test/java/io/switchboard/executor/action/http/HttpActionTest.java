package io.switchboard.executor.action.http;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.webhook.WebhookStandIn;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpActionTest {

  private static DatabaseUrl url;

  private Vertx vertx;
  private Pool pool;
  private SecretStore store;
  private WebhookStandIn target;
  private HttpAction action;
  private Promise<String> stop;

  @BeforeAll
  static void database() {
    url = TestDatabase.fresh();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    pool = TestDatabase.pool(vertx, url);
    store = new LocalSecretStore(pool, MasterKey.generate());
    TestDatabase.execute(url, "DELETE FROM tenant_secrets");
    target = new WebhookStandIn(vertx);
    action = new HttpAction(new HttpActionSettings(List.of("127.0.0.1"), false, Duration.ofSeconds(30)));
    stop = Promise.promise();
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  private ActionContext context(String tenant, JsonObject args) {
    return new ActionContext(vertx, tenant, 1L, 1, "idem-key", args, new JobSecrets(store, tenant), stop.future());
  }

  private ActionResult run(JsonObject args) {
    return Await.result(action.run(context("acme", args)));
  }

  // ---------------------------------------------------------------- success

  @Test
  void postsJsonWithFilledUrlSecretsAndTheIdempotencyKey() {
    Await.result(store.put("acme", "hook-token", "acme-tok-123"));
    Await.result(store.put("globex", "hook-token", "globex-tok-999"));

    ActionResult result = run(new JsonObject()
        .put("method", "POST")
        .put("url", target.url("/hooks/{service}/deploy?env={env}"))
        .put("params", new JsonObject().put("service", "api gateway/v2").put("env", "prod&x=1"))
        .put("headers", new JsonObject().put("Authorization", "Bearer {{secret:hook-token}}").put("X-Team", "ops"))
        .put("body", new JsonObject().put("ref", "main").put("token", "{{secret:hook-token}}")
            .put("list", new JsonArray().add("a\"{{secret:hook-token}}"))));

    assertThat(result.succeeded()).as(String.valueOf(result)).isTrue();
    assertThat(result.output()).isEqualTo("POST " + target.url("/hooks/api%20gateway%2Fv2/deploy")
        + " answered 200 OK\naccepted");
    assertThat(target.received).hasSize(1);
    WebhookStandIn.Received received = target.received.get(0);
    assertThat(received.method()).isEqualTo("POST");
    assertThat(received.uri()).isEqualTo("/hooks/api%20gateway%2Fv2/deploy?env=prod%26x%3D1");
    assertThat(received.headers().get("Authorization")).isEqualTo("Bearer acme-tok-123");
    assertThat(received.headers().get("X-Team")).isEqualTo("ops");
    assertThat(received.headers().get("Idempotency-Key")).isEqualTo("idem-key");
    assertThat(received.headers().get("Content-Type")).isEqualTo("application/json");
    JsonObject body = new JsonObject(received.body());
    assertThat(body).isEqualTo(new JsonObject().put("ref", "main").put("token", "acme-tok-123")
        .put("list", new JsonArray().add("a\"acme-tok-123")));
    assertThat(received.body()).doesNotContain("globex-tok-999");
  }

  @Test
  void sendsTextBodiesAndOtherMethods() {
    Await.result(store.put("acme", "pw", "s3cret"));
    ActionResult put = run(new JsonObject().put("method", "put").put("url", target.url("/thing"))
        .put("body", "password={{secret:pw}}")
        .put("headers", new JsonObject().put("content-type", "application/x-www-form-urlencoded")));
    ActionResult get = run(new JsonObject().put("method", "GET").put("url", target.url("/thing")));

    assertThat(put.succeeded()).isTrue();
    assertThat(get.succeeded()).isTrue();
    assertThat(target.received).extracting(WebhookStandIn.Received::method).containsExactly("PUT", "GET");
    assertThat(target.received.get(0).body()).isEqualTo("password=s3cret");
    assertThat(target.received.get(0).headers().get("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(target.received.get(1).body()).isEmpty();
    assertThat(target.received.get(1).headers().get("Idempotency-Key")).isEqualTo("idem-key");
  }

  @Test
  void aLongAnswerIsCutShort() {
    ActionResult result = run(new JsonObject().put("method", "GET").put("url", target.url("/big")));

    assertThat(result.succeeded()).isTrue();
    assertThat(result.output()).startsWith("GET " + target.url("/big") + " answered 200 OK\nxxx")
        .endsWith("[... truncated]");
    assertThat(result.output().length()).isLessThan(HttpAction.MAX_OUTPUT_CHARS + 200);
  }

  // ---------------------------------------------------------------- bad arguments

  static Stream<JsonObject> badArguments() {
    return Stream.of(
        new JsonObject(),
        new JsonObject().put("url", 42),
        new JsonObject().put("url", "http://127.0.0.1/x").put("method", "TRACE"),
        new JsonObject().put("url", "ftp://127.0.0.1/x"),
        new JsonObject().put("url", "not a url at all"),
        new JsonObject().put("url", "http://user:pw@127.0.0.1/x"),
        new JsonObject().put("url", "http://127.0.0.1/{missing}"),
        new JsonObject().put("url", "http://127.0.0.1/{p}").put("params", new JsonObject().put("p", new JsonObject())),
        new JsonObject().put("url", "http://127.0.0.1/x").put("params", "p=1"),
        new JsonObject().put("url", "http://127.0.0.1/x").put("headers", new JsonArray()),
        new JsonObject().put("url", "http://127.0.0.1/x").put("headers", new JsonObject().put("Idempotency-Key", "mine")),
        new JsonObject().put("url", "http://127.0.0.1/x").put("headers", new JsonObject().put("bad header", "v")),
        new JsonObject().put("url", "http://127.0.0.1/x").put("headers", new JsonObject().put("X-A", "a\r\nX-B: b")),
        new JsonObject().put("url", "http://127.0.0.1/x").put("headers", new JsonObject().put("X-A", 5)),
        new JsonObject().put("url", "http://127.0.0.1/x").put("body", 42),
        new JsonObject().put("url", "http://127.0.0.1/x").put("expectStatus", new JsonArray().add(99)),
        new JsonObject().put("url", "http://127.0.0.1/x").put("expectStatus", new JsonArray().add("200")),
        new JsonObject().put("url", "http://127.0.0.1/x").put("expectStatus", new JsonArray()));
  }

  @ParameterizedTest
  @MethodSource("badArguments")
  void badArgumentsFailTheJobWithAClearMessage(JsonObject args) {
    ActionResult result = run(args);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).startsWith("http: ").doesNotContain("Exception");
    assertThat(target.received).isEmpty();
  }

  @Test
  void aMissingSecretFailsBeforeAnythingIsSent() {
    Await.result(store.put("globex", "hook-token", "globex-tok-999"));

    ActionResult result = run(new JsonObject().put("url", target.url("/hook"))
        .put("headers", new JsonObject().put("Authorization", "Bearer {{secret:hook-token}}")));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).contains("secret 'hook-token' is not set").doesNotContain("globex-tok-999");
    assertThat(target.received).isEmpty();
  }

  // ---------------------------------------------------------------- target errors

  @Test
  void aClientErrorIsFinalUnlessExpected() {
    ActionResult notFound = run(new JsonObject().put("url", target.url("/status/404")));
    ActionResult expected = run(new JsonObject().put("url", target.url("/status/404"))
        .put("expectStatus", new JsonArray().add(404)));
    ActionResult okButNotListed = run(new JsonObject().put("url", target.url("/status/200"))
        .put("expectStatus", new JsonArray().add(201)));

    assertThat(notFound.succeeded()).isFalse();
    assertThat(notFound.retryable()).isFalse();
    assertThat(notFound.error()).isEqualTo("http: POST " + target.url("/status/404")
        + " answered 404 Not Found (expected 2xx)\nstatus 404");
    assertThat(expected.succeeded()).isTrue();
    assertThat(okButNotListed.succeeded()).isFalse();
    assertThat(okButNotListed.error()).contains("(expected [201])");
  }

  @Test
  void serverErrorsAndRateLimitsAreRetryable() {
    ActionResult unavailable = run(new JsonObject().put("url", target.url("/status/503")));
    ActionResult limited = run(new JsonObject().put("url", target.url("/status/429")));

    assertThat(unavailable.succeeded()).isFalse();
    assertThat(unavailable.retryable()).isTrue();
    assertThat(unavailable.error()).contains("answered 503");
    assertThat(limited.retryable()).isTrue();
    assertThat(limited.error()).contains("answered 429").contains("retry after 7");
  }

  @Test
  void aRefusedConnectionIsRetryable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    ActionResult result = run(new JsonObject().put("url", "http://127.0.0.1:" + closedPort + "/hook"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isTrue();
    assertThat(result.error()).contains("could not connect to 127.0.0.1");
  }

  @Test
  void aTargetThatNeverAnswersTimesOutRetryably() {
    action = new HttpAction(new HttpActionSettings(List.of("127.0.0.1"), false, Duration.ofMillis(300)));

    ActionResult result = run(new JsonObject().put("url", target.url("/hang")));

    assertThat(result.retryable()).isTrue();
    assertThat(result.error()).contains("no complete answer within 300 ms");
    Await.until("the abandoned request's connection is closed", () -> target.abandoned.get() == 1);
  }

  // ---------------------------------------------------------------- stop

  @Test
  void stopResetsTheRequestInFlight() {
    Future<ActionResult> running = action.run(context("acme", new JsonObject().put("url", target.url("/hang"))));
    Await.until("the target has the request", () -> target.received.size() == 1);
    assertThat(running.isComplete()).isFalse();

    stop.complete("cancelled by alice");

    ActionResult result = Await.result(running);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).contains("stopped: cancelled by alice");
    Await.until("the connection is closed", () -> target.abandoned.get() == 1);
  }

  @Test
  void anAlreadyStoppedJobSendsNothing() {
    stop.complete("shutting down");

    ActionResult result = run(new JsonObject().put("url", target.url("/hook")));

    assertThat(result.succeeded()).isFalse();
    assertThat(target.received).isEmpty();
  }

  // ---------------------------------------------------------------- secrets

  @Test
  void aSecretEchoedByTheTargetIsRedacted() {
    Await.result(store.put("acme", "hook-token", "acme-tok-123"));
    ActionContext context = context("acme", new JsonObject().put("method", "GET").put("url", target.url("/echo"))
        .put("headers", new JsonObject().put("Authorization", "Bearer {{secret:hook-token}}")));

    ActionResult result = Await.result(action.run(context));

    assertThat(result.output()).as("the answer is redacted before it is cut")
        .contains("you sent Bearer [redacted:hook-token]");
    ActionResult redacted = context.secrets().redact(result);
    assertThat(redacted.output()).contains("you sent Bearer [redacted:hook-token]").doesNotContain("acme-tok-123");
  }

  @Test
  void aSecretWhereTheAnswerIsCutShortLeavesNoPieceOfItself() {
    String secret = "acme-token-cut-in-the-middle-by-the-limit";
    Await.result(store.put("acme", "hook-token", secret));
    // "Bearer " and the first 20 characters of the secret fit below the limit, the rest does not.
    int dots = HttpAction.MAX_OUTPUT_CHARS - "Bearer ".length() - 20;
    ActionContext context = context("acme", new JsonObject().put("method", "GET").put("url", target.url("/echo-after/"
        + dots)).put("headers", new JsonObject().put("Authorization", "Bearer {{secret:hook-token}}")));

    ActionResult redacted = context.secrets().redact(Await.result(action.run(context)));

    assertThat(redacted.succeeded()).isTrue();
    assertThat(redacted.output()).contains("Bearer [redac").endsWith("[... truncated]")
        .doesNotContain(secret.substring(0, 8));
  }

  @Test
  void eachTenantGetsItsOwnSecret() {
    Await.result(store.put("acme", "hook-token", "acme-tok-123"));
    Await.result(store.put("globex", "hook-token", "globex-tok-999"));
    JsonObject args = new JsonObject().put("method", "GET").put("url", target.url("/echo"))
        .put("headers", new JsonObject().put("Authorization", "{{secret:hook-token}}"));

    ActionResult globex = Await.result(action.run(context("globex", args)));
    ActionResult acme = Await.result(action.run(context("acme", args)));

    assertThat(target.received).extracting(r -> r.headers().get("Authorization"))
        .containsExactly("globex-tok-999", "acme-tok-123");
    assertThat(acme.output()).doesNotContain("globex");
    assertThat(globex.output()).doesNotContain("acme-tok");
  }

  // ---------------------------------------------------------------- where it may call

  @Test
  void withoutAnAllowListLoopbackAndPrivateAddressesAreRefused() {
    action = new HttpAction(new HttpActionSettings(List.of(), false, Duration.ofSeconds(30)));

    ActionResult byAddress = run(new JsonObject().put("url", target.url("/hook")));
    ActionResult byName = run(new JsonObject().put("url", "http://localhost:" + target.port() + "/hook"));
    ActionResult metadata = run(new JsonObject().put("url", "http://169.254.169.254/latest/meta-data/"));

    for (ActionResult result : List.of(byAddress, byName, metadata)) {
      assertThat(result.succeeded()).isFalse();
      assertThat(result.retryable()).isFalse();
      assertThat(result.error()).contains("is not allowed").contains(HttpActionSettings.ALLOW_PRIVATE);
    }
    assertThat(target.received).isEmpty();
  }

  @Test
  void privateAddressesMayBeAllowedByTheOperator() {
    action = new HttpAction(new HttpActionSettings(List.of(), true, Duration.ofSeconds(30)));

    assertThat(run(new JsonObject().put("url", target.url("/hook"))).succeeded()).isTrue();
    assertThat(target.received).hasSize(1);
  }

  @Test
  void hostsOffTheAllowListAreRefused() {
    action = new HttpAction(new HttpActionSettings(List.of("hooks.example.com", "*.corp.example"), false,
        Duration.ofSeconds(30)));

    ActionResult result = run(new JsonObject().put("url", target.url("/hook")));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).contains("host '127.0.0.1' is not allowed").contains(HttpActionSettings.ALLOWED_HOSTS);
    assertThat(target.received).isEmpty();
  }

  @Test
  void privateRangesAreRecognised() throws Exception {
    for (String internal : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "224.0.0.1")) {
      assertThat(HttpAction.isPrivate(InetAddress.getByName(internal))).as(internal).isTrue();
    }
    for (String external : List.of("8.8.8.8", "140.82.112.3", "2606:4700::1111")) {
      assertThat(HttpAction.isPrivate(InetAddress.getByName(external))).as(external).isFalse();
    }
  }

  // ---------------------------------------------------------------- settings

  @Test
  void settingsComeFromTheEnvironment() {
    assertThat(HttpActionSettings.fromEnv(Map.of())).isEqualTo(HttpActionSettings.defaults());
    HttpActionSettings settings = HttpActionSettings.fromEnv(Map.of(
        HttpActionSettings.ALLOWED_HOSTS, " Hooks.Example.com, *.corp.example ,",
        HttpActionSettings.ALLOW_PRIVATE, "TRUE",
        HttpActionSettings.TIMEOUT_MILLIS, "1500"));
    assertThat(settings.allowedHosts()).containsExactly("hooks.example.com", "*.corp.example");
    assertThat(settings.allowPrivate()).isTrue();
    assertThat(settings.timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(settings.listed("a.corp.example")).isTrue();
    assertThat(settings.listed("corp.example.evil.com")).isFalse();
    assertThat(settings.listed("evilcorp.example")).isFalse();

    assertThatThrownBy(() -> HttpActionSettings.fromEnv(Map.of(HttpActionSettings.ALLOW_PRIVATE, "yes")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(HttpActionSettings.ALLOW_PRIVATE);
    assertThatThrownBy(() -> HttpActionSettings.fromEnv(Map.of(HttpActionSettings.TIMEOUT_MILLIS, "-5")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(HttpActionSettings.TIMEOUT_MILLIS);
    assertThatThrownBy(() -> HttpActionSettings.fromEnv(Map.of(HttpActionSettings.ALLOWED_HOSTS, "http://x/y")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(HttpActionSettings.ALLOWED_HOSTS);
  }
}

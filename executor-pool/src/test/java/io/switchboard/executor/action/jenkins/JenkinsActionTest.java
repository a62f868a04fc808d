package io.switchboard.executor.action.jenkins;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionRegistry;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.jenkins.JenkinsStandIn;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JenkinsActionTest {

  private static final String USER = "deployer";
  private static final String TOKEN = "11aa22bb33cc44dd55ee66ff7788990011";
  private static final String BASIC = Base64.getEncoder().encodeToString((USER + ":" + TOKEN)
      .getBytes(StandardCharsets.UTF_8));
  private static DatabaseUrl url;

  private Vertx vertx;
  private SecretStore store;
  private JenkinsStandIn jenkins;
  private JenkinsAction action;
  private Promise<String> stop;

  @BeforeAll
  static void database() {
    url = TestDatabase.fresh();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme')");
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    store = new LocalSecretStore(TestDatabase.pool(vertx, url), MasterKey.generate());
    TestDatabase.execute(url, "DELETE FROM tenant_secrets");
    Await.result(store.put("acme", "jenkins-user", USER));
    Await.result(store.put("acme", "jenkins-token", TOKEN));
    jenkins = new JenkinsStandIn(vertx);
    jenkins.users.put(USER, TOKEN);
    jenkins.jobs.add("deploy");
    jenkins.jobs.add("team/deploy api");
    action = new JenkinsAction(settings(Duration.ofSeconds(10)));
    stop = Promise.promise();
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  private static JenkinsSettings settings(Duration requestTimeout) {
    return new JenkinsSettings(Duration.ofMillis(20), requestTimeout, 40, 4096);
  }

  private JsonObject args() {
    return new JsonObject().put("url", jenkins.rootUrl()).put("job", "deploy")
        .put("parameters", new JsonObject().put("ENV", "production").put("REPLICAS", 3).put("DRY_RUN", false))
        .put("userSecret", "jenkins-user").put("tokenSecret", "jenkins-token");
  }

  private ActionContext context(JsonObject args) {
    return new ActionContext(vertx, "acme", 1L, 1, "idem-key", args, new JobSecrets(store, "acme"), stop.future());
  }

  private ActionResult run(JsonObject args) {
    return Await.result(action.run(context(args)));
  }

  private static void assertFinalFailure(ActionResult result) {
    assertThat(result.succeeded()).as(String.valueOf(result)).isFalse();
    assertThat(result.retryable()).as(String.valueOf(result)).isFalse();
  }

  // ---------------------------------------------------------------- success

  @Test
  void triggersWithParametersAndCrumbAndFollowsTheBuildToSuccess() {
    ActionResult result = run(args());

    assertThat(result.succeeded()).as(String.valueOf(result)).isTrue();
    assertThat(result.output()).startsWith("Jenkins build #1 of deploy: SUCCESS\n"
        + JenkinsStandIn.PUBLIC_ROOT + "/job/deploy/1/\n--- console (tail) ---\n")
        .endsWith("line 100\nFinished: SUCCESS")
        .contains("line 62\n").doesNotContain("line 61\n").doesNotContain("Started by");
    assertThat(result.output().split("\n")).hasSize(3 + 40);

    List<JenkinsStandIn.Received> triggers = jenkins.matching("POST", "/buildWithParameters");
    assertThat(triggers).hasSize(1);
    JenkinsStandIn.Received trigger = triggers.get(0);
    assertThat(trigger.uri()).isEqualTo("/jenkins/job/deploy/buildWithParameters");
    assertThat(trigger.body()).isEqualTo("DRY_RUN=false&ENV=production&REPLICAS=3");
    assertThat(trigger.headers().get("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(trigger.headers().get(JenkinsStandIn.CRUMB_FIELD)).isNotBlank();
    assertThat(trigger.headers().get("Cookie")).startsWith("JSESSIONID.standin=");
    // Jenkins reports its own root URL (https://ci.test): every read stays on the configured one.
    assertThat(jenkins.matching("GET", "/queue/item/7/api/json")).hasSize(3);
    assertThat(jenkins.matching("GET", "/job/deploy/1/api/json")).hasSize(3);
    assertThat(jenkins.matching("GET", "/job/deploy/1/consoleText")).hasSize(1);
    assertThat(jenkins.received).allSatisfy(r -> assertThat(r.headers().get("Authorization"))
        .isEqualTo("Basic " + BASIC));
    assertThat(jenkins.received.get(0).uri()).isEqualTo("/jenkins/crumbIssuer/api/json");
  }

  @Test
  void withoutParametersTheBuildIsStartedWithBuild() {
    ActionResult result = run(args().putNull("parameters"));

    assertThat(result.succeeded()).as(String.valueOf(result)).isTrue();
    assertThat(jenkins.matching("POST", "/job/deploy/build")).singleElement()
        .satisfies(r -> assertThat(r.uri()).isEqualTo("/jenkins/job/deploy/build"));
  }

  @Test
  void theIdempotencyKeyIsABuildParameterOnlyWhenAskedFor() {
    run(args());
    assertThat(jenkins.matching("POST", "/buildWithParameters").get(0).body()).doesNotContain("SWITCHBOARD");

    ActionResult result = run(args().putNull("parameters").put("idempotencyParameter", true));

    assertThat(result.succeeded()).as(String.valueOf(result)).isTrue();
    assertThat(jenkins.matching("POST", "/buildWithParameters")).hasSize(2);
    assertThat(jenkins.matching("POST", "/buildWithParameters").get(1).body())
        .isEqualTo("SWITCHBOARD_IDEMPOTENCY_KEY=idem-key");
  }

  @Test
  void aJobInAFolderIsCalledUnderEachFolder() {
    ActionResult result = run(args().put("job", "team/deploy api"));

    assertThat(result.succeeded()).as(String.valueOf(result)).isTrue();
    assertThat(jenkins.matching("POST", "/buildWithParameters").get(0).uri())
        .isEqualTo("/jenkins/job/team/job/deploy%20api/buildWithParameters");
    assertThat(jenkins.matching("GET", "/jenkins/job/team/job/deploy%20api/1/api/json")).isNotEmpty();
    assertThat(result.output()).startsWith("Jenkins build #1 of team/deploy api: SUCCESS");
  }

  @Test
  void withoutACrumbIssuerTheBuildIsStartedWithoutACrumb() {
    jenkins.csrf = false;

    ActionResult result = run(args());

    assertThat(result.succeeded()).as(String.valueOf(result)).isTrue();
    assertThat(jenkins.matching("GET", "/crumbIssuer/api/json")).hasSize(1);
    assertThat(jenkins.matching("POST", "/buildWithParameters").get(0).headers().get(JenkinsStandIn.CRUMB_FIELD))
        .isNull();
  }

  // ---------------------------------------------------------------- results

  @ParameterizedTest
  @ValueSource(strings = {"FAILURE", "UNSTABLE", "ABORTED", "NOT_BUILT"})
  void everyOtherResultFailsTheJobNamingIt(String outcome) {
    jenkins.result = outcome;

    ActionResult result = run(args());

    assertFinalFailure(result);
    assertThat(result.error()).startsWith("jenkins: deploy: Jenkins build #1 of deploy: " + outcome + "\n"
        + JenkinsStandIn.PUBLIC_ROOT + "/job/deploy/1/").endsWith("Finished: " + outcome);
  }

  @Test
  void aBuildCancelledInTheQueueFails() {
    jenkins.cancelInQueueAfter = 1;

    ActionResult result = run(args());

    assertFinalFailure(result);
    assertThat(result.error()).isEqualTo("jenkins: deploy: queue item 7 was cancelled in the queue "
        + "(it was waiting: Waiting for next available executor)");
  }

  // ---------------------------------------------------------------- Jenkins' errors

  @Test
  void badCredentialsAreFinal() {
    jenkins.users.put(USER, "another-token");

    ActionResult result = run(args());

    assertFinalFailure(result);
    assertThat(result.error()).contains("401").contains("bad credentials")
        .contains("secrets 'jenkins-user' and 'jenkins-token'");
    assertThat(jenkins.matching("POST", "/job/")).isEmpty();
  }

  @Test
  void anUnknownJobIsFinal() {
    ActionResult result = run(args().put("job", "nope"));

    assertFinalFailure(result);
    assertThat(result.error()).contains("404").contains("no such job 'nope' at " + jenkins.rootUrl());
  }

  @Test
  void aTokenWhereAnErrorAnswerIsCutShortLeavesNoPieceOfItself() {
    // Jenkins' answer is cut at 300 characters: the first 10 of the token fit below the limit.
    jenkins.forced.add(new JenkinsStandIn.Forced("/buildWithParameters", 400, "x".repeat(290) + TOKEN));
    ActionContext context = context(args());

    ActionResult redacted = context.secrets().redact(Await.result(action.run(context)));

    assertFinalFailure(redacted);
    assertThat(redacted.error()).contains("400: xxx").contains("[redac").doesNotContain(TOKEN.substring(0, 8));
  }

  @Test
  void noPermissionAndARejectedCrumbAreFinal() {
    jenkins.forced.add(new JenkinsStandIn.Forced("/buildWithParameters", 403, "<html>Forbidden</html>"));
    ActionResult forbidden = run(args());
    jenkins.forced.add(new JenkinsStandIn.Forced("/crumbIssuer", 200, "{}")); // no crumb handed out
    ActionResult noCrumb = run(args());

    assertFinalFailure(forbidden);
    assertThat(forbidden.error()).contains("403: no permission: the user in secret 'jenkins-user' may not build deploy");
    assertFinalFailure(noCrumb);
    assertThat(noCrumb.error()).contains("403: Jenkins rejected the CSRF crumb");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/crumbIssuer", "/buildWithParameters"})
  void unavailableJenkinsBeforeQueueingIsRetryable(String where) {
    jenkins.forced.add(new JenkinsStandIn.Forced(where, 503, "<html>Service Unavailable</html>"));
    ActionResult unavailable = run(args());
    jenkins.forced.add(new JenkinsStandIn.Forced(where, 429, ""));
    ActionResult busy = run(args());

    assertThat(List.of(unavailable, busy)).allSatisfy(r -> {
      assertThat(r.succeeded()).isFalse();
      assertThat(r.retryable()).as(String.valueOf(r)).isTrue();
      assertThat(r.error()).contains("the build was not queued");
    });
    assertThat(unavailable.error()).contains("503");
    assertThat(busy.error()).contains("429");
    assertThat(jenkins.matching("GET", "/queue/item/")).isEmpty();
  }

  @Test
  void aRefusedConnectionIsRetryable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    ActionResult result = run(args().put("url", "http://127.0.0.1:" + closedPort + "/"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isTrue();
    assertThat(result.error()).contains("cannot reach Jenkins at http://127.0.0.1:" + closedPort);
  }

  @Test
  void aTriggerWithoutAnswerIsNotRetriedAsItMayHaveQueuedABuild() {
    jenkins.hangTrigger = true;
    action = new JenkinsAction(settings(Duration.ofMillis(300)));

    ActionResult result = run(args());

    assertFinalFailure(result);
    assertThat(result.error()).contains("the trigger got no answer").contains("may have been queued");
  }

  @Test
  void errorsAfterQueueingAreNeverRetryable() {
    jenkins.forced.add(new JenkinsStandIn.Forced("/queue/item/7/", 500, ""));
    jenkins.forced.add(new JenkinsStandIn.Forced("/queue/item/7/", 502, ""));
    ActionResult riddenOut = run(args());
    assertThat(riddenOut.succeeded()).as(String.valueOf(riddenOut)).isTrue();

    for (int i = 0; i < BuildFollower.MAX_TRANSIENT_POLL_ERRORS; i++) {
      jenkins.forced.add(new JenkinsStandIn.Forced("/job/deploy/2/api/json", 503, ""));
    }
    ActionResult unavailable = run(args());
    jenkins.forced.add(new JenkinsStandIn.Forced("/job/deploy/3/api/json", 404, ""));
    ActionResult gone = run(args());

    assertFinalFailure(unavailable);
    assertThat(unavailable.error()).contains("following build #2").contains("503")
        .contains("not retried, as the build was already queued");
    assertFinalFailure(gone);
    assertThat(gone.error()).contains("following build #3").contains("404 (not found)");
  }

  @Test
  void anAnswerOfAnUnexpectedShapeEndsTheJobInsteadOfHangingIt() {
    jenkins.forced.add(new JenkinsStandIn.Forced("/queue/item/7/", 200, "{\"executable\": \"soon\"}"));

    ActionResult result = run(args());

    assertFinalFailure(result);
    assertThat(result.error()).contains("following queue item 7 failed: Jenkins answered JSON this action does not "
        + "understand");
  }

  // ---------------------------------------------------------------- stop

  @Test
  void stopWhileQueuedCancelsTheQueueItem() {
    jenkins.holdInQueue = true;
    Future<ActionResult> running = action.run(context(args()));
    Await.until("the queue item is polled", () -> jenkins.matching("GET", "/queue/item/7/").size() >= 2);

    stop.complete("cancelled by alice");

    ActionResult result = Await.result(running);
    assertFinalFailure(result);
    assertThat(result.error()).isEqualTo("jenkins: deploy: stopped (cancelled by alice); cancelled queue item 7 "
        + "in Jenkins (it was waiting: Waiting for next available executor)");
    assertThat(jenkins.matching("POST", "/queue/cancelItem")).singleElement().satisfies(r -> {
      assertThat(r.uri()).isEqualTo("/jenkins/queue/cancelItem?id=7");
      assertThat(r.headers().get(JenkinsStandIn.CRUMB_FIELD)).isNotBlank();
    });
    assertThat(jenkins.matching("POST", "/stop")).isEmpty();
  }

  @Test
  void aBuildThatLeftTheQueueAsItWasCancelledIsStopped() {
    jenkins.holdInQueue = true;
    jenkins.startsBeforeCancel = true;
    jenkins.holdBuilding = true;
    Future<ActionResult> running = action.run(context(args()));
    Await.until("the queue item is polled", () -> jenkins.matching("GET", "/queue/item/7/").size() >= 2);

    stop.complete("cancelled by alice");

    ActionResult result = Await.result(running);
    assertThat(result.error()).isEqualTo("jenkins: deploy: stopped (cancelled by alice); the build had started "
        + "already; stopped build #1 (" + JenkinsStandIn.PUBLIC_ROOT + "/job/deploy/1/) in Jenkins");
    assertThat(jenkins.matching("POST", "/queue/cancelItem")).hasSize(1);
    assertThat(jenkins.matching("POST", "/jenkins/job/deploy/1/stop")).hasSize(1);
  }

  @Test
  void stopWhileBuildingStopsTheBuild() {
    jenkins.holdBuilding = true;
    Future<ActionResult> running = action.run(context(args()));
    Await.until("the build is polled", () -> jenkins.matching("GET", "/job/deploy/1/api/json").size() >= 2);

    stop.complete("timed out after 1 minute");

    ActionResult result = Await.result(running);
    assertFinalFailure(result);
    assertThat(result.error()).isEqualTo("jenkins: deploy: stopped (timed out after 1 minute); stopped build #1 ("
        + JenkinsStandIn.PUBLIC_ROOT + "/job/deploy/1/) in Jenkins");
    assertThat(jenkins.matching("POST", "/stop")).singleElement().satisfies(r -> {
      assertThat(r.uri()).isEqualTo("/jenkins/job/deploy/1/stop");
      assertThat(r.headers().get(JenkinsStandIn.CRUMB_FIELD)).isNotBlank();
    });
    assertThat(jenkins.matching("POST", "/queue/cancelItem")).isEmpty();
  }

  @Test
  void stopWhileTheTriggerHangsSaysTheBuildMayHaveBeenQueued() {
    jenkins.hangTrigger = true;
    Future<ActionResult> running = action.run(context(args()));
    Await.until("the trigger is sent", () -> jenkins.matching("POST", "/buildWithParameters").size() == 1);

    stop.complete("cancelled by alice");

    assertThat(Await.result(running).error()).isEqualTo("jenkins: deploy: stopped (cancelled by alice) while "
        + "triggering the build; it may have been queued: check " + jenkins.rootUrl() + "/job/deploy");
  }

  // ---------------------------------------------------------------- arguments and secrets

  static Stream<JsonObject> badArguments() {
    JsonObject ok = new JsonObject().put("url", "https://ci.example.com").put("job", "deploy")
        .put("userSecret", "jenkins-user").put("tokenSecret", "jenkins-token");
    return Stream.of(
        ok.copy().putNull("url"),
        ok.copy().put("url", "ci.example.com"),
        ok.copy().put("url", "ftp://ci.example.com"),
        ok.copy().put("url", "https://deployer:secret@ci.example.com"),
        ok.copy().put("url", "https://ci.example.com/?x=1"),
        ok.copy().putNull("job"),
        ok.copy().put("job", ""),
        ok.copy().put("job", "team//deploy"),
        ok.copy().put("job", "../deploy"),
        ok.copy().put("job", "deploy?x=1"),
        ok.copy().put("job", 42),
        ok.copy().put("parameters", "ENV=prod"),
        ok.copy().put("parameters", new JsonObject().put("ENV", new JsonArray())),
        ok.copy().put("parameters", new JsonObject().put("SWITCHBOARD_IDEMPOTENCY_KEY", "x")),
        ok.copy().putNull("userSecret"),
        ok.copy().put("tokenSecret", "a literal token"),
        ok.copy().put("idempotencyParameter", "yes"));
  }

  @ParameterizedTest
  @MethodSource("badArguments")
  void badArgumentsFailTheJobWithAClearMessage(JsonObject args) {
    ActionResult result = run(args);

    assertFinalFailure(result);
    assertThat(result.error()).startsWith("jenkins: ").doesNotContain("Exception").doesNotContain("secret@");
    assertThat(jenkins.received).isEmpty();
  }

  @Test
  void aMissingSecretFailsBeforeCallingJenkins() {
    ActionResult result = run(args().put("tokenSecret", "other-token"));

    assertFinalFailure(result);
    assertThat(result.error()).contains("secret 'other-token' is not set");
    assertThat(jenkins.received).isEmpty();
  }

  @Test
  void credentialsAreRedactedFromOutputAndErrors() {
    jenkins.consoleLines = 0; // the whole console, which prints the Authorization header and the token
    ActionContext succeeding = context(args());
    ActionResult output = succeeding.secrets().redact(Await.result(action.run(succeeding)));

    jenkins.result = "FAILURE";
    ActionContext failing = context(args());
    ActionResult error = failing.secrets().redact(Await.result(action.run(failing)));

    jenkins.forced.add(new JenkinsStandIn.Forced("/buildWithParameters", 400, "bad request from " + USER + ":"
        + TOKEN + " with Basic " + BASIC));
    ActionContext refused = context(args());
    ActionResult refusal = refused.secrets().redact(Await.result(action.run(refused)));

    jenkins.users.clear();
    jenkins.echoAuthorization = true;
    ActionContext unauthorised = context(args());
    ActionResult unauthorisedError = unauthorised.secrets().redact(Await.result(action.run(unauthorised)));

    assertThat(output.output()).contains("+ echo Basic [redacted:basic-auth]")
        .contains("+ curl -u [redacted:jenkins-user]:[redacted:jenkins-token] ...");
    assertThat(error.error()).contains("+ echo Basic [redacted:basic-auth]");
    assertThat(refusal.error()).contains("400").contains("[redacted:jenkins-token]");
    for (String text : List.of(output.output(), error.error(), refusal.error(), unauthorisedError.error())) {
      assertThat(text).doesNotContain(TOKEN).doesNotContain(BASIC);
    }
  }

  // ---------------------------------------------------------------- settings

  @Test
  void settingsComeFromTheEnvironment() {
    assertThat(JenkinsSettings.fromEnv(Map.of())).isEqualTo(JenkinsSettings.defaults());
    assertThat(JenkinsSettings.defaults().pollInterval()).isEqualTo(Duration.ofSeconds(5));
    JenkinsSettings set = JenkinsSettings.fromEnv(Map.of(
        JenkinsSettings.POLL_MILLIS, "250",
        JenkinsSettings.REQUEST_TIMEOUT_MILLIS, "2000",
        JenkinsSettings.CONSOLE_TAIL_LINES, "10",
        JenkinsSettings.CONSOLE_TAIL_BYTES, "1024"));
    assertThat(set).isEqualTo(new JenkinsSettings(Duration.ofMillis(250), Duration.ofSeconds(2), 10, 1024));

    assertThatThrownBy(() -> JenkinsSettings.fromEnv(Map.of(JenkinsSettings.POLL_MILLIS, "0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(JenkinsSettings.POLL_MILLIS);
    assertThatThrownBy(() -> JenkinsSettings.fromEnv(Map.of(JenkinsSettings.CONSOLE_TAIL_LINES, "many")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(JenkinsSettings.CONSOLE_TAIL_LINES);
    assertThat(ActionRegistry.installed(Map.of()).find("jenkins")).containsInstanceOf(JenkinsAction.class);
    assertThatThrownBy(() -> ActionRegistry.installed(Map.of(JenkinsSettings.REQUEST_TIMEOUT_MILLIS, "-1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(JenkinsSettings.REQUEST_TIMEOUT_MILLIS);
  }

  @Test
  void aLongConsoleIsCutToItsLastBytesAtALineBoundary() {
    jenkins.consoleLines = 5000;
    action = new JenkinsAction(new JenkinsSettings(Duration.ofMillis(20), Duration.ofSeconds(10), 1000, 100));

    ActionResult result = run(args());

    String marker = "--- console (tail) ---\n";
    String console = result.output().substring(result.output().indexOf(marker) + marker.length());
    assertThat(console.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(100);
    assertThat(console).endsWith("line 5000\nFinished: SUCCESS").startsWith("line ");
  }
}

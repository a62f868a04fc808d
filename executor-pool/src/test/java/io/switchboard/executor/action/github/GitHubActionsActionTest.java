package io.switchboard.executor.action.github;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.tenancy.command.CommandParser;
import io.switchboard.tenancy.command.ParsedCommand;
import io.switchboard.tenancy.policy.PolicyDocument;
import io.switchboard.tenancy.policy.TenantPolicy;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.github.GitHubStandIn;
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

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitHubActionsActionTest {

  private static final String ACME_TOKEN = "ghp_acme_0123456789";
  private static final String GLOBEX_TOKEN = "ghp_globex_9876543210";
  private static DatabaseUrl url;

  private Vertx vertx;
  private SecretStore store;
  private GitHubStandIn github;
  private GitHubActionsAction action;
  private Promise<String> stop;

  @BeforeAll
  static void database() {
    url = TestDatabase.fresh();
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    store = new LocalSecretStore(TestDatabase.pool(vertx, url), MasterKey.generate());
    TestDatabase.execute(url, "DELETE FROM tenant_secrets");
    Await.result(store.put("acme", "github-token", ACME_TOKEN));
    Await.result(store.put("globex", "github-token", GLOBEX_TOKEN));
    github = new GitHubStandIn(vertx);
    github.validTokens.add(ACME_TOKEN);
    action = new GitHubActionsAction(settings(github.apiUrl()));
    stop = Promise.promise();
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  private static GitHubActionsSettings settings(String apiUrl) {
    return new GitHubActionsSettings(URI.create(apiUrl), Duration.ofMillis(50), Duration.ofSeconds(10),
        Duration.ofSeconds(5));
  }

  private static JsonObject args() {
    return new JsonObject().put("owner", "acme").put("repo", "app").put("workflow", "deploy.yml").put("ref", "main")
        .put("inputs", new JsonObject().put("environment", "production").put("dryRun", false))
        .put("tokenSecret", "github-token");
  }

  private ActionContext context(String tenant, JsonObject args, Future<String> stopSignal) {
    return new ActionContext(vertx, tenant, 1L, 1, "idem-key", args, new JobSecrets(store, tenant), stopSignal);
  }

  private ActionResult run(JsonObject args) {
    return Await.result(action.run(context("acme", args, stop.future())));
  }

  // ---------------------------------------------------------------- success

  @Test
  void dispatchesTheWorkflowAndFollowsItsRunToSuccess() {
    ActionResult result = run(args());

    assertThat(result.succeeded()).as(String.valueOf(result)).isTrue();
    assertThat(result.output()).isEqualTo("GitHub Actions run 100 of acme/app deploy.yml on main: success\n"
        + "Deploy\nhttps://github.test/acme/app/actions/runs/100");
    List<GitHubStandIn.Received> dispatches = github.matching("POST", "/dispatches");
    assertThat(dispatches).hasSize(1);
    assertThat(dispatches.get(0).uri()).isEqualTo("/api/v3/repos/acme/app/actions/workflows/deploy.yml/dispatches");
    assertThat(new JsonObject(dispatches.get(0).body())).isEqualTo(new JsonObject().put("ref", "main")
        .put("inputs", new JsonObject().put("environment", "production").put("dryRun", "false")));
    assertThat(github.matching("GET", "/actions/workflows/deploy.yml/runs"))
        .allSatisfy(r -> assertThat(r.uri()).contains("event=workflow_dispatch").contains("branch=main")
            .contains("created=%3E%3D"));
    assertThat(github.readsOf(100)).isEqualTo(3);
    assertThat(github.readsOf(1)).as("the older run is never mistaken for ours").isZero();
    assertThat(github.received).allSatisfy(r -> {
      assertThat(r.headers().get("Authorization")).isEqualTo("Bearer " + ACME_TOKEN);
      assertThat(r.headers().get("Accept")).isEqualTo("application/vnd.github+json");
      assertThat(r.headers().get("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
    });
  }

  @Test
  void theDocumentedDeployOfSeveralServicesSendsThemAsOneCommaSeparatedInput() throws IOException {
    TenantPolicy example = PolicyDocument.compile(new JsonObject(
        Files.readString(Path.of("..", "docs", "examples", "policy.json"))), 1);
    ParsedCommand.Invocation deploy = (ParsedCommand.Invocation) new CommandParser().parse(example.catalog(),
        "deploy staging api,web --version 1.4.2");
    assertThat(deploy.arguments().getJsonObject("inputs").getValue("services"))
        .as("a multiple argument fills its placeholder with a list").isEqualTo(new JsonArray().add("api").add("web"));

    // The stand-in holds repository acme/app; the example names acme/platform. Only the repo differs.
    ActionResult result = run(deploy.arguments().copy().put("repo", "app"));

    assertThat(result.succeeded()).as(String.valueOf(result)).isTrue();
    assertThat(new JsonObject(github.matching("POST", "/dispatches").get(0).body()).getJsonObject("inputs"))
        .isEqualTo(new JsonObject().put("environment", "staging").put("services", "api,web").put("version", "1.4.2"));
  }

  @Test
  void aListInputOfNumbersAndTextIsJoinedAndOneOfObjectsIsRefused() {
    ActionResult joined = run(args().put("inputs", new JsonObject().put("shards", new JsonArray().add(1).add("b"))));
    ActionResult refused = run(args().put("inputs", new JsonObject()
        .put("shards", new JsonArray().add(new JsonObject()))));

    assertThat(joined.succeeded()).as(String.valueOf(joined)).isTrue();
    assertThat(new JsonObject(github.matching("POST", "/dispatches").get(0).body()).getJsonObject("inputs"))
        .isEqualTo(new JsonObject().put("shards", "1,b"));
    assertThat(refused.error()).isEqualTo("github-actions: input 'shards' must be text, a number, true/false "
        + "or a list of them");
    assertThat(github.matching("POST", "/dispatches")).hasSize(1);
  }

  @Test
  void aDispatchAnsweredWithTheRunIdIsFollowedWithoutSearching() {
    github.returnRunDetails = true;
    github.listCallsBeforeRunAppears = 1000; // a search could never find it

    ActionResult result = run(args().put("workflow", 161335));

    assertThat(result.succeeded()).as(String.valueOf(result)).isTrue();
    assertThat(result.output()).contains("run 100 ").contains("https://github.test/acme/app/actions/runs/100");
    assertThat(github.matching("GET", "/runs?")).hasSize(1); // only the look before dispatching
  }

  @Test
  void aRunThatShowsUpLateIsFound() {
    github.listCallsBeforeRunAppears = 3;

    ActionResult result = run(args().put("ref", "refs/heads/main"));

    assertThat(result.succeeded()).as(String.valueOf(result)).isTrue();
    assertThat(github.matching("GET", "/runs?").size()).isGreaterThanOrEqualTo(5);
    assertThat(github.matching("GET", "/runs?")).allSatisfy(r -> assertThat(r.uri()).contains("branch=main&"));
  }

  @Test
  void aRunThatNeverShowsUpFailsClearly() {
    github.listCallsBeforeRunAppears = 1_000_000;
    action = new GitHubActionsAction(new GitHubActionsSettings(URI.create(github.apiUrl()), Duration.ofMillis(20),
        Duration.ofSeconds(10), Duration.ofMillis(200)));

    ActionResult result = run(args());

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).as("a retry would dispatch a second run").isFalse();
    assertThat(result.error()).contains("dispatched acme/app deploy.yml on main, but no run of it appeared");
  }

  @Test
  void aFailedRunFailsTheJob() {
    github.conclusion = "failure";

    ActionResult result = run(args());

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).contains("run 100").contains(": failure")
        .contains("https://github.test/acme/app/actions/runs/100");
  }

  // ---------------------------------------------------------------- bad arguments and secrets

  static Stream<JsonObject> badArguments() {
    return Stream.of(
        args().putNull("owner"),
        args().put("owner", "ac/me"),
        args().put("repo", ""),
        args().put("repo", "../x"),
        args().putNull("workflow"),
        args().put("workflow", "deploy"),
        args().put("workflow", "../../x.yml"),
        args().putNull("ref"),
        args().put("ref", "has space"),
        args().put("inputs", "env=prod"),
        args().put("inputs", new JsonObject().put("nested", new JsonObject())),
        args().putNull("tokenSecret"),
        args().put("tokenSecret", new JsonArray().add("x")),
        args().put("tokenSecret", "ghp_literal token"));
  }

  @ParameterizedTest
  @MethodSource("badArguments")
  void badArgumentsFailTheJobWithAClearMessage(JsonObject args) {
    ActionResult result = run(args);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).startsWith("github-actions: ").doesNotContain("Exception");
    assertThat(github.received).isEmpty();
  }

  @Test
  void aMissingTokenSecretFailsBeforeCallingGitHub() {
    ActionResult result = run(args().put("tokenSecret", "deploy-token"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).contains("secret 'deploy-token' is not set");
    assertThat(github.received).isEmpty();
  }

  @Test
  void eachTenantUsesItsOwnToken() {
    ActionResult globex = Await.result(action.run(context("globex", args(), stop.future())));
    assertThat(globex.succeeded()).isFalse(); // GitHub knows only acme's token here
    assertThat(github.received).extracting(r -> r.headers().get("Authorization"))
        .containsOnly("Bearer " + GLOBEX_TOKEN);

    github.received.clear();
    ActionResult acme = run(args());
    assertThat(acme.succeeded()).isTrue();
    assertThat(github.received).extracting(r -> r.headers().get("Authorization")).containsOnly("Bearer " + ACME_TOKEN);
  }

  @Test
  void aTokenEchoedByGitHubIsRedacted() {
    github.validTokens.clear();
    github.echoTokenInErrors = true;
    ActionContext context = context("acme", args(), stop.future());

    ActionResult result = Await.result(action.run(context));

    assertThat(result.error()).as("GitHub's message is redacted before it is shortened").doesNotContain(ACME_TOKEN);
    ActionResult redacted = context.secrets().redact(result);
    assertThat(redacted.error()).contains("Bad credentials: [redacted:github-token]").doesNotContain(ACME_TOKEN);
  }

  @Test
  void aTokenWhereGitHubsMessageIsCutShortLeavesNoPieceOfItself() {
    // GitHub's message is cut at 300 characters: the first 10 of the token fit below the limit.
    github.forced.add(new GitHubStandIn.Forced("/dispatches", 422, Map.of(), "x".repeat(290) + ACME_TOKEN));
    ActionContext context = context("acme", args(), stop.future());

    ActionResult redacted = context.secrets().redact(Await.result(action.run(context)));

    assertThat(redacted.succeeded()).isFalse();
    assertThat(redacted.error()).contains("422: xxx").contains("[redac").doesNotContain(ACME_TOKEN.substring(0, 8));
  }

  // ---------------------------------------------------------------- GitHub's errors

  @Test
  void refusedCredentialsAreAFinalFailure() {
    github.validTokens.clear();

    ActionResult result = run(args());

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).contains("GitHub refused the token in secret 'github-token'").contains("401")
        .contains("Bad credentials");
    assertThat(github.matching("POST", "/dispatches")).isEmpty();
  }

  @Test
  void forbiddenAndNotFoundAndInvalidAreFinal() {
    github.forced.add(new GitHubStandIn.Forced("/dispatches", 403, Map.of(), "Resource not accessible by integration"));
    ActionResult forbidden = run(args());
    ActionResult missing = run(args().put("workflow", "nope.yml"));
    ActionResult badRef = run(args().put("ref", "no-such-branch"));

    assertThat(List.of(forbidden, missing, badRef)).allSatisfy(r -> {
      assertThat(r.succeeded()).isFalse();
      assertThat(r.retryable()).isFalse();
    });
    assertThat(forbidden.error()).contains("403: Resource not accessible by integration").contains("permission");
    assertThat(missing.error()).contains("not found (404: Not Found)");
    assertThat(badRef.error()).contains("422: No ref found for: no-such-branch");
  }

  @Test
  void serverErrorsAndRefusedConnectionsAreRetryable() throws Exception {
    github.forced.add(new GitHubStandIn.Forced("/dispatches", 502, Map.of(), "Server Error"));
    ActionResult badGateway = run(args());

    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    action = new GitHubActionsAction(settings("http://127.0.0.1:" + closedPort + "/api/v3"));
    ActionResult refused = run(args());

    assertThat(badGateway.retryable()).isTrue();
    assertThat(badGateway.error()).contains("502");
    assertThat(refused.retryable()).isTrue();
    assertThat(refused.error()).contains("failed");
  }

  @Test
  void aRateLimitIsWaitedOutAsGitHubAsks() {
    github.forced.add(new GitHubStandIn.Forced("/dispatches", 429, Map.of("Retry-After", "1"), "Too many requests"));

    ActionResult result = run(args());

    assertThat(result.succeeded()).as(String.valueOf(result)).isTrue();
    List<GitHubStandIn.Received> dispatches = github.matching("POST", "/dispatches");
    assertThat(dispatches).hasSize(2);
    assertThat(Duration.between(dispatches.get(0).at(), dispatches.get(1).at())).isGreaterThanOrEqualTo(
        Duration.ofMillis(950));
  }

  @Test
  void aSecondaryRateLimitThatPersistsIsRetryable() {
    for (int i = 0; i <= GitHubActionsAction.MAX_DISPATCH_RATE_LIMIT_WAITS; i++) {
      github.forced.add(new GitHubStandIn.Forced("/dispatches", 403, Map.of("Retry-After", "0"),
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."));
    }

    ActionResult result = run(args());

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isTrue();
    assertThat(result.error()).contains("rate limited").contains("secondary rate limit");
    assertThat(github.matching("POST", "/dispatches")).hasSize(GitHubActionsAction.MAX_DISPATCH_RATE_LIMIT_WAITS + 1);
  }

  @Test
  void transientErrorsWhileFollowingTheRunAreRiddenOut() {
    github.forced.add(new GitHubStandIn.Forced("/actions/runs/100", 500, Map.of(), "Server Error"));
    github.forced.add(new GitHubStandIn.Forced("/actions/runs/100", 429, Map.of("Retry-After", "0"), "slow down"));

    ActionResult result = run(args());

    assertThat(result.succeeded()).as(String.valueOf(result)).isTrue();
    assertThat(github.matching("POST", "/dispatches")).hasSize(1);
    assertThat(github.readsOf(100)).isEqualTo(5);
  }

  // ---------------------------------------------------------------- stop

  @Test
  void stopCancelsTheRequestInFlight() {
    github.hangRunReads = true;
    Future<ActionResult> running = action.run(context("acme", args(), stop.future()));
    Await.until("the run is being read", () -> github.readsOf(100) == 1);

    stop.complete("cancelled by alice");

    ActionResult result = Await.result(running);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).contains("stopped following acme/app deploy.yml on main: cancelled by alice");
    Await.until("the request's connection is closed", () -> github.abandoned.get() == 1);
  }

  @Test
  void stopEndsThePolling() {
    github.script = List.of("queued", "in_progress"); // never completes
    Future<ActionResult> running = action.run(context("acme", args(), stop.future()));
    Await.until("the run is polled", () -> github.readsOf(100) >= 2);

    stop.complete("timed out after 1 minute");
    ActionResult result = Await.result(running);
    int readsWhenStopped = github.readsOf(100);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).contains("timed out after 1 minute")
        .contains("the run goes on in GitHub: https://github.test/acme/app/actions/runs/100");
    // A second job, followed to its end, spans many poll intervals: the stopped one polls no more.
    github.script = List.of("queued", "in_progress", "in_progress", "in_progress", "completed");
    ActionResult second = Await.result(new GitHubActionsAction(settings(github.apiUrl()))
        .run(context("acme", args(), Promise.<String>promise().future())));
    assertThat(second.output()).contains("run 101");
    assertThat(github.readsOf(100)).isLessThanOrEqualTo(readsWhenStopped + 1);
  }

  // ---------------------------------------------------------------- settings

  @Test
  void settingsComeFromTheEnvironment() {
    assertThat(GitHubActionsSettings.fromEnv(Map.of())).isEqualTo(GitHubActionsSettings.defaults());
    assertThat(GitHubActionsSettings.defaults().apiUrl()).isEqualTo(URI.create("https://api.github.com"));
    assertThat(GitHubActionsSettings.defaults().pollInterval()).isEqualTo(Duration.ofSeconds(5));
    GitHubActionsSettings ghe = GitHubActionsSettings.fromEnv(Map.of(
        GitHubActionsSettings.API_URL, "https://github.example.com/api/v3/",
        GitHubActionsSettings.POLL_MILLIS, "50",
        GitHubActionsSettings.REQUEST_TIMEOUT_MILLIS, "2000",
        GitHubActionsSettings.RUN_LOOKUP_MILLIS, "9000"));
    assertThat(ghe.base()).isEqualTo("https://github.example.com/api/v3");
    assertThat(ghe.pollInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(ghe.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(ghe.runLookupTimeout()).isEqualTo(Duration.ofSeconds(9));

    assertThatThrownBy(() -> GitHubActionsSettings.fromEnv(Map.of(GitHubActionsSettings.API_URL, "api.github.com")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(GitHubActionsSettings.API_URL);
    assertThatThrownBy(() -> GitHubActionsSettings.fromEnv(Map.of(GitHubActionsSettings.POLL_MILLIS, "0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(GitHubActionsSettings.POLL_MILLIS);
    assertThatThrownBy(() -> GitHubActionsSettings.fromEnv(Map.of(GitHubActionsSettings.RUN_LOOKUP_MILLIS, "soon")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(GitHubActionsSettings.RUN_LOOKUP_MILLIS);
  }
}

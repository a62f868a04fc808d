package io.switchboard.gateway.api;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.Http;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.discord.DiscordApiStandIn;
import io.switchboard.gateway.discord.SignedInteraction;
import io.switchboard.gateway.mattermost.ActionProof;
import io.switchboard.gateway.mattermost.MattermostRequests;
import io.switchboard.testkit.mattermost.MattermostStandIn;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.sandbox.SandboxChat;
import io.switchboard.gateway.sandbox.SandboxSessions;
import io.switchboard.gateway.sandbox.SandboxVisitor;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.slack.SlackEvent;
import io.switchboard.gateway.slack.oauth.OAuthState;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import io.switchboard.gateway.teams.TeamsActivities;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The other half of {@link RouteMatrixTest}: every chat, page and sandbox route that takes a credential,
 * given a bad one rather than none. Each row is a route, a kind of bad credential and what the route
 * must answer: the exact 4xx status, and the problem code (JSON routes) or page title (the OAuth
 * callback's HTML pages) that names why. After each row nothing has run: no job, approval, audit
 * record, tenant, installation, sandbox session or message, Slack event or OAuth state was written,
 * and no stand-in of Slack, Discord or the Bot Framework was called. The same requests with the right
 * credential are accepted (the last test), so each refusal is about the credential alone. One gateway,
 * with Slack, Discord, Teams and the sandbox configured, serves every row.
 */
@DisplayName("Route credential matrix: every chat and sandbox route refuses bad credentials as well as none, and nothing runs")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouteCredentialMatrixTest {

  /** Routes of {@link RouteMatrixTest#UNAUTHENTICATED} that take no credential, so have no row here. */
  private static final Set<String> NO_CREDENTIAL = Set.of("GET /slack/install", "GET /slack/manifest",
      "GET /sandbox/api/session", "GET /", "GET /sandbox/static/*", "GET /health", "GET /ready", "GET /metrics");

  static final String ACME_GUILD = "100000000000000001";
  static final String GLOBEX_GUILD = "200000000000000002";
  static final String DISCORD_CHANNEL = "500000000000000005";
  static final String ACME_TEAMS = "72f988bf-0000-4000-8000-00000000acme";
  static final String TEAMS_CHANNEL = "19:ops@thread.tacv2";
  static final String STATE_SECRET = "matrix-state-secret";
  static final String EVIL_ORIGIN = "https://evil.example";

  /** One row of the matrix: what is sent to the route, and the answer it must give. */
  record Row(String route, String credential, int status, String refusal, Supplier<HttpResponse<String>> request) {
    @Override
    public String toString() {
      return route + " with " + credential + " → " + status + " " + refusal;
    }
  }

  private static final SignedInteraction.App shared = SignedInteraction.App.generate("810000000000000001");
  private static final SignedInteraction.App globexApp = SignedInteraction.App.generate("820000000000000002");
  private static final SignedInteraction.App forger = SignedInteraction.App.generate("810000000000000001");

  private static BotFrameworkStandIn botFramework;
  private static DiscordApiStandIn discord;
  private static MattermostStandIn mattermost;
  private static final String MM_ACME_TEAM = "acmeteam000000000000000000";
  private static final String MM_GLOBEX_TEAM = "globexteam0000000000000000";
  private static final String MM_CHANNEL = "channel0000000000000000000";
  private static final String MM_USER = "alice000000000000000000000";
  private static final String MM_ACME_COMMAND_TOKEN = "acme-command-token-0001";
  private static final String MM_GLOBEX_COMMAND_TOKEN = "globex-command-token-01";
  private static GatewayFixture fixture;
  /** A visitor of the sandbox with a real session (alice). */
  private static SandboxVisitor alice;
  /** What GET /slack/install gave a browser: the state in Slack's URL, and the cookie. */
  private static String installState;
  private static String installCookie;

  /** Route → kind of bad credential → expected status and refusal. */
  static final List<Row> BAD_CREDENTIALS = List.of(
      new Row("POST /slack/commands", "a malformed signature (v0=zz)", 401, "bad_signature",
          () -> slashCommand().signature("v0=zz").post(fixture.baseUrl())),
      new Row("POST /slack/commands", "a stale timestamp, correctly signed", 401, "stale_request",
          () -> slashCommand().at(stale()).post(fixture.baseUrl())),
      new Row("POST /slack/commands", "another tenant's signing secret", 401, "bad_signature",
          () -> slashCommand().signedWith(GatewayFixture.GLOBEX_SECRET).post(fixture.baseUrl())),

      new Row("POST /slack/interactions", "a malformed signature (v0=zz)", 401, "bad_signature",
          () -> click().signature("v0=zz").post(fixture.baseUrl())),
      new Row("POST /slack/interactions", "a stale timestamp, correctly signed", 401, "stale_request",
          () -> click().at(stale()).post(fixture.baseUrl())),
      new Row("POST /slack/interactions", "another tenant's signing secret", 401, "bad_signature",
          () -> click().signedWith(GatewayFixture.GLOBEX_SECRET).post(fixture.baseUrl())),

      new Row("POST /slack/events", "a malformed signature (v0=zz)", 401, "bad_signature",
          () -> event().signature("v0=zz").post(fixture.baseUrl())),
      new Row("POST /slack/events", "a stale timestamp, correctly signed", 401, "stale_request",
          () -> event().at(stale()).post(fixture.baseUrl())),
      new Row("POST /slack/events", "another tenant's signing secret", 401, "bad_signature",
          () -> event().signedWith(GatewayFixture.GLOBEX_SECRET).post(fixture.baseUrl())),

      new Row("POST /discord/interactions", "a signature that is not hex (zz)", 401, "bad_signature",
          () -> SignedInteraction.send(fixture.baseUrl(), discordCommand(shared).encode(),
              Long.toString(Instant.now().getEpochSecond()), "zz")),
      new Row("POST /discord/interactions", "a stale timestamp, correctly signed", 401, "stale_request",
          () -> SignedInteraction.post(fixture.baseUrl(), shared, discordCommand(shared).encode(), stale())),
      new Row("POST /discord/interactions", "a signature by a key other than the configured one", 401, "bad_signature",
          () -> SignedInteraction.post(fixture.baseUrl(), forger, discordCommand(shared))),
      new Row("POST /discord/interactions", "another tenant's application key", 401, "bad_signature",
          () -> SignedInteraction.post(fixture.baseUrl(), globexApp, discordCommand(globexApp))),

      new Row("POST /mattermost/commands", "another tenant's slash command token", 401, "bad_signature",
          () -> mattermostCommand(MM_GLOBEX_COMMAND_TOKEN)),
      new Row("POST /mattermost/commands", "a token for a team that is not installed", 401, "unknown_workspace",
          () -> MattermostRequests.postCommand(fixture.baseUrl(), MattermostRequests.command(MM_ACME_COMMAND_TOKEN,
              "nosuchteam0000000000000000", MM_CHANNEL, MM_USER, "echo hi"))),
      new Row("POST /mattermost/commands", "no token", 401, "missing_signature",
          () -> mattermostCommand("")),
      new Row("POST /mattermost/actions", "a button proof that Switchboard did not make", 401, "bad_signature",
          () -> mattermostClick(ActionProof.sign("a-guessed-key", MM_ACME_TEAM, JobButtons.CANCEL, "1"))),
      new Row("POST /mattermost/actions", "another tenant's button key", 401, "bad_signature",
          () -> mattermostClick(ActionProof.sign(mattermostKey("globex", MM_GLOBEX_TEAM), MM_ACME_TEAM,
              JobButtons.CANCEL, "1"))),
      new Row("POST /mattermost/actions", "no proof", 401, "missing_signature", () -> mattermostClick("")),

      new Row("POST /api/messages", "an Authorization header of another scheme (Basic)", 401, "bad_signature",
          () -> Http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + "/api/messages"))
              .header("Content-Type", "application/json").header("Authorization", "Basic c3dpdGNoYm9hcmQ6eA==")
              .POST(HttpRequest.BodyPublishers.ofString(teamsMention().encode())).build())),
      new Row("POST /api/messages", "a bearer token that is not a JWT", 401, "bad_signature",
          () -> TeamsActivities.post(fixture.baseUrl(), "not.a.jwt", teamsMention())),
      new Row("POST /api/messages", "a JWT signed by a key the Bot Framework does not publish", 401, "bad_signature",
          () -> TeamsActivities.post(fixture.baseUrl(), botFramework.token(BotFrameworkStandIn.APP_ID,
              botFramework.serviceUrl(), Instant.now().plusSeconds(600), true), teamsMention())),
      new Row("POST /api/messages", "an expired JWT (past the 5 minutes' skew)", 401, "bad_signature",
          () -> TeamsActivities.post(fixture.baseUrl(), botFramework.token(BotFrameworkStandIn.APP_ID,
              botFramework.serviceUrl(), Instant.now().minusSeconds(600), false), teamsMention())),

      new Row("GET /sandbox/api/messages", "a forged session cookie", 401, "unauthenticated",
          () -> forgedVisitor().get("/sandbox/api/messages?since=0")),
      new Row("POST /sandbox/api/commands", "a forged session cookie", 401, "unauthenticated",
          () -> forgedVisitor().command("echo hi")),
      new Row("POST /sandbox/api/approvals/:id/:vote", "a forged session cookie", 401, "unauthenticated",
          () -> forgedVisitor().vote(1, "approve")),
      new Row("POST /sandbox/api/session", "a cross-site request (another Origin)", 403, "forbidden",
          () -> crossSite("/sandbox/api/session", "{\"user\":\"bob\"}")),
      new Row("POST /sandbox/api/commands", "a valid session, cross-site (another Origin)", 403, "forbidden",
          () -> crossSite("/sandbox/api/commands", "{\"text\":\"echo hi\"}")),
      new Row("POST /sandbox/api/commands", "a valid session, cross-site form (no sandbox header)", 403, "forbidden",
          () -> SandboxVisitor.send(alice.request("/sandbox/api/commands")
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString("text=echo+hi")))),
      new Row("POST /sandbox/api/approvals/:id/:vote", "a valid session, cross-site (another Origin)", 403, "forbidden",
          () -> crossSite("/sandbox/api/approvals/1/approve", "{}")),

      new Row("GET /slack/oauth/callback", "a state signed with another key", 400, "Installation link expired or invalid",
          () -> oauthCallback(new OAuthState("not-the-state-secret").issue(Instant.now()), installCookie)),
      new Row("GET /slack/oauth/callback", "an unknown state (not one this server issued)", 400,
          "Installation link expired or invalid", () -> oauthCallback("forged-state", installCookie)),
      new Row("GET /slack/oauth/callback", "an expired state, correctly signed", 400,
          "Installation link expired or invalid", () -> oauthCallback(new OAuthState(STATE_SECRET).sign("0011",
              Instant.now().minus(OAuthState.LIFETIME).minusSeconds(1), Optional.empty()), installCookie)),
      new Row("GET /slack/oauth/callback", "this server's state with another browser's cookie", 400,
          "Installation started elsewhere", () -> oauthCallback(installState, "switchboard_slack_state=someone-else")));

  @BeforeAll
  static void start() {
    botFramework = BotFrameworkStandIn.start();
    discord = DiscordApiStandIn.start();
    Map<String, String> env = new HashMap<>(botFramework.env());
    env.putAll(Map.of("SWITCHBOARD_SANDBOX_ENABLED", "true",
        "SWITCHBOARD_SLACK_STATE_SECRET", STATE_SECRET,
        "SWITCHBOARD_DISCORD_API_URL", discord.apiUrl(),
        "SWITCHBOARD_DISCORD_APPLICATION_ID", shared.applicationId(),
        "SWITCHBOARD_DISCORD_PUBLIC_KEY", shared.publicKeyHex()));
    mattermost = MattermostStandIn.start()
        .account("acme-bot-token", new MattermostStandIn.Account("acmebot", true, Set.of(MM_ACME_TEAM)))
        .account("globex-bot-token", new MattermostStandIn.Account("globexbot", true, Set.of(MM_GLOBEX_TEAM)));
    env.putAll(mattermost.env());
    fixture = new GatewayFixture(env);
    assertThat(MattermostRequests.install(fixture.baseUrl(), GatewayFixture.ACME_TOKEN, MattermostRequests
        .installation(MM_ACME_TEAM, mattermost.url(), MM_ACME_COMMAND_TOKEN, "acme-bot-token")).statusCode())
        .isEqualTo(201);
    assertThat(MattermostRequests.install(fixture.baseUrl(), GatewayFixture.GLOBEX_TOKEN, MattermostRequests
        .installation(MM_GLOBEX_TEAM, mattermost.url(), MM_GLOBEX_COMMAND_TOKEN, "globex-bot-token")).statusCode())
        .isEqualTo(201);
    Await.result(fixture.pool().withTransaction(tx -> Installations.add(tx, "acme", "discord", ACME_GUILD,
            null, null, InstallationProof.OPERATOR)
        .compose(v -> Installations.add(tx, "globex", "discord", GLOBEX_GUILD, globexApp.publicKeyHex(),
            globexApp.applicationId(), InstallationProof.OPERATOR))
        .compose(v -> Installations.add(tx, "acme", "teams", ACME_TEAMS, null, null, InstallationProof.OPERATOR))
        .compose(v -> Installations.add(tx, "acme", "sandbox", SandboxSessions.WORKSPACE, null, null,
            InstallationProof.SANDBOX))));
    alice = new SandboxVisitor(fixture.baseUrl());
    assertThat(alice.pick("alice").statusCode()).isEqualTo(200);
    HttpResponse<String> install = Http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + "/slack/install"))
        .GET().build());
    assertThat(install.statusCode()).isEqualTo(302);
    String location = install.headers().firstValue("Location").orElseThrow();
    installState = URLDecoder.decode(location.replaceAll(".*[?&]state=([^&]*).*", "$1"), StandardCharsets.UTF_8);
    installCookie = install.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
    discord.close();
    mattermost.close();
    botFramework.close();
  }

  static List<Row> rows() {
    return BAD_CREDENTIALS;
  }

  @Test
  @DisplayName("every route of RouteMatrixTest that takes a credential has bad-credential rows, and every row's route is registered")
  void everyCredentialRouteHasRows() {
    Set<String> withCredential = new TreeSet<>(RouteMatrixTest.UNAUTHENTICATED.keySet());
    withCredential.removeAll(NO_CREDENTIAL);
    Set<String> withRows = BAD_CREDENTIALS.stream().map(Row::route).collect(Collectors.toCollection(TreeSet::new));
    assertThat(withRows).isEqualTo(withCredential);
    assertThat(fixture.routes()).containsAll(withCredential);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  @DisplayName("a bad credential is refused with the listed 4xx and its reason, and nothing runs")
  void refusedAndNothingRan(Row row) {
    JsonObject before = footprint();
    long jobsBefore = fixture.jobCount();

    HttpResponse<String> response = row.request().get();

    assertThat(response.statusCode()).as(row + ": " + response.body()).isEqualTo(row.status());
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (row.route().equals("GET /slack/oauth/callback")) {
      assertThat(type).as(row.toString()).startsWith("text/html");
      assertThat(response.body()).as(row.toString()).contains(row.refusal());
    } else {
      assertThat(type).as(row.toString()).isEqualTo("application/problem+json");
      JsonObject problem = new JsonObject(response.body());
      assertThat(problem.getString("code")).as(row + ": " + response.body()).isEqualTo(row.refusal());
      assertThat(problem.getInteger("status")).as(row.toString()).isEqualTo(row.status());
    }
    assertThat(fixture.jobCount()).as(row + ": jobs").isEqualTo(jobsBefore);
    assertThat(footprint()).as(row + ": rows written").isEqualTo(before);
    assertThat(botFramework.calls()).as(row + ": Bot Framework connector calls").isEmpty();
    assertThat(discord.calls()).as(row + ": Discord API calls").isEmpty();
    assertThat(mattermost.calls()).as(row + ": Mattermost API calls after the installations")
        .allMatch(call -> call.route().startsWith("users_me"));
    assertThat(fixture.slack().posts()).as(row + ": Slack response_url posts").isEmpty();
    assertThat(fixture.auditChainsIntact()).isTrue();
  }

  /**
   * The same requests with the right credential are accepted, so the refusals above are about the
   * credential and nothing else (last, because what they start answers through the stand-ins).
   */
  @Test
  @Order(Integer.MAX_VALUE)
  @DisplayName("the same requests with the right credential are accepted (the control of every row)")
  void rightCredentialsAreAccepted() {
    long jobsBefore = fixture.jobCount();
    Map<String, HttpResponse<String>> accepted = new LinkedHashMap<>();
    accepted.put("POST /slack/commands", slashCommand().post(fixture.baseUrl()));
    accepted.put("POST /slack/interactions", click().post(fixture.baseUrl()));
    accepted.put("POST /slack/events", event().post(fixture.baseUrl()));
    accepted.put("POST /discord/interactions", SignedInteraction.post(fixture.baseUrl(), shared, discordCommand(shared)));
    accepted.put("POST /api/messages", TeamsActivities.post(fixture.baseUrl(), botFramework.token(), teamsMention()));
    accepted.put("POST /mattermost/commands", mattermostCommand(MM_ACME_COMMAND_TOKEN));
    accepted.put("POST /mattermost/actions", mattermostClick(ActionProof.sign(mattermostKey("acme", MM_ACME_TEAM),
        MM_ACME_TEAM, JobButtons.CANCEL, "1")));
    accepted.put("GET /sandbox/api/messages", alice.get("/sandbox/api/messages?since=0"));
    accepted.put("POST /sandbox/api/commands", alice.command("echo hi"));
    accepted.forEach((route, response) -> assertThat(response.statusCode()).as(route + ": " + response.body())
        .isEqualTo(200));
    assertThat(fixture.jobCount())
        .as("a job each from the commands of Slack, Slack events, Discord, Teams, Mattermost and the sandbox")
        .isEqualTo(jobsBefore + 6);
  }

  @Test
  @DisplayName("GET /sandbox/api/session, the who-am-I of the page, names nobody for a forged cookie (200, user null)")
  void whoAmINamesNobodyForAForgedCookie() {
    HttpResponse<String> response = forgedVisitor().get("/sandbox/api/session");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getValue("user")).isNull();
  }

  /** How many rows each table a refused request must not touch holds. */
  private static JsonObject footprint() {
    String counts = Set.of("jobs", "approvals", "approval_votes", "audit_events", "tenants", "chat_installations",
            "sandbox_sessions", "sandbox_messages", "slack_events", "slack_oauth_states", "answer_outbox").stream()
        .map(table -> "'" + table + "', (SELECT count(*) FROM " + table + ")").collect(Collectors.joining(", "));
    return new JsonObject(Await.result(fixture.pool().query("SELECT json_build_object(" + counts + ")::text").execute())
        .iterator().next().getString(0));
  }

  /** Six minutes ago: outside the five minutes either way that Slack and Discord signatures are good for. */
  private static Instant stale() {
    return Instant.now().minus(Duration.ofMinutes(6));
  }

  private static SignedSlashCommand slashCommand() {
    return fixture.acmeCommand("echo hi");
  }

  private static SignedSlashCommand click() {
    return fixture.acmeClick("U0ALICE", "C0OPS", ApprovalMessages.APPROVE, 1);
  }

  private static SignedSlashCommand event() {
    return SlackEvent.signed(GatewayFixture.ACME_SECRET, SlackEvent.callback("T0ACME", "Ev" + System.nanoTime(),
        SlackEvent.mention("U0ALICE", "C0OPS", "1700000000.000100", "echo hi")));
  }

  /** {@code /ops text:echo hi} in acme's guild, for {@code app}'s application. */
  private static JsonObject discordCommand(SignedInteraction.App app) {
    return SignedInteraction.command(app, ACME_GUILD, DISCORD_CHANNEL, "710000000000000001", "echo hi");
  }

  private static JsonObject teamsMention() {
    return TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, TEAMS_CHANNEL, "1700000000300",
        "aad-alice-0001", "echo hi");
  }

  /** {@code /ops echo hi} in acme's Mattermost team, with {@code token} (none when blank). */
  private static HttpResponse<String> mattermostCommand(String token) {
    Map<String, String> form = MattermostRequests.command(token, MM_ACME_TEAM, MM_CHANNEL, MM_USER, "echo hi");
    if (token.isEmpty()) {
      form.remove("token");
    }
    return MattermostRequests.postCommand(fixture.baseUrl(), form);
  }

  /** A click on Cancel of job 1 in acme's Mattermost team, with {@code proof} (none when blank). */
  private static HttpResponse<String> mattermostClick(String proof) {
    JsonObject context = new JsonObject().put("team", MM_ACME_TEAM).put("action", JobButtons.CANCEL).put("value", "1");
    if (!proof.isEmpty()) {
      context.put("proof", proof);
    }
    return MattermostRequests.postClick(fixture.baseUrl(),
        MattermostRequests.click(MM_ACME_TEAM, MM_CHANNEL, MM_USER, "post00000000000000000000000", context));
  }

  /** The button key kept for a tenant's Mattermost team. */
  private static String mattermostKey(String tenant, String team) {
    return new JsonObject(Await.result(fixture.secrets().get(tenant, "mattermost-installation." + team)).orElseThrow())
        .getString("actionKey");
  }

  private static SandboxVisitor forgedVisitor() {
    return new SandboxVisitor(fixture.baseUrl()).withCookie("sbs_" + "0".repeat(64));
  }

  /** A write of alice's (a real session cookie, the sandbox header, JSON) but from another site's page. */
  private static HttpResponse<String> crossSite(String path, String json) {
    return SandboxVisitor.send(alice.request(path).header("Content-Type", "application/json")
        .header(SandboxChat.CSRF_HEADER, "1").header("Origin", EVIL_ORIGIN)
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static HttpResponse<String> oauthCallback(String state, String cookie) {
    return Http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + "/slack/oauth/callback?code=c&state="
        + URLEncoder.encode(state, StandardCharsets.UTF_8))).header("Cookie", cookie).GET().build());
  }
}

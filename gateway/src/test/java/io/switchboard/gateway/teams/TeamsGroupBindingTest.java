package io.switchboard.gateway.teams;

import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.Http;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import io.switchboard.testkit.teams.GraphStandIn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Policy bindings to Entra ID groups ({@code teams:group:<group object id>}) in Teams: membership
 * asked of Microsoft Graph ({@code checkMemberGroups}) with a Graph token of the user's own Teams
 * tenant, cached; when Graph does not answer, group bindings match nobody and nothing fails.
 */
@DisplayName("Teams (Entra ID) groups in policy bindings, through a loopback Microsoft Graph")
class TeamsGroupBindingTest {

  static final String ACME_TEAMS = TeamsBotTest.ACME_TEAMS;
  static final String GLOBEX_TEAMS = TeamsBotTest.GLOBEX_TEAMS;
  static final String CHANNEL = TeamsBotTest.CHANNEL;
  static final String VIEWERS = "5f1c0e9a-0000-4000-8000-000000000001";
  static final String APPROVERS = "5f1c0e9a-0000-4000-8000-0000000000a2";
  static final String ALICE = "aad-alice-0001";
  static final String BOB = "aad-bob-0002";
  static final String CAROL = "aad-carol-0003";
  static final String GRACE = "aad-grace-0007";
  static final String IVAN = "aad-ivan-0009";
  static final String HANK = "aad-hank-0008";

  private final AtomicInteger activityIds = new AtomicInteger(1_700_000_000);
  private final Map<String, List<String>> sentBy = new ConcurrentHashMap<>();
  private BotFrameworkStandIn botFramework;
  private GraphStandIn graph;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    botFramework = BotFrameworkStandIn.start();
    graph = GraphStandIn.start();
    Map<String, String> env = new HashMap<>(botFramework.env());
    env.putAll(graph.env());
    fixture = new GatewayFixture(env);
    bind("acme", ACME_TEAMS);
    fixture.putPolicy("acme", policy());
    graph.member(ACME_TEAMS, GRACE, VIEWERS).member(ACME_TEAMS, IVAN).member(ACME_TEAMS, ALICE)
        .member(ACME_TEAMS, BOB, APPROVERS).member(ACME_TEAMS, CAROL, VIEWERS);
  }

  @AfterEach
  void stop() {
    fixture.close();
    graph.close();
    botFramework.close();
  }

  @Test
  @DisplayName("a member of a bound group runs what only that group may; others are refused with the policy's reason")
  void groupMemberAllowedOthersRefused() {
    say(ACME_TEAMS, GRACE, "errors production api");
    say(ACME_TEAMS, IVAN, "errors production api");

    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND platform = 'teams' "
        + "AND command = 'errors' AND requester = '" + GRACE + "'")).isEqualTo(1);
    assertThat(fixture.jobCount()).isEqualTo(1);
    Await.until("Ivan's refusal in the thread", () -> refusalsTo(IVAN).size() == 1);
    assertThat(refusalsTo(IVAN).get(0)).contains("needs role viewer");
    assertThat(fixture.auditTypes("acme")).contains("command.refused");
    assertThat(graph.calls(GRACE)).singleElement().satisfies(call -> {
      assertThat(call.tokenTenant()).isEqualTo(ACME_TEAMS);
      assertThat(call.groupIds()).containsExactlyInAnyOrder(VIEWERS, APPROVERS);
      assertThat(call.status()).isEqualTo(200);
    });
    assertThat(fixture.metric("switchboard.teams.graph.calls", "outcome", "ok")).isEqualTo(2);
  }

  @Test
  @DisplayName("membership and the Graph token are asked once and reused for the next commands")
  void membershipAndTokenCached() {
    say(ACME_TEAMS, GRACE, "errors production api");
    say(ACME_TEAMS, GRACE, "errors staging api");
    say(ACME_TEAMS, GRACE, "whoami");
    say(ACME_TEAMS, IVAN, "errors staging api");

    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE requester = '" + GRACE + "'")).isEqualTo(2);
    assertThat(graph.calls(GRACE)).hasSize(1);
    assertThat(graph.calls(IVAN)).hasSize(1);
    assertThat(graph.tokenRequests(ACME_TEAMS)).isEqualTo(1);
    Await.until("whoami's answer", () -> textsTo(GRACE).stream().anyMatch(text -> text.contains("viewer")));
  }

  @Test
  @DisplayName("an approver by group can approve; a member of another group cannot")
  void approverByGroup() {
    say(ACME_TEAMS, ALICE, "deploy production api --version 1.4.2");
    assertThat(fixture.count("SELECT count(*) FROM approvals WHERE status = 'pending' AND requester = '" + ALICE + "'"))
        .isEqualTo(1);
    Await.until("the approval card", () -> botFramework.calls("POST").size() == 1);
    long approvalId = fixture.count("SELECT id FROM approvals");
    JsonObject approve = new JsonObject().put("switchboard", ApprovalMessages.APPROVE).put("approvalId", approvalId);

    post(TeamsActivities.submit(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, nextId(), CAROL,
        "1:bot-activity-1", approve));
    Await.until("Carol told her vote did not count", () -> botFramework.calls("POST").size() == 2);
    assertThat(botFramework.calls("POST").get(1).body().getString("text")).contains("Only holders of role `approver`");
    assertThat(fixture.count("SELECT count(*) FROM approvals WHERE status = 'pending'")).isEqualTo(1);
    assertThat(fixture.auditTypes("acme")).contains("approval.vote_refused");

    post(TeamsActivities.submit(botFramework.serviceUrl(), ACME_TEAMS, CHANNEL, nextId(), BOB,
        "1:bot-activity-1", approve));
    assertThat(fixture.count("SELECT count(*) FROM approvals WHERE status = 'approved'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE command = 'deploy' AND requester = '" + ALICE + "'"))
        .isEqualTo(1);
    assertThat(graph.calls(BOB)).singleElement().satisfies(call -> assertThat(call.status()).isEqualTo(200));
  }

  @Test
  @DisplayName("Graph refusing without admin consent (403) means no groups: the command is refused, not a 500")
  void withoutConsentNoGroups() {
    graph.withoutConsent(ACME_TEAMS);
    HttpResponse<String> response = say(ACME_TEAMS, GRACE, "errors production api");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(fixture.jobCount()).isZero();
    Await.until("Grace's refusal", () -> refusalsTo(GRACE).size() == 1);
    assertThat(refusalsTo(GRACE).get(0)).contains("needs role viewer");
    assertThat(graph.calls(GRACE)).singleElement().satisfies(call -> assertThat(call.status()).isEqualTo(403));
    assertThat(fixture.metric("switchboard.teams.graph.calls", "outcome", "forbidden")).isEqualTo(1);
  }

  @Test
  @DisplayName("no Graph token for the Teams tenant (the app is unknown there) means no groups; Graph is not asked")
  void withoutATokenNoGroups() {
    bind("globex", GLOBEX_TEAMS);
    fixture.putPolicy("globex", policy());
    HttpResponse<String> response = say(GLOBEX_TEAMS, HANK, "errors production api");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(fixture.jobCount()).isZero();
    Await.until("Hank's refusal", () -> refusalsTo(HANK).size() == 1);
    assertThat(graph.calls()).isEmpty();
    assertThat(fixture.metric("switchboard.teams.graph.calls", "outcome", "token_failed")).isEqualTo(1);
  }

  @Test
  @DisplayName("a 429 from Graph is waited out (Retry-After) and the member's command runs")
  void rateLimitHonoured() {
    graph.rateLimit(1);
    say(ACME_TEAMS, GRACE, "errors production api");

    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE requester = '" + GRACE + "'")).isEqualTo(1);
    assertThat(graph.calls(GRACE)).extracting(GraphStandIn.Call::status).containsExactly(429, 200);
    assertThat(fixture.metric("switchboard.teams.graph.calls", "outcome", "rate_limited")).isEqualTo(1);
    assertThat(fixture.metric("switchboard.teams.graph.calls", "outcome", "ok")).isEqualTo(1);
  }

  @Test
  @DisplayName("a Graph that keeps answering 429 is asked a bounded number of times, then means no groups")
  void rateLimitBounded() {
    graph.rateLimit(10);
    HttpResponse<String> response = say(ACME_TEAMS, GRACE, "errors production api");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(fixture.jobCount()).isZero();
    assertThat(graph.calls(GRACE)).extracting(GraphStandIn.Call::status)
        .containsExactly(429, 429, 429).hasSize(1 + GraphMemberGroups.MAX_RETRIES);
    Await.until("Grace's refusal", () -> refusalsTo(GRACE).size() == 1);
  }

  @Test
  @DisplayName("more than 20 bound groups are asked in requests of at most 20 ids")
  void largeGroupSetsSplit() {
    JsonArray subjects = new JsonArray();
    for (int i = 0; i < 24; i++) {
      subjects.add("teams:group:5f1c0e9a-0000-4000-8000-1000000000" + (10 + i));
    }
    JsonObject many = policy();
    many.getJsonArray("bindings").getJsonObject(0).getJsonArray("subjects").addAll(subjects);
    fixture.putPolicy("acme", many);
    graph.member(ACME_TEAMS, GRACE, "5f1c0e9a-0000-4000-8000-100000000033");
    say(ACME_TEAMS, GRACE, "errors production api");

    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE requester = '" + GRACE + "'")).isEqualTo(1);
    assertThat(graph.calls(GRACE)).extracting(call -> call.groupIds().size()).containsExactlyInAnyOrder(20, 6);
    assertThat(graph.calls(GRACE)).allSatisfy(call -> assertThat(call.status()).isEqualTo(200));
  }

  @Test
  @DisplayName("tenant isolation: each Teams tenant's users are asked with that tenant's own token and cached apart")
  void tenantIsolation() {
    bind("globex", GLOBEX_TEAMS);
    fixture.putPolicy("globex", policy());
    graph.member(GLOBEX_TEAMS, HANK, VIEWERS);

    say(ACME_TEAMS, GRACE, "errors production api");
    say(GLOBEX_TEAMS, HANK, "errors production api");
    say(GLOBEX_TEAMS, GRACE, "errors production api");

    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND requester = '" + GRACE + "'"))
        .isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'globex' AND requester = '" + HANK + "'"))
        .isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'globex' AND requester = '" + GRACE + "'"))
        .as("Acme's cached answer for Grace never decides in Globex").isZero();
    assertThat(graph.tokenRequests(ACME_TEAMS)).isEqualTo(1);
    assertThat(graph.tokenRequests(GLOBEX_TEAMS)).isEqualTo(1);
    assertThat(graph.calls(HANK)).singleElement()
        .satisfies(call -> assertThat(call.tokenTenant()).isEqualTo(GLOBEX_TEAMS));
    assertThat(graph.calls(GRACE)).extracting(GraphStandIn.Call::tokenTenant, GraphStandIn.Call::status)
        .containsExactly(tuple(ACME_TEAMS, 200), tuple(GLOBEX_TEAMS, 404));
  }

  private HttpResponse<String> say(String teamsTenant, String user, String text) {
    String activityId = nextId();
    sentBy.computeIfAbsent(user, u -> new CopyOnWriteArrayList<>()).add(activityId);
    HttpResponse<String> response = post(TeamsActivities.mention(botFramework.serviceUrl(), teamsTenant, CHANNEL,
        activityId, user, text));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response;
  }

  private String nextId() {
    return Integer.toString(activityIds.incrementAndGet());
  }

  /** Text replies in the threads of the commands {@code user} sent. */
  private List<String> textsTo(String user) {
    List<String> sent = sentBy.getOrDefault(user, List.of());
    return botFramework.calls("POST").stream()
        .filter(call -> sent.contains(call.activityId()) && call.body().getString("text") != null)
        .map(call -> call.body().getString("text")).toList();
  }

  private List<String> refusalsTo(String user) {
    return textsTo(user).stream().filter(text -> text.contains("needs role")).toList();
  }

  private HttpResponse<String> post(JsonObject activity) {
    return TeamsActivities.post(fixture.baseUrl(), botFramework.token(), activity);
  }

  /** The operator binds the Teams tenant to the Switchboard tenant (a tenant admin cannot prove a Teams tenant). */
  private void bind(String tenant, String teamsTenant) {
    HttpResponse<String> response = Http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl()
            + "/api/v1/tenants/" + tenant + "/installations"))
        .header("Authorization", "Bearer " + GatewayFixture.OPERATOR_TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("platform", "teams")
            .put("workspaceId", teamsTenant).encode())).build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
  }

  /**
   * The worked example policy for Teams: group {@link #VIEWERS} may run {@code errors}, Alice may deploy
   * to production, group {@link #APPROVERS} approves; no freeze.
   */
  private static JsonObject policy() {
    JsonObject policy = GatewayFixture.examplePolicy().put("freezeWindows", new JsonArray());
    policy.getJsonArray("roles").add(new JsonObject().put("name", "teams-deployer").put("permissions", new JsonArray()
        .add(new JsonObject().put("commands", new JsonArray().add("deploy"))
            .put("environments", new JsonArray().add("production")))));
    policy.put("bindings", new JsonArray()
        .add(new JsonObject().put("role", "viewer").put("subjects", new JsonArray().add("teams:group:" + VIEWERS)))
        .add(new JsonObject().put("role", "teams-deployer").put("subjects", new JsonArray().add("teams:user:" + ALICE)))
        .add(new JsonObject().put("role", "approver").put("subjects", new JsonArray().add("teams:group:" + APPROVERS))));
    return policy;
  }
}

package io.switchboard.gateway.teams;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.Http;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import io.switchboard.testkit.teams.GraphStandIn;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Self-service binding of a Teams organisation (issue 11, item 2): a tenant admin's claim code, sent
 * to the bot as {@code verify <code>} by a Global or Teams Administrator (asked of a loopback
 * Microsoft Graph), moves the Teams tenant to that tenant, out of the one adding the bot made; anyone
 * else, a Graph that will not answer, or a Teams tenant another tenant holds with proof binds nothing.
 */
@DisplayName("Teams organisations bound by their administrators with a tenant's claim code")
class TeamsWorkspaceClaimsTest {

  private static final String ORGANISATION = "0a0b0c0d-1111-4222-8333-444455556666";
  private static final String CHANNEL = TeamsBotTest.CHANNEL;
  private static final String ADMIN = "aad-admin-0001";
  private static final String MEMBER = "aad-member-0002";
  private static final String USER_ADMIN = "fe930be7-5e62-47db-91af-98c3a49a38b1";
  private static final String HELPDESK = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

  private final AtomicInteger activityIds = new AtomicInteger(1_700_000_500);
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
    graph.roles(ORGANISATION, ADMIN, USER_ADMIN, HELPDESK, GraphDirectoryRoles.TEAMS_ADMINISTRATOR)
        .roles(ORGANISATION, MEMBER, USER_ADMIN);
  }

  @AfterEach
  void stop() {
    fixture.close();
    graph.close();
    botFramework.close();
  }

  @Test
  @DisplayName("a Teams Administrator moves the organisation from the tenant adding the bot made to acme; its commands then run as acme")
  void anAdministratorBindsTheOrganisation() {
    post(TeamsActivities.botMembership(botFramework.serviceUrl(), ORGANISATION, CHANNEL, MEMBER, true));
    String madeByTheBot = "teams-" + ORGANISATION;
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE tenant_id = '" + madeByTheBot + "'"))
        .isEqualTo(1);
    String code = claim().getString("code");

    assertThat(say(ADMIN, "verify " + code)).contains("bound to Switchboard tenant 'acme'");

    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = '" + ORGANISATION
        + "' AND tenant_id = 'acme' AND enabled AND verified_via = 'claim_code'")).isEqualTo(1);
    assertThat(fixture.auditTypes(madeByTheBot)).containsExactly("tenant.created", "installation.added",
        "installation.displaced");
    assertThat(fixture.auditTypes("acme")).containsExactly("installation.claim_issued", "installation.added");
    assertThat(graph.calls(ADMIN)).extracting(GraphStandIn.Call::status).as("two pages of roles").containsExactly(200, 200);

    say(MEMBER, "echo hello");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND platform = 'teams' "
        + "AND requester = '" + MEMBER + "'")).isEqualTo(1);
    post(TeamsActivities.botMembership(botFramework.serviceUrl(), ORGANISATION, CHANNEL, MEMBER, true));
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = '" + ORGANISATION
        + "' AND tenant_id = 'acme'")).as("adding the bot again keeps it with acme").isEqualTo(1);
    assertThat(fixture.auditChainsIntact()).isTrue();
  }

  @Test
  @DisplayName("a member without an administrator role, or a Graph that refuses to say, binds nothing and the code stays usable")
  void othersBindNothing() {
    String code = claim().getString("code");

    assertThat(say(MEMBER, "verify " + code)).contains("Only a Global Administrator or Teams Administrator");
    graph.withoutConsent(ORGANISATION);
    assertThat(say(ADMIN, "verify " + code)).contains("could not ask Microsoft Graph")
        .contains("RoleManagement.Read.Directory");
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = '" + ORGANISATION + "'"))
        .isZero();
    assertThat(fixture.count("SELECT count(*) FROM workspace_claims WHERE verified_at IS NOT NULL")).isZero();
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("an organisation globex holds with proof stays with globex")
  void provenBindingStays() {
    Await.result(fixture.pool().withTransaction(tx -> Installations.add(tx, "globex", "teams", ORGANISATION, null,
        null, InstallationProof.OPERATOR)));
    String code = claim().getString("code");

    assertThat(say(ADMIN, "verify " + code)).contains("bound to another Switchboard tenant");
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = '" + ORGANISATION
        + "' AND tenant_id = 'globex'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM workspace_claims WHERE verified_at IS NOT NULL")).isZero();
  }

  /** Sends {@code text} to the bot as {@code user}; answers the text of the bot's reply. */
  private String say(String user, String text) {
    int before = botFramework.calls("POST").size();
    HttpResponse<String> response = post(TeamsActivities.mention(botFramework.serviceUrl(), ORGANISATION, CHANNEL,
        Integer.toString(activityIds.incrementAndGet()), user, text));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Await.until("the bot's reply", () -> botFramework.calls("POST").size() > before);
    List<BotFrameworkStandIn.Call> posted = botFramework.calls("POST");
    return posted.get(posted.size() - 1).body().encode();
  }

  private JsonObject claim() {
    HttpResponse<String> response = Http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl()
            + "/api/v1/installations/claims")).header("Authorization", "Bearer " + GatewayFixture.ACME_TOKEN)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("platform", "teams").put("workspaceId", ORGANISATION).encode())).build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return new JsonObject(response.body());
  }

  private HttpResponse<String> post(JsonObject activity) {
    return TeamsActivities.post(fixture.baseUrl(), botFramework.token(), activity);
  }
}

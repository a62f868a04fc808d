package io.switchboard.gateway.slack.oauth;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.slack.SlackBotTokens;
import io.switchboard.tenancy.SlackSigningSecrets;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.Http;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Installing the Slack app with OAuth v2")
class SlackOAuthInstallTest {

  static final String AUTHORIZE_URL = "https://slack.example/oauth/v2/authorize";
  static final String STATE_SECRET = "state-signing-secret";

  private SlackApiStandIn slack;
  private GatewayFixture fixture;

  /** What GET /slack/install gave the browser: the state in the Slack URL, and the cookie. */
  record Started(String state, String cookie) {
  }

  @BeforeEach
  void start() {
    slack = SlackApiStandIn.start();
    fixture = new GatewayFixture(env(slack));
  }

  static Map<String, String> env(SlackApiStandIn slack) {
    return Map.of("SWITCHBOARD_SLACK_API_URL", slack.apiUrl(),
        "SWITCHBOARD_SLACK_AUTHORIZE_URL", AUTHORIZE_URL,
        "SWITCHBOARD_SLACK_CLIENT_ID", SlackApiStandIn.CLIENT_ID,
        "SWITCHBOARD_SLACK_CLIENT_SECRET", SlackApiStandIn.CLIENT_SECRET,
        "SWITCHBOARD_SLACK_STATE_SECRET", STATE_SECRET);
  }

  @AfterEach
  void stop() {
    fixture.close();
    slack.close();
  }

  @Test
  @DisplayName("install → Slack → callback: a new tenant, the bot token in its secret store, the team bound, audited")
  void installsIntoANewTenant() {
    HttpResponse<String> redirect = get("/slack/install", null);
    assertThat(redirect.statusCode()).isEqualTo(302);
    String location = redirect.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(AUTHORIZE_URL + "?");
    Map<String, String> query = query(location);
    assertThat(query).containsEntry("client_id", SlackApiStandIn.CLIENT_ID)
        .containsEntry("scope", "commands,chat:write,app_mentions:read,im:history,usergroups:read,files:write");
    Started started = new Started(query.get("state"), cookie(redirect));

    slack.issueCode("code-1", "T0NEW", "Newco", "xoxb-new-token");
    HttpResponse<String> done = callback("code-1", started);

    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).contains("Switchboard is installed").contains("T0NEW");
    assertThat(done.headers().firstValue("X-Frame-Options")).contains("DENY");
    assertThat(done.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(done.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'none'")
        .contains("frame-ancestors 'none'").doesNotContain("script-src");
    assertThat(fixture.count("SELECT count(*) FROM tenants WHERE id = 'slack-t0new' AND name = 'Newco'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE tenant_id = 'slack-t0new' AND enabled "
        + "AND workspace_id = 'T0NEW' AND bot_user_id = 'U0BOT' AND bot_token_secret = 'slack-bot-token.T0NEW' "
        + "AND signing_secret IS NULL AND NOT own_app")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE row_to_json(chat_installations)::text "
        + "LIKE '%xoxb-%'")).as("no plaintext token in a column").isZero();
    assertThat(Await.result(fixture.secrets().get("slack-t0new", SlackBotTokens.secretName("T0NEW"))))
        .contains("xoxb-new-token");
    assertThat(fixture.auditTypes("slack-t0new")).containsExactly("tenant.created", "installation.added");
    assertThat(slack.calls("oauth.v2.access")).hasSize(1);
  }

  @Test
  @DisplayName("the success page names the new tenant and the operator's token call; run as shown, it gives the admin a token that sets the policy")
  void successPageLeadsToAnAdminToken() {
    slack.issueCode("code-1", "T0NEW", "Newco", "xoxb-new-token");
    HttpResponse<String> done = callback("code-1", begin());
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).contains("(tenant slack-t0new)", "Tenant slack-t0new is new and has no admin API token yet",
        "<h2>Admin API token</h2>", "href=\"" + fixture.baseUrl() + "/api/v1/openapi.json\"", "docs/api.md");

    String shown = command(done);
    assertThat(shown).isEqualTo("curl -s -X POST " + fixture.baseUrl() + "/api/v1/tenants/slack-t0new/tokens"
        + " -H \"Authorization: Bearer $SWITCHBOARD_OPERATOR_TOKEN\" -H 'Content-Type: application/json'"
        + " -d '{\"label\": \"first admin token\"}'");
    assertThat(done.body()).as("quotes in the command are escaped").doesNotContain("'{\"label\"")
        .contains("-d &#39;{&quot;label&quot;: &quot;first admin token&quot;}&#39;");

    HttpResponse<String> issued = run(shown, GatewayFixture.OPERATOR_TOKEN);
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    String token = new JsonObject(issued.body()).getString("token");
    HttpResponse<String> policy = send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + "/api/v1/policy/rateLimits"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json").header("If-Match", "\"0\"")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"tenant\": {\"burst\": 5, \"perMinute\": 10}}")));
    assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);
    assertThat(fixture.count("SELECT count(*) FROM tenant_policies WHERE tenant_id = 'slack-t0new'")).isEqualTo(1);
    assertThat(fixture.auditTypes("slack-t0new"))
        .containsExactly("tenant.created", "installation.added", "token.created", "policy.changed");
    assertThat(run(shown, GatewayFixture.ACME_TOKEN).statusCode()).as("a tenant token may not run it").isEqualTo(403);
  }

  @Test
  @DisplayName("the command on the page names the public address of the registered redirect URL")
  void successPageUsesTheRedirectUrlsAddress() {
    fixture.close();
    Map<String, String> env = new HashMap<>(env(slack));
    env.put("SWITCHBOARD_SLACK_REDIRECT_URI", "https://switchboard.example/slack/oauth/callback");
    fixture = new GatewayFixture(env);
    slack.issueCode("code-1", "T0NEW", "Newco", "xoxb-new-token");
    HttpResponse<String> done = callback("code-1", begin());
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(command(done)).startsWith("curl -s -X POST https://switchboard.example/api/v1/tenants/slack-t0new/tokens ");
    assertThat(done.body()).contains("href=\"https://switchboard.example/api/v1/openapi.json\"")
        .doesNotContain(fixture.baseUrl());
  }

  @Test
  @DisplayName("a state works once: the replayed callback is refused and exchanges no code")
  void stateIsSingleUse() {
    Started started = begin();
    slack.issueCode("code-1", "T0NEW", "Newco", "xoxb-new-token");
    assertThat(callback("code-1", started).statusCode()).isEqualTo(200);

    slack.issueCode("code-2", "T0NEW", "Newco", "xoxb-other");
    HttpResponse<String> replay = callback("code-2", started);
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(replay.body()).contains("already used");
    assertThat(slack.calls("oauth.v2.access")).hasSize(1);
  }

  @Test
  @DisplayName("an expired, forged or foreign-browser state is a 400 page and Slack is never asked")
  void badStatesAreRefused() {
    Started started = begin();
    OAuthState signer = new OAuthState(STATE_SECRET);
    String expired = signer.sign("0011", Instant.now().minus(OAuthState.LIFETIME).minusSeconds(1), Optional.empty());
    String forged = new OAuthState("not-the-secret").issue(Instant.now());

    assertThat(callback("c", new Started(expired, started.cookie())).statusCode()).isEqualTo(400);
    assertThat(callback("c", new Started(forged, started.cookie())).statusCode()).isEqualTo(400);
    assertThat(callback("c", new Started(started.state(), null)).statusCode()).isEqualTo(400);
    assertThat(callback("c", new Started(started.state(), "switchboard_slack_state=someone-else")).statusCode())
        .isEqualTo(400);
    assertThat(get("/slack/oauth/callback?code=c", null).statusCode()).isEqualTo(400);
    assertThat(get("/slack/oauth/callback?error=access_denied&state=x", null).body()).contains("cancelled");
    assertThat(get("/slack/oauth/callback?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=x", null).body())
        .as("what Slack's redirect carries is escaped").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script>");
    assertThat(slack.calls("oauth.v2.access")).isEmpty();
    assertThat(fixture.count("SELECT count(*) FROM chat_installations")).isEqualTo(2);
  }

  @Test
  @DisplayName("a code Slack refuses is a 502 page naming Slack's error; nothing is bound")
  void slackRefusal() {
    HttpResponse<String> refused = callback("never-issued", begin());
    assertThat(refused.statusCode()).isEqualTo(502);
    assertThat(refused.body()).contains("invalid_code");
    assertThat(fixture.count("SELECT count(*) FROM tenants")).isEqualTo(2);
  }

  @Test
  @DisplayName("re-installing a team that a tenant holds keeps it with that tenant, with the new token, on the shared app")
  void reinstallKeepsTheTenant() {
    assertThat(Await.result(fixture.secrets().get("acme", SlackSigningSecrets.secretName("T0ACME")))).isPresent();
    slack.issueCode("code-acme", "T0ACME", "Acme Slack", "xoxb-acme");
    assertThat(callback("code-acme", begin()).statusCode()).isEqualTo(200);
    assertThat(fixture.count("SELECT count(*) FROM tenants")).isEqualTo(2);
    assertThat(Await.result(fixture.secrets().get("acme", SlackBotTokens.secretName("T0ACME")))).contains("xoxb-acme");
    assertThat(Await.result(fixture.secrets().get("globex", SlackBotTokens.secretName("T0ACME")))).isEmpty();
    assertThat(fixture.auditTypes("acme")).containsExactly("installation.added");
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = 'T0ACME' AND NOT own_app "
        + "AND signing_secret IS NULL")).as("the shared app's install replaces the own app's").isEqualTo(1);
    assertThat(Await.result(fixture.secrets().get("acme", SlackSigningSecrets.secretName("T0ACME"))))
        .as("and its signing secret leaves the store").isEmpty();
  }

  @Test
  @DisplayName("re-installing into a tenant that exists points at the operator's token call only in case nobody has a token")
  void reinstallPageOffersTheTokenCall() {
    slack.issueCode("code-acme", "T0ACME", "Acme Slack", "xoxb-acme");
    HttpResponse<String> done = callback("code-acme", begin());
    assertThat(done.body()).contains("(tenant acme)", "If nobody in your team has an admin API token for tenant acme yet")
        .doesNotContain("is new");
    assertThat(command(done)).contains("/api/v1/tenants/acme/tokens ");
  }

  @Test
  @DisplayName("an Enterprise Grid organisation install binds the organisation id")
  void enterpriseInstall() {
    slack.issueOrgCode("code-org", "E0ORG", "Big Org", "xoxb-org");
    assertThat(callback("code-org", begin()).statusCode()).isEqualTo(200);
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE tenant_id = 'slack-e0org' "
        + "AND workspace_id = 'E0ORG' AND enterprise_id = 'E0ORG' AND enabled")).isEqualTo(1);
  }

  @Test
  @DisplayName("without an OAuth client configured, installing is a 503 page")
  void notConfigured() {
    try (GatewayFixture plain = new GatewayFixture(Map.of("SWITCHBOARD_SLACK_CLIENT_ID", "",
        "SWITCHBOARD_SLACK_CLIENT_SECRET", ""))) {
      HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(plain.baseUrl() + "/slack/install")).GET());
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).contains("SWITCHBOARD_SLACK_CLIENT_ID");
      assertThat(createLink(plain.baseUrl()).statusCode()).isEqualTo(503);
    }
  }

  @Test
  @DisplayName("an admin's install link binds the workspace to the admin's tenant, once")
  void adminLinkInstallsIntoTheTenant() {
    HttpResponse<String> created = createLink(fixture.baseUrl());
    assertThat(created.statusCode()).isEqualTo(201);
    String link = new JsonObject(created.body()).getString("url");
    assertThat(link).startsWith(fixture.baseUrl() + "/slack/install?link=");
    Started started = begin(link.substring(fixture.baseUrl().length()));
    slack.issueCode("code-second", "T0ACME2", "Acme Two", "xoxb-acme-two");
    HttpResponse<String> done = callback("code-second", started);
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).as("the admin who made the link has a token").contains("(tenant acme)")
        .doesNotContain("Admin API token", "/tokens");

    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE tenant_id = 'acme' AND enabled "
        + "AND workspace_id = 'T0ACME2'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM tenants")).isEqualTo(2);
    assertThat(Await.result(fixture.secrets().get("acme", SlackBotTokens.secretName("T0ACME2")))).contains("xoxb-acme-two");
    assertThat(callback("code-second", started).statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("an install link never moves a workspace from another tenant (409), and a bad link is a 400")
  void adminLinkCannotTakeAnotherTenantsWorkspace() {
    String link = new JsonObject(createLink(fixture.baseUrl()).body()).getString("url");
    Started started = begin(link.substring(fixture.baseUrl().length()));
    slack.issueCode("code-globex", "T0GLOBEX", "Globex", "xoxb-stolen");

    HttpResponse<String> refused = callback("code-globex", started);
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE tenant_id = 'globex' "
        + "AND workspace_id = 'T0GLOBEX'")).isEqualTo(1);
    assertThat(Await.result(fixture.secrets().get("acme", SlackBotTokens.secretName("T0GLOBEX")))).isEmpty();
    assertThat(get("/slack/install?link=" + URLEncoder.encode(new OAuthState("forged").issue(Instant.now(),
        Optional.of("acme")), StandardCharsets.UTF_8), null).statusCode()).isEqualTo(400);
    assertThat(get("/slack/install?link=" + URLEncoder.encode(new OAuthState(STATE_SECRET).issue(Instant.now()),
        StandardCharsets.UTF_8), null).statusCode()).as("a link must name a tenant").isEqualTo(400);
  }

  @Test
  @DisplayName("a public install takes a workspace another tenant only claimed: the claimer loses it (audited) and never gets the bot token")
  void publicInstallDisplacesABareClaim() {
    claimWithoutProof("globex", "T0VICTIM");
    slack.issueCode("code-victim", "T0VICTIM", "Victim", "xoxb-victim");

    assertThat(callback("code-victim", begin()).statusCode()).isEqualTo(200);

    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = 'T0VICTIM' "
        + "AND tenant_id = 'slack-t0victim' AND verified_via = 'slack_oauth' AND signing_secret IS NULL "
        + "AND NOT own_app"))
        .isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE tenant_id = 'globex' "
        + "AND workspace_id = 'T0VICTIM'")).isZero();
    assertThat(Await.result(fixture.secrets().get("globex", SlackBotTokens.secretName("T0VICTIM")))).isEmpty();
    assertThat(Await.result(fixture.secrets().get("slack-t0victim", SlackBotTokens.secretName("T0VICTIM"))))
        .contains("xoxb-victim");
    assertThat(fixture.auditTypes("globex")).containsExactly("installation.displaced");
    assertThat(Await.result(fixture.secrets().get("globex", SlackSigningSecrets.secretName("T0VICTIM"))))
        .as("the claimer's signing secret leaves with its binding").isEmpty();
  }

  @Test
  @DisplayName("an install link takes a workspace from a tenant that only claimed it, but never from one that proved it")
  void installLinkDisplacesABareClaimOnly() {
    claimWithoutProof("globex", "T0ACME3");
    String link = new JsonObject(createLink(fixture.baseUrl()).body()).getString("url");
    slack.issueCode("code-acme3", "T0ACME3", "Acme Three", "xoxb-acme-three");

    assertThat(callback("code-acme3", begin(link.substring(fixture.baseUrl().length()))).statusCode()).isEqualTo(200);

    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = 'T0ACME3' "
        + "AND tenant_id = 'acme' AND verified_via = 'slack_oauth'")).isEqualTo(1);
    assertThat(fixture.auditTypes("globex")).containsExactly("installation.displaced");
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = 'T0GLOBEX' "
        + "AND verified_via = 'operator'")).as("the fixture's bindings are the operator's, so proven").isEqualTo(1);
  }

  /** A binding as a tenant admin could make one before proofs were required: the id alone, with its own signing secret. */
  private void claimWithoutProof(String tenant, String workspace) {
    Await.result(fixture.pool().preparedQuery("INSERT INTO chat_installations (tenant_id, platform, workspace_id, "
        + "own_app) VALUES ($1, 'slack', $2, true)").execute(Tuple.of(tenant, workspace)));
    Await.result(new SlackSigningSecrets(fixture.secrets()).store(tenant, workspace, "squatter-secret"));
  }

  /** The operator's command on a success page, as the browser shows it (the HTML unescaped). */
  private static String command(HttpResponse<String> page) {
    Matcher shown = Pattern.compile("<pre><code>([^<]*)</code></pre>").matcher(page.body());
    assertThat(shown.find()).as(page.body()).isTrue();
    return shown.group(1).replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  /** Runs a page's curl line as its reader would: POST to its URL, with its body and {@code token} for the variable. */
  private static HttpResponse<String> run(String curl, String token) {
    Matcher parts = Pattern.compile("^curl -s -X POST (\\S+) -H \"Authorization: Bearer \\$SWITCHBOARD_OPERATOR_TOKEN\" "
        + "-H 'Content-Type: application/json' -d '([^']*)'$").matcher(curl);
    assertThat(parts.matches()).as(curl).isTrue();
    return send(HttpRequest.newBuilder(URI.create(parts.group(1))).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(parts.group(2))));
  }

  private Started begin() {
    return begin("/slack/install");
  }

  /** Opens an install path in the "browser": Slack's URL carries the state, the cookie is kept. */
  private Started begin(String installPath) {
    HttpResponse<String> redirect = get(installPath, null);
    assertThat(redirect.statusCode()).isEqualTo(302);
    return new Started(query(redirect.headers().firstValue("Location").orElseThrow()).get("state"), cookie(redirect));
  }

  /** acme's admin asks the admin API for an install link. */
  private static HttpResponse<String> createLink(String baseUrl) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/installations/slack-install-link"))
        .header("Authorization", "Bearer " + GatewayFixture.ACME_TOKEN).POST(HttpRequest.BodyPublishers.noBody()));
  }

  private HttpResponse<String> callback(String code, Started started) {
    return get("/slack/oauth/callback?code=" + code + "&state=" + URLEncoder.encode(started.state(),
        StandardCharsets.UTF_8), started.cookie());
  }

  private static String cookie(HttpResponse<String> response) {
    return response.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
  }

  private HttpResponse<String> get(String path, String cookie) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fixture.baseUrl() + path));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    return send(request.GET());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    return Http.send(request.build());
  }

  private static Map<String, String> query(String url) {
    return Arrays.stream(URI.create(url).getRawQuery().split("&")).map(p -> p.split("=", 2))
        .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
  }
}

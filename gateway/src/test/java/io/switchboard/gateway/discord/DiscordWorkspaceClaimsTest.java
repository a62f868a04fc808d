package io.switchboard.gateway.discord;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.Http;
import io.switchboard.testkit.discord.DiscordApiStandIn;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Self-service binding of a Discord server (issue 11, item 2): a tenant admin's claim code, run as
 * {@code verify <code>} in the server by a member who manages it, binds the server to that tenant;
 * nobody else, no other server, and no used or expired code binds anything, and a server another
 * tenant holds with proof stays there.
 */
@DisplayName("Discord servers bound by their admins with a tenant's claim code")
class DiscordWorkspaceClaimsTest {

  private static final String GUILD = "300000000000000003";
  private static final String OTHER_GUILD = "300000000000000009";
  private static final String CHANNEL = DiscordInteractionsTest.CHANNEL;
  private static final String ADMIN = "760000000000000006";
  private static final String MEMBER = "770000000000000007";
  /** ADMINISTRATOR (1 << 3); MANAGE_GUILD is 1 << 5; SEND_MESSAGES alone is 1 << 11. */
  private static final String ADMINISTRATOR = "8";
  private static final String MANAGE_GUILD = "32";
  private static final String SEND_MESSAGES = "2048";

  private final SignedInteraction.App shared = SignedInteraction.App.generate("810000000000000001");
  private DiscordApiStandIn discord;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    discord = DiscordApiStandIn.start();
    fixture = new GatewayFixture(discord.env(shared.applicationId(), shared.publicKeyHex()));
  }

  @AfterEach
  void stop() {
    fixture.close();
    discord.close();
  }

  @Test
  @DisplayName("a member who manages the server binds it with acme's code; its commands then run as acme")
  void anAdminBindsTheServer() {
    JsonObject claim = claim(GatewayFixture.ACME_TOKEN, GUILD);
    assertThat(claim.getString("code")).matches("sbc_[0-9a-f]{24}");
    assertThat(claim.getString("instructions")).contains("verify " + claim.getString("code"));

    String answer = verify(GUILD, ADMIN, MANAGE_GUILD, claim.getString("code"));

    assertThat(answer).contains("bound to Switchboard tenant 'acme'");
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE tenant_id = 'acme' AND platform = 'discord' "
        + "AND workspace_id = '" + GUILD + "' AND enabled AND verified_via = 'claim_code'")).isEqualTo(1);
    assertThat(fixture.auditTypes("acme")).containsExactly("installation.claim_issued", "installation.added");
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme' AND actor = 'discord:user:"
        + ADMIN + "' AND detail::jsonb->>'verifiedVia' = 'claim_code' AND (detail::jsonb->>'claimId')::bigint = "
        + claim.getLong("id"))).isEqualTo(1);
    JsonObject listed = new JsonObject(api("GET", GatewayFixture.ACME_TOKEN, null).body());
    assertThat(listed.getJsonArray("claims").getJsonObject(0).getString("verifiedBy")).isEqualTo("discord:user:" + ADMIN);
    assertThat(listed.encode()).doesNotContain(claim.getString("code"));

    SignedInteraction.post(fixture.baseUrl(), shared, SignedInteraction.command(shared, GUILD, CHANNEL, MEMBER, "echo hi"));
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND platform = 'discord' "
        + "AND reply_to->>'guild' = '" + GUILD + "'")).isEqualTo(1);
    assertThat(fixture.auditChainsIntact()).isTrue();
  }

  @Test
  @DisplayName("a member without Manage Server, another server, another platform, a used, expired or made-up code bind nothing")
  void nothingElseBinds() {
    String code = claim(GatewayFixture.ACME_TOKEN, GUILD).getString("code");
    String teamsCode = new JsonObject(api("POST", GatewayFixture.ACME_TOKEN, new JsonObject().put("platform", "teams")
        .put("workspaceId", "0a0b0c0d-1111-4222-8333-444455556666")).body()).getString("code");

    assertThat(verify(GUILD, MEMBER, SEND_MESSAGES, code)).contains("Manage Server");
    assertThat(verify(GUILD, MEMBER, null, code)).contains("Manage Server");
    assertThat(verify(OTHER_GUILD, ADMIN, ADMINISTRATOR, code)).contains("unknown, used or expired");
    assertThat(verify(GUILD, ADMIN, ADMINISTRATOR, teamsCode)).contains("unknown, used or expired");
    assertThat(verify(GUILD, ADMIN, ADMINISTRATOR, "sbc_" + "0".repeat(24))).contains("unknown, used or expired");
    assertThat(fixture.count("SELECT count(*) FROM chat_installations")).as("nothing bound yet").isEqualTo(2);

    assertThat(verify(GUILD, ADMIN, ADMINISTRATOR, code)).contains("bound to Switchboard tenant 'acme'");
    assertThat(verify(GUILD, ADMIN, ADMINISTRATOR, code)).as("used").contains("unknown, used or expired");

    String expired = claim(GatewayFixture.ACME_TOKEN, OTHER_GUILD).getString("code");
    fixture.count("UPDATE workspace_claims SET expires_at = now() - interval '1 second' WHERE workspace_id = '"
        + OTHER_GUILD + "' RETURNING 1");
    assertThat(verify(OTHER_GUILD, ADMIN, ADMINISTRATOR, expired)).contains("unknown, used or expired");

    String suspended = claim(GatewayFixture.GLOBEX_TOKEN, OTHER_GUILD).getString("code");
    fixture.count("UPDATE tenants SET status = 'suspended' WHERE id = 'globex' RETURNING 1");
    assertThat(verify(OTHER_GUILD, ADMIN, ADMINISTRATOR, suspended)).contains("unknown, used or expired");

    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = '" + OTHER_GUILD + "'"))
        .isZero();
    assertThat(fixture.jobCount()).isZero();
  }

  @Test
  @DisplayName("a server globex holds with proof stays there and acme's code stays unused; a bare or disabled binding gives way")
  void provenBindingsStay() {
    Await.result(fixture.pool().withTransaction(tx -> Installations.add(tx, "globex", "discord", GUILD, null, null,
        InstallationProof.OPERATOR)));
    String code = claim(GatewayFixture.ACME_TOKEN, GUILD).getString("code");

    assertThat(verify(GUILD, ADMIN, ADMINISTRATOR, code)).contains("bound to another Switchboard tenant");
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = '" + GUILD
        + "' AND tenant_id = 'globex' AND enabled")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM workspace_claims WHERE verified_at IS NOT NULL")).isZero();

    fixture.count("UPDATE chat_installations SET enabled = false WHERE workspace_id = '" + GUILD + "' RETURNING 1");
    assertThat(verify(GUILD, ADMIN, ADMINISTRATOR, code)).contains("bound to Switchboard tenant 'acme'");
    assertThat(fixture.auditTypes("globex")).contains("installation.displaced");

    String bare = claim(GatewayFixture.GLOBEX_TOKEN, OTHER_GUILD).getString("code");
    fixture.count("INSERT INTO chat_installations (tenant_id, platform, workspace_id) VALUES ('acme', 'discord', '"
        + OTHER_GUILD + "') RETURNING 1");
    assertThat(verify(OTHER_GUILD, ADMIN, ADMINISTRATOR, bare)).contains("bound to Switchboard tenant 'globex'");
    assertThat(fixture.auditTypes("acme")).contains("installation.displaced");
    assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE workspace_id = '" + OTHER_GUILD
        + "' AND tenant_id = 'globex' AND verified_via = 'claim_code'")).isEqualTo(1);
    assertThat(fixture.auditChainsIntact()).isTrue();
  }

  @Test
  @DisplayName("member.permissions that is not a bit set is a 400, and verify with anything but a code is an ordinary command")
  void badPermissionsAndOrdinaryVerify() {
    String code = claim(GatewayFixture.ACME_TOKEN, GUILD).getString("code");
    JsonObject interaction = SignedInteraction.command(shared, GUILD, CHANNEL, ADMIN, "verify " + code);
    interaction.getJsonObject("member").put("permissions", "all");
    HttpResponse<String> refused = SignedInteraction.post(fixture.baseUrl(), shared, interaction);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("member.permissions");

    JsonObject other = SignedInteraction.command(shared, GUILD, CHANNEL, ADMIN, "verify " + code + " now");
    other.getJsonObject("member").put("permissions", ADMINISTRATOR);
    HttpResponse<String> ordinary = SignedInteraction.post(fixture.baseUrl(), shared, other);
    assertThat(new JsonObject(ordinary.body()).getJsonObject("data").getString("content")).contains("not installed");
    assertThat(fixture.count("SELECT count(*) FROM workspace_claims WHERE verified_at IS NOT NULL")).isZero();
  }

  /** Runs {@code verify <code>} in {@code guild} as {@code user} with these permissions; answers the ephemeral reply. */
  private String verify(String guild, String user, String permissions, String code) {
    JsonObject interaction = SignedInteraction.command(shared, guild, CHANNEL, user, "verify " + code);
    if (permissions != null) {
      interaction.getJsonObject("member").put("permissions", permissions);
    }
    HttpResponse<String> response = SignedInteraction.post(fixture.baseUrl(), shared, interaction);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject data = new JsonObject(response.body()).getJsonObject("data");
    assertThat(data.getInteger("flags")).as("ephemeral").isEqualTo(64);
    return data.getString("content");
  }

  private JsonObject claim(String token, String guild) {
    HttpResponse<String> response = api("POST", token, new JsonObject().put("platform", "discord")
        .put("workspaceId", guild));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return new JsonObject(response.body());
  }

  private HttpResponse<String> api(String method, String token, JsonObject body) {
    return Http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + "/api/v1/installations/claims"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }
}

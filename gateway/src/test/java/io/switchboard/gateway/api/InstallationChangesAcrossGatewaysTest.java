package io.switchboard.gateway.api;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.slack.SignedSlashCommand;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static io.switchboard.gateway.GatewayFixture.ACME_SECRET;
import static io.switchboard.gateway.GatewayFixture.OPERATOR_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A change made through one gateway is seen by another as soon as the event bus delivers the news,
 * not after its installation cache's time to live (30 s): the second gateway has cached the
 * installation (or its absence) before the change. The news travels apart from the API's answer, so
 * the second gateway may serve one more request on the old state in the meantime; the tests wait
 * for the change with requests that run nothing (a rejected command, or {@code help}).
 */
@DisplayName("Installation and tenant changes reach every gateway's installation cache at once")
class InstallationChangesAcrossGatewaysTest extends AdminApiTestBase {

  @Test
  @DisplayName("a tenant suspended through one gateway is refused by another that had its installation cached")
  void suspensionIsSeenByAnotherGateway() {
    String other = fixture.startSecondGateway();
    assertThat(acmeCommand(other).statusCode()).isEqualTo(200);
    long jobs = fixture.jobCount();

    api.send("POST", "/api/v1/tenants/acme/suspend", OPERATOR_TOKEN, null);
    Await.until("the second gateway refuses the suspended tenant", () -> acmeCommand(other, "help").statusCode() == 401);
    HttpResponse<String> refused = acmeCommand(other);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("unknown_workspace");
    assertThat(fixture.jobCount()).isEqualTo(jobs);

    api.send("POST", "/api/v1/tenants/acme/resume", OPERATOR_TOKEN, null);
    Await.until("the second gateway serves the resumed tenant", () -> acmeCommand(other, "help").statusCode() == 200);
    assertThat(acmeCommand(other).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("an installation added through one gateway serves chat on another that had cached its absence")
  void newInstallationIsSeenByAnotherGateway() {
    String other = fixture.startSecondGateway();
    String secret = "initech-own-app-secret";
    String token = ApiClient.json(api.send("POST", "/api/v1/tenants", OPERATOR_TOKEN,
        "{\"id\": \"initech\", \"name\": \"Initech\"}")).getJsonObject("adminToken").getString("token");
    HttpResponse<String> unknown = SignedSlashCommand.of(secret, "T0INITECH", "echo hi",
        fixture.slack().responseUrl("initech-1")).post(other);
    assertThat(unknown.statusCode()).isEqualTo(401);

    slack.acceptBotToken("xoxb-initech", "T0INITECH");
    assertThat(api.send("POST", "/api/v1/installations", token, "{\"platform\": \"slack\", "
        + "\"workspaceId\": \"T0INITECH\", \"signingSecret\": \"" + secret + "\", \"botToken\": \"xoxb-initech\"}")
        .statusCode()).isEqualTo(201);
    Await.until("the second gateway serves the new installation", () -> SignedSlashCommand.of(secret, "T0INITECH",
        "help", fixture.slack().responseUrl("initech-help-" + System.nanoTime())).post(other).statusCode() == 200);
    HttpResponse<String> served = SignedSlashCommand.of(secret, "T0INITECH", "echo hi",
        fixture.slack().responseUrl("initech-2")).post(other);
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'initech'")).isEqualTo(1);
  }

  private static HttpResponse<String> acmeCommand(String baseUrl) {
    return acmeCommand(baseUrl, "echo hi");
  }

  private static HttpResponse<String> acmeCommand(String baseUrl, String text) {
    return SignedSlashCommand.of(ACME_SECRET, "T0ACME", text,
        fixture.slack().responseUrl("acme-" + System.nanoTime())).post(baseUrl);
  }
}

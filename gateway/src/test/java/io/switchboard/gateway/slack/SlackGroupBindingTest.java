package io.switchboard.gateway.slack;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Policy bindings to Slack user groups ({@code slack:group:S0ENGINEERS} gives role viewer in the
 * example policy): membership read with {@code usergroups.users.list} and the bot token, cached.
 */
@DisplayName("Slack user groups in policy bindings")
class SlackGroupBindingTest {

  private static final String BOT_TOKEN = "xoxb-acme-groups";

  private SlackApiStandIn slack;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    slack = SlackApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SLACK_API_URL", slack.apiUrl()));
    fixture.putPolicy("acme", GatewayFixture.examplePolicy().put("freezeWindows", new JsonArray()));
    slack.userGroup("S0ENGINEERS", "U0GRACE", "U0HEIDI");
  }

  @AfterEach
  void stop() {
    fixture.close();
    slack.close();
  }

  @Test
  @DisplayName("a member of a bound group gets its role, others do not, and membership is asked once")
  void groupMembersGetTheGroupsRole() {
    Await.result(new SlackBotTokens(fixture.secrets()).store("acme", "T0ACME", BOT_TOKEN));
    slack.acceptToken(BOT_TOKEN);

    String grace = fixture.acmeAnswer("U0GRACE", "C0RANDOM", "errors production api").getString("text");
    String heidi = fixture.acmeAnswer("U0HEIDI", "C0RANDOM", "whoami").getString("text");
    String ivan = fixture.acmeAnswer("U0IVAN", "C0RANDOM", "errors production api").getString("text");

    assertThat(grace).startsWith("Queued as job");
    assertThat(heidi).contains("Your roles: `viewer`, `developer`");
    assertThat(ivan).contains("needs role viewer");
    assertThat(slack.calls("usergroups.users.list")).singleElement()
        .satisfies(call -> assertThat(call.args()).containsEntry("usergroup", "S0ENGINEERS"));
  }

  @Test
  @DisplayName("without a bot token a group binding grants nothing, and nothing is asked of Slack")
  void withoutATokenGroupsMatchNobody() {
    String grace = fixture.acmeAnswer("U0GRACE", "C0RANDOM", "errors production api").getString("text");

    assertThat(grace).contains("needs role viewer");
    assertThat(slack.calls("usergroups.users.list")).isEmpty();
    assertThat(fixture.jobCount()).isZero();
  }
}

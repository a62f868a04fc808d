package io.switchboard.gateway.teams;

import io.switchboard.testkit.ManualClock;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The connector token is fetched once and kept until a minute before it expires")
class TeamsBotTokensTest {

  private final Vertx vertx = Vertx.vertx();
  private final BotFrameworkStandIn botFramework = BotFrameworkStandIn.start();

  @AfterEach
  void stop() {
    botFramework.close();
    Await.result(vertx.close());
  }


  @Test
  void cachedUntilShortlyBeforeExpiry() {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-02T10:00:00Z"));
    TeamsBotTokens tokens = new TeamsBotTokens(WebClient.create(vertx), app(BotFrameworkStandIn.APP_PASSWORD), clock);
    assertThat(Await.result(tokens.current())).isEqualTo("bf-token-1");
    clock.advance(Duration.ofMinutes(58));
    assertThat(Await.result(tokens.current())).isEqualTo("bf-token-1");
    assertThat(botFramework.tokenRequests()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(1).plusSeconds(1));
    Await.result(tokens.current());
    assertThat(botFramework.tokenRequests()).isEqualTo(2);
    tokens.invalidate("bf-token-1");
    Await.result(tokens.current());
    assertThat(botFramework.tokenRequests()).isEqualTo(3);
  }

  @Test
  void refusedCredentialsFail() {
    TeamsBotTokens tokens = new TeamsBotTokens(WebClient.create(vertx), app("wrong"), Clock.systemUTC());
    assertThat(tokens.current().toCompletionStage().toCompletableFuture())
        .failsWithin(Duration.ofSeconds(10)).withThrowableThat().withCauseInstanceOf(TeamsConnectorFailure.class);
  }

  private TeamsApp app(String password) {
    return new TeamsApp(Optional.of(BotFrameworkStandIn.APP_ID), Optional.of(password),
        botFramework.openIdMetadataUrl(), botFramework.tokenUrl(), TeamsApp.DEFAULT_GRAPH_URL,
        TeamsApp.DEFAULT_LOGIN_URL);
  }
}

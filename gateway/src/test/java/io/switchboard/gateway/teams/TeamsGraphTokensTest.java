package io.switchboard.gateway.teams;

import io.switchboard.testkit.ManualClock;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import io.switchboard.testkit.teams.GraphStandIn;
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

@DisplayName("Graph tokens are asked in each customer's own Entra tenant and kept until shortly before they expire")
class TeamsGraphTokensTest {

  private static final String ACME = "72f988bf-0000-4000-8000-00000000acme";
  private static final String GLOBEX = "72f988bf-0000-4000-8000-0000000g1bex";

  private final Vertx vertx = Vertx.vertx();
  private final GraphStandIn graph = GraphStandIn.start().member(ACME, "u1").member(GLOBEX, "u2");

  @AfterEach
  void stop() {
    graph.close();
    Await.result(vertx.close());
  }


  @Test
  void oneTokenPerTeamsTenantCachedUntilAMinuteBeforeExpiry() {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-02T10:00:00Z"));
    TeamsGraphTokens tokens = new TeamsGraphTokens(WebClient.create(vertx), app(BotFrameworkStandIn.APP_PASSWORD),
        clock);
    assertThat(Await.result(tokens.current(ACME))).isEqualTo("graph-" + ACME + "-1");
    assertThat(Await.result(tokens.current(GLOBEX))).isEqualTo("graph-" + GLOBEX + "-1");
    clock.advance(Duration.ofMinutes(57));
    assertThat(Await.result(tokens.current(ACME))).isEqualTo("graph-" + ACME + "-1");
    assertThat(graph.tokenRequests(ACME)).isEqualTo(1);

    clock.advance(Duration.ofMinutes(2));
    assertThat(Await.result(tokens.current(ACME))).isEqualTo("graph-" + ACME + "-2");
    tokens.invalidate(GLOBEX, "graph-" + ACME + "-2");
    assertThat(Await.result(tokens.current(ACME))).as("invalidating in another tenant forgets nothing here")
        .isEqualTo("graph-" + ACME + "-2");
    tokens.invalidate(ACME, "graph-" + ACME + "-2");
    assertThat(Await.result(tokens.current(ACME))).isEqualTo("graph-" + ACME + "-3");
    assertThat(graph.tokenRequests(GLOBEX)).isEqualTo(1);
  }

  @Test
  void refusedCredentialsFailWithTheOAuthError() {
    TeamsGraphTokens tokens = new TeamsGraphTokens(WebClient.create(vertx), app("wrong"), Clock.systemUTC());
    assertThat(tokens.current(ACME).toCompletionStage().toCompletableFuture())
        .failsWithin(Duration.ofSeconds(10)).withThrowableThat().withCauseInstanceOf(TeamsConnectorFailure.class)
        .withMessageContaining("invalid_client").withMessageContaining("graph.token");
    assertThat(graph.tokenRequests(ACME)).isZero();
  }

  private TeamsApp app(String password) {
    return new TeamsApp(Optional.of(BotFrameworkStandIn.APP_ID), Optional.of(password), "http://127.0.0.1:9/openid",
        "http://127.0.0.1:9/token", graph.env().get("SWITCHBOARD_TEAMS_GRAPH_URL"),
        graph.env().get("SWITCHBOARD_TEAMS_LOGIN_URL"));
  }
}

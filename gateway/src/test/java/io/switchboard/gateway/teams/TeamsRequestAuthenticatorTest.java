package io.switchboard.gateway.teams;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The Bot Framework SDK's blocking token check never holds the event loop")
class TeamsRequestAuthenticatorTest {

  private final Vertx vertx = Vertx.vertx();
  private final BotFrameworkStandIn botFramework = BotFrameworkStandIn.start();

  @AfterEach
  void stop() {
    botFramework.close();
    Await.result(vertx.close());
  }

  @Test
  void eventLoopRunsWhileTheSdkWaitsForTheSigningKeys() throws Exception {
    TeamsRequestAuthenticator authenticator = new TeamsRequestAuthenticator(vertx, new TeamsApp(
        Optional.of(BotFrameworkStandIn.APP_ID), Optional.of(BotFrameworkStandIn.APP_PASSWORD),
        botFramework.openIdMetadataUrl(), botFramework.tokenUrl(), TeamsApp.DEFAULT_GRAPH_URL,
        TeamsApp.DEFAULT_LOGIN_URL));
    TeamsActivity activity = TeamsActivity.parse(Buffer.buffer(TeamsActivities.mention(botFramework.serviceUrl(),
        "tid", "19:c@thread.tacv2", "1", "aad-1", "echo x").encode()));
    CountDownLatch gate = botFramework.holdOpenId();
    Context eventLoop = vertx.getOrCreateContext();
    CompletableFuture<Boolean> checked = new CompletableFuture<>();
    CompletableFuture<Boolean> loopFree = new CompletableFuture<>();

    eventLoop.runOnContext(v -> {
      authenticator.authenticate(activity, "Bearer " + botFramework.token())
          .onComplete(ar -> checked.complete(ar.succeeded()));
      eventLoop.runOnContext(w -> loopFree.complete(Context.isOnEventLoopThread()));
    });

    Await.until("the SDK asking for the OpenID metadata", () -> botFramework.openIdRequests() >= 1);
    assertThat(loopFree.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(checked).isNotDone();
    gate.countDown();
    assertThat(checked.get(30, TimeUnit.SECONDS)).isTrue();
    authenticator.close();
  }
}

package io.switchboard.gateway.slack.webapi;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The Slack Web API client")
class SlackWebApiTest {

  private final Vertx vertx = Vertx.vertx();
  private final SlackApiStandIn slack = SlackApiStandIn.start();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SlackWebApi api = new SlackWebApi(vertx, slack.apiUrl(), new GatewayMetrics(registry));

  @AfterEach
  void stop() {
    Await.result(api.close());
    slack.close();
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("posts and updates a message with its blocks and bearer token, off the event loop")
  void postsAndUpdates() {
    slack.acceptToken("xoxb-1");
    JsonObject message = new JsonObject().put("text", "hello")
        .put("blocks", new JsonArray().add(new JsonObject().put("type", "section")
            .put("text", new JsonObject().put("type", "mrkdwn").put("text", "*hello*"))));
    AtomicReference<Boolean> onEventLoop = new AtomicReference<>();
    String ts = Await.result(onEventLoop(() -> {
      onEventLoop.set(Context.isOnEventLoopThread());
      return api.postMessage("xoxb-1", "C1", Optional.of("1.0001"), message);
    }));
    Await.result(api.update("xoxb-1", "C1", ts, message.copy().put("text", "bye")));

    assertThat(onEventLoop.get()).isTrue();
    SlackApiStandIn.Call post = slack.calls("chat.postMessage").get(0);
    assertThat(post.token()).isEqualTo("xoxb-1");
    assertThat(post.args()).containsEntry("channel", "C1").containsEntry("thread_ts", "1.0001")
        .containsEntry("text", "hello");
    assertThat(new JsonArray(post.args().get("blocks")).getJsonObject(0).getString("type")).isEqualTo("section");
    assertThat(slack.calls("chat.update").get(0).args()).containsEntry("ts", ts).containsEntry("text", "bye");
  }

  @Test
  @DisplayName("views.open opens a modal with its trigger once, answering the view id; a 429 is not waited out")
  void opensAView() {
    slack.acceptToken("xoxb-1");
    JsonObject view = new JsonObject().put("type", "modal").put("callback_id", "cb")
        .put("title", new JsonObject().put("type", "plain_text").put("text", "Form"))
        .put("blocks", new JsonArray());

    String id = Await.result(api.openView("xoxb-1", "T-1", view));

    assertThat(id).isEqualTo(slack.openedViews().get(0).getString("id")).isNotBlank();
    assertThat(slack.calls("views.open").get(0).args()).containsEntry("trigger_id", "T-1");
    assertThat(new JsonObject(slack.calls("views.open").get(0).args().get("view"))).isEqualTo(view);
    assertThatThrownBy(() -> Await.result(api.openView("xoxb-1", "T-1", view)))
        .isInstanceOfSatisfying(SlackApiFailure.class, e -> assertThat(e.error()).isEqualTo("exchanged_trigger_id"));
    slack.rateLimit("views.open", 1, 1);
    assertThatThrownBy(() -> Await.result(api.openView("xoxb-1", "T-2", view)))
        .isInstanceOfSatisfying(SlackApiFailure.class, e -> assertThat(e.error()).isEqualTo("http_429"));
    assertThat(slack.openedViews()).hasSize(1);
  }

  @Test
  @DisplayName("ok:false becomes a SlackApiFailure with Slack's error code")
  void okFalseIsAFailure() {
    assertThatThrownBy(() -> Await.result(api.postMessage("xoxb-unknown", "C1", Optional.empty(),
        new JsonObject().put("text", "x"))))
        .isInstanceOfSatisfying(SlackApiFailure.class, e -> assertThat(e.error()).isEqualTo("invalid_auth"));
  }

  @Test
  @DisplayName("a 429 is retried after Retry-After and the message is posted once")
  void honoursRetryAfter() {
    slack.acceptToken("xoxb-1");
    slack.rateLimit("chat.postMessage", 2, 1);
    String ts = Await.result(api.postMessage("xoxb-1", "C1", Optional.empty(), new JsonObject().put("text", "x")));
    assertThat(ts).isNotBlank();
    assertThat(slack.calls()).extracting(SlackApiStandIn.Call::method).containsExactly(
        "chat.postMessage", "chat.postMessage", "chat.postMessage");
    assertThat(slack.calls("chat.postMessage")).hasSize(1);
    assertThat(registry.counter("switchboard.slack.api.calls", "method", "chat.postMessage", "outcome", "rate_limited")
        .count()).isEqualTo(2);
    assertThat(registry.counter("switchboard.slack.api.calls", "method", "chat.postMessage", "outcome", "ok")
        .count()).isEqualTo(1);
    assertThat(registry.counter("switchboard.outbound.rate.limited", "platform", "slack").count())
        .as("every 429, in the per-platform counter the alerts and the dashboard use").isEqualTo(2);
  }

  @Test
  @DisplayName("a 429 that outlasts the retries fails as http_429, transient")
  void givesUpAfterBoundedRetries() {
    slack.acceptToken("xoxb-1");
    slack.rateLimit("chat.postMessage", SlackWebApi.MAX_RATE_LIMIT_RETRIES + 1, 0);
    assertThatThrownBy(() -> Await.result(api.postMessage("xoxb-1", "C1", Optional.empty(),
        new JsonObject().put("text", "x"))))
        .isInstanceOfSatisfying(SlackApiFailure.class, e -> assertThat(e.transientFailure()).isTrue());
    assertThat(slack.calls()).hasSize(SlackWebApi.MAX_RATE_LIMIT_RETRIES + 1);
  }

  private <T> Future<T> onEventLoop(java.util.function.Supplier<Future<T>> work) {
    Promise<T> promise = Promise.promise();
    vertx.runOnContext(v -> work.get().onComplete(promise));
    return promise.future();
  }
}

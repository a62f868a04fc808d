package io.switchboard.executor.action;

import io.switchboard.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ActionHttpClient#exchange} reads a response whole even when it has come and gone before the
 * calling thread goes on: the race that made {@code http} jobs against a fast target hang until
 * their timeout. The stand-in answers at once and closes the connection; the test thread waits until
 * the response has ended before it looks, which is the worst case of a callback run late on another
 * context.
 */
@DisplayName("Action HTTP exchanges read a response that ended before the caller went on")
class ActionHttpClientTest {

  private static final String BODY = "0123456789abcdef".repeat(8 * 1024); // 128 KiB: several chunks

  private Vertx vertx;
  private HttpClient client;
  private int port;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    HttpServer server = Await.result(vertx.createHttpServer()
        .requestHandler(request -> request.response().putHeader("Connection", "close").end(BODY))
        .listen(0, "127.0.0.1"));
    port = server.actualPort();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  private HttpClientRequest request() {
    return Await.result(client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(port).setURI("/")));
  }

  @Test
  @DisplayName("the reader gets every byte of a response that ended before the caller went on")
  void readsAResponseThatEndedBeforeTheCallerWentOn() {
    HttpClientRequest request = request();
    Future<Buffer> body = ActionHttpClient.exchange(request, null, HttpClientResponse::body);

    Await.result(request.response().compose(HttpClientResponse::end));

    assertThat(Await.result(body).toString()).isEqualTo(BODY);
  }

  @Test
  @DisplayName("streaming handlers attached by the reader see every chunk and the end")
  void streamingHandlersSeeEveryChunk() {
    HttpClientRequest request = request();
    Buffer received = Buffer.buffer();
    Future<Integer> read = ActionHttpClient.exchange(request, Buffer.buffer("ping"), response -> {
      response.handler(received::appendBuffer);
      return response.end().map(v -> received.length());
    });

    Await.result(request.response().compose(HttpClientResponse::end));

    assertThat(Await.result(read)).isEqualTo(BODY.length());
  }

  @Test
  @DisplayName("without it, handlers attached after the response ended are refused: the race is real")
  void handlersAttachedAfterTheEndAreRefused() {
    HttpClientResponse response = Await.result(request().send());
    Await.result(response.end());

    assertThatThrownBy(() -> response.handler(chunk -> { }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Response already ended");
  }
}

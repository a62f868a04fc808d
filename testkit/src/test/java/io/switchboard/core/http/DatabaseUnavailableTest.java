package io.switchboard.core.http;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A database that cannot be reached is a 503 with Retry-After, not a 500; sessions bound their lock waits")
class DatabaseUnavailableTest {

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("a route whose query finds no server answers 503 with Retry-After; a bug stays a 500")
  void unreachableDatabaseIs503() throws Exception {
    Pool nowhere = TestDatabase.pool(vertx, new DatabaseUrl("127.0.0.1", closedPort(), "db", "u", "p"));
    Throwable refused = Await.failure(nowhere.query("SELECT 1").execute());
    assertThat(DatabaseFailures.unavailable(refused)).as(refused.toString()).isTrue();
    assertThat(DatabaseFailures.unavailable(new PgException("terminating connection due to administrator command",
        "FATAL", "57P01", null))).isTrue();
    assertThat(DatabaseFailures.unavailable(new PgException("syntax error", "ERROR", "42601", null))).isFalse();
    assertThat(DatabaseFailures.unavailable(new IllegalStateException("a bug"))).isFalse();

    Router router = Router.router(vertx);
    router.get("/store").handler(ctx -> nowhere.query("SELECT 1").execute().onFailure(ctx::fail));
    router.get("/bug").handler(ctx -> ctx.fail(new IllegalStateException("a bug")));
    router.route().failureHandler(Problems.failureHandler());
    HttpServer server = Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));

    HttpResponse<String> unavailable = get(server, "/store");
    assertThat(unavailable.statusCode()).isEqualTo(503);
    assertThat(unavailable.headers().firstValue("Retry-After")).contains("5");
    assertThat(unavailable.body()).contains("\"code\":\"database_unavailable\"");
    assertThat(get(server, "/bug").statusCode()).isEqualTo(500);
  }

  @Test
  @DisplayName("every session of the pool ends idle transactions and bounds its lock waits")
  void sessionsCarryTheirTimeouts() {
    Pool pool = TestDatabase.pool(vertx, TestDatabase.fresh());
    assertThat(show(pool, "idle_in_transaction_session_timeout")).isEqualTo(DatabaseUrl.IDLE_IN_TRANSACTION_TIMEOUT);
    assertThat(show(pool, "lock_timeout")).isEqualTo(DatabaseUrl.LOCK_TIMEOUT);
    assertThat(show(pool, "application_name")).isEqualTo("switchboard");
  }

  private static String show(Pool pool, String setting) {
    return Await.result(pool.query("SHOW " + setting).execute()).iterator().next().getString(0);
  }

  private static HttpResponse<String> get(HttpServer server, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
        + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}

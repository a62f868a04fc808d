package io.switchboard.deploy;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The image's HEALTHCHECK: 200 is healthy; any other status, or no answer, is not. */
@DisplayName("the container health check")
class HealthCheckTest {

  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private URI serve(int status) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/health", exchange -> {
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health");
  }

  @Test
  @DisplayName("a 200 from /health passes")
  void healthy() throws Exception {
    assertThat(HealthCheck.status(serve(200))).isEqualTo(200);
  }

  @Test
  @DisplayName("a 503 is reported as such")
  void unhealthy() throws Exception {
    assertThat(HealthCheck.status(serve(503))).isEqualTo(503);
  }

  @Test
  @DisplayName("a port nobody listens on is -1")
  void noAnswer() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    assertThat(HealthCheck.status(URI.create("http://127.0.0.1:" + closed + "/health"))).isEqualTo(-1);
  }

  @Test
  @DisplayName("without an argument it asks the loopback address on SWITCHBOARD_HTTP_PORT")
  void defaultUri() {
    assertThat(HealthCheck.defaultUri(Map.of())).hasToString("http://127.0.0.1:8080/health");
    assertThat(HealthCheck.defaultUri(Map.of("SWITCHBOARD_HTTP_PORT", "9090")))
        .hasToString("http://127.0.0.1:9090/health");
  }
}

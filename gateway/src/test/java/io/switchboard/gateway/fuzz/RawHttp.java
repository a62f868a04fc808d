package io.switchboard.gateway.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An HTTP/1.1 POST written byte by byte on a socket, for headers the JDK client refuses to send (an
 * {@code Authorization} with NUL, other controls or any Unicode, sent as UTF-8) and bodies of any
 * bytes. CR and LF in a header value become spaces, so a value cannot start a header of its own. A
 * server that does not answer within {@value #TIMEOUT_MILLIS} ms fails the test: a hang is a failure too.
 */
public final class RawHttp {

  static final int TIMEOUT_MILLIS = 20_000;

  /** What the server answered. */
  public record Answer(int status, String contentType, String body) {

    /**
     * The invariant of every fuzzing test: never a 5xx; a 4xx is an {@code application/problem+json}
     * document. {@code input} (the case and what was sent, its middle cut out when long) names a failure.
     */
    public Answer assertAnsweredCleanly(Object input) {
      assertThat(status).as(shown(input) + "\nnever a 5xx: " + body).isBetween(200, 499);
      if (status >= 400) {
        assertThat(contentType).as(shown(input) + "\na refusal (HTTP " + status + ") is a problem document: " + body)
            .startsWith("application/problem+json");
      }
      return this;
    }

    /** Refused: a 4xx problem document. */
    public Answer assertRefused(Object input) {
      assertAnsweredCleanly(input);
      assertThat(status).as(shown(input) + "\nrefused: " + body).isBetween(400, 499);
      return this;
    }

    private static String shown(Object input) {
      String text = String.valueOf(input);
      return text.length() <= 500 ? text : text.substring(0, 250) + " ... " + text.substring(text.length() - 250);
    }

    public boolean refused() {
      return status >= 400;
    }
  }

  private RawHttp() {
  }

  /** POSTs {@code body} to {@code baseUrl + path} with these headers (a null value leaves the header out). */
  public static Answer post(String baseUrl, String path, Map<String, String> headers, byte[] body) {
    return send("POST", baseUrl, path, headers, body);
  }

  /** After a run: the node still answers {@code GET /ready} with 200. */
  public static void assertReady(String baseUrl) {
    Answer ready = send("GET", baseUrl, "/ready", Map.of(), new byte[0]);
    assertThat(ready.status()).as("the node is still ready: " + ready.body()).isEqualTo(200);
  }

  private static Answer send(String method, String baseUrl, String path, Map<String, String> headers, byte[] body) {
    URI base = URI.create(baseUrl);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n")
          .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
          .append("Connection: close\r\n").append("Content-Length: ").append(body.length).append("\r\n");
      headers.forEach((name, value) -> {
        if (value != null) {
          head.append(name).append(": ").append(value.replace('\r', ' ').replace('\n', ' ')).append("\r\n");
        }
      });
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(body);
        out.flush();
      } catch (IOException refusedEarly) {
        // the server may answer (e.g. 413 or 431) and close before it read everything: read that answer
      }
      return parse(readAll(socket.getInputStream()));
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer within " + TIMEOUT_MILLIS + " ms: the server hangs", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try {
      return in.readAllBytes();
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException reset) {
      return new byte[0];
    }
  }

  private static Answer parse(byte[] response) {
    String text = new String(response, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    assertThat(end).as("an HTTP answer, not a closed connection: [" + text + "]").isPositive();
    String[] lines = text.substring(0, end).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers.getOrDefault("content-type", ""),
        text.substring(end + 4));
  }
}

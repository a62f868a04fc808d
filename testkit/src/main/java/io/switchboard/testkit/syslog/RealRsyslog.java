package io.switchboard.testkit.syslog;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.LocalBinaries;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real syslog receiver: Debian's {@code rsyslogd} ({@code .ci/run} installs the {@code rsyslog}
 * package) in the foreground, with a TCP input ({@code imtcp}, octet-counted framing on) on a
 * loopback port and a file output ({@code omfile}) of one JSON line per message it parsed: the
 * fields rsyslog read from the RFC 5424 header, the body, and the raw message. Tests that use it
 * start it only where {@link #binary()} finds one and skip, saying so, elsewhere ({@link #MISSING}).
 */
public final class RealRsyslog implements AutoCloseable {

  /** The reason a test gives when it skips for want of a binary. */
  public static final String MISSING = "no rsyslogd binary on this machine (set SWITCHBOARD_TEST_RSYSLOGD_BIN or "
      + "install Debian's rsyslog package, as .ci/run does); the real-syslog tests are skipped";

  private static final String CONFIG = """
      global(workDirectory="%DIR%" maxMessageSize="256k")
      module(load="imtcp")
      template(name="fields" type="list") {
        constant(value="{")
        property(outname="pri" name="pri" format="jsonf") constant(value=",")
        property(outname="facility" name="syslogfacility" format="jsonf") constant(value=",")
        property(outname="severity" name="syslogseverity" format="jsonf") constant(value=",")
        property(outname="version" name="protocol-version" format="jsonf") constant(value=",")
        property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf") constant(value=",")
        property(outname="hostname" name="hostname" format="jsonf") constant(value=",")
        property(outname="appName" name="app-name" format="jsonf") constant(value=",")
        property(outname="procId" name="procid" format="jsonf") constant(value=",")
        property(outname="msgId" name="msgid" format="jsonf") constant(value=",")
        property(outname="structuredData" name="structured-data" format="jsonf") constant(value=",")
        property(outname="msg" name="msg" format="jsonf") constant(value=",")
        property(outname="raw" name="rawmsg" format="jsonf")
        constant(value="}\\n")
      }
      ruleset(name="received") {
        action(type="omfile" file="%DIR%/received.jsonl" template="fields")
      }
      input(type="imtcp" address="127.0.0.1" port="%PORT%" ruleset="received")
      """;

  private final Process process;
  private final Path dir;
  private final int port;

  private RealRsyslog(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** A free loopback port to start a receiver on later (a sink can be pointed at it while nothing listens). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts rsyslogd listening on 127.0.0.1:{@code port}, its files in {@code dir}, and waits until it accepts connections. */
  public static RealRsyslog start(Path binary, Path dir, int port) {
    try {
      Files.createDirectories(dir);
      Path config = dir.resolve("rsyslog.conf");
      Files.writeString(config, CONFIG.replace("%DIR%", dir.toAbsolutePath().toString())
          .replace("%PORT%", String.valueOf(port)));
      Process process = new ProcessBuilder(binary.toString(), "-n", "-f", config.toString(),
          "-i", dir.resolve("rsyslogd.pid").toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("rsyslogd.log").toFile()).start();
      RealRsyslog rsyslog = new RealRsyslog(process, dir, port);
      try {
        Await.until("rsyslogd accepts connections on port " + port, () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("rsyslogd exited with " + process.exitValue() + ": " + rsyslog.log());
          }
          try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
          } catch (IOException e) {
            return false;
          }
        });
      } catch (RuntimeException | AssertionError e) {
        rsyslog.close();
        throw e;
      }
      return rsyslog;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  /** Every message received so far, in arrival order, as rsyslog parsed it (see the class comment). */
  public List<JsonObject> received() {
    Path file = dir.resolve("received.jsonl");
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      List<JsonObject> messages = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.endsWith("}")) {
          messages.add(new JsonObject(line));
        }
      }
      return messages;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What rsyslogd has printed so far. */
  public String log() {
    try {
      return Files.readString(dir.resolve("rsyslogd.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops the receiver (SIGTERM, so it writes out what it holds), and waits for it to exit. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The {@code rsyslogd} binary: {@code SWITCHBOARD_TEST_RSYSLOGD_BIN}, else the first on the PATH,
   * else Debian's {@code /usr/sbin/rsyslogd} (a non-root PATH often lacks {@code /usr/sbin}).
   */
  public static Optional<Path> binary() {
    return LocalBinaries.find("rsyslogd", "SWITCHBOARD_TEST_RSYSLOGD_BIN", "/usr/sbin");
  }
}

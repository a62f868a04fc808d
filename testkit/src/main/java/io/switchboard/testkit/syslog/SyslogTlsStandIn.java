package io.switchboard.testkit.syslog;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestTls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PfxOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A syslog-over-TLS receiver on a loopback port (RFC 5425), for what the real rsyslog of
 * {@link RealRsyslog} cannot do here without its gnutls module: it presents a certificate of the
 * {@link TestTls} CA and splits what it receives into octet-counted frames ({@code LEN SP MSG}),
 * keeping each message. A frame whose length is not a number fails the stand-in's connection.
 */
public final class SyslogTlsStandIn implements AutoCloseable {

  private final Vertx vertx;
  private final NetServer server;
  private final List<String> messages = new CopyOnWriteArrayList<>();

  private SyslogTlsStandIn(Vertx vertx, Path keyStore) {
    this.vertx = vertx;
    this.server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
        .setKeyCertOptions(new PfxOptions().setPath(keyStore.toString()).setPassword(TestTls.PASSWORD)));
    server.connectHandler(socket -> {
      Buffer[] pending = {Buffer.buffer()};
      socket.handler(bytes -> pending[0] = split(pending[0].appendBuffer(bytes)));
    });
  }

  /** A receiver presenting the test CA's certificate for localhost and 127.0.0.1. */
  public static SyslogTlsStandIn start() {
    return started(new SyslogTlsStandIn(Vertx.vertx(), TestTls.shared().serverKeyStore()));
  }

  /** A receiver presenting a certificate of the test CA for {@code elsewhere.example} only. */
  public static SyslogTlsStandIn startWithWrongName() {
    return started(new SyslogTlsStandIn(Vertx.vertx(), TestTls.shared().wrongNameServerKeyStore()));
  }

  private static SyslogTlsStandIn started(SyslogTlsStandIn standIn) {
    Await.result(standIn.server.listen());
    return standIn;
  }

  public int port() {
    return server.actualPort();
  }

  /** Every message received whole so far, in order, without its length prefix. */
  public List<String> messages() {
    return List.copyOf(messages);
  }

  /** Takes every whole frame off the front of {@code buffer}; answers what is left. */
  private Buffer split(Buffer buffer) {
    int at = 0;
    while (true) {
      int space = -1;
      for (int i = at; i < buffer.length(); i++) {
        if (buffer.getByte(i) == ' ') {
          space = i;
          break;
        }
      }
      if (space < 0) {
        return buffer.getBuffer(at, buffer.length());
      }
      int length = Integer.parseInt(buffer.getString(at, space, StandardCharsets.US_ASCII.name()));
      if (buffer.length() < space + 1 + length) {
        return buffer.getBuffer(at, buffer.length());
      }
      messages.add(buffer.getString(space + 1, space + 1 + length, StandardCharsets.UTF_8.name()));
      at = space + 1 + length;
    }
  }

  @Override
  public void close() {
    Await.result(vertx.close());
  }
}

package io.switchboard.gateway.sandbox;

import io.netty.util.NetUtil;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.http.Problems;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The first step of every sandbox request (the page, its files and its API): anyone who reaches the
 * sandbox can speak as any demo user, so by default it answers only clients on this machine, and
 * refuses others with a 403 problem. The TCP connection's remote address decides;
 * {@code X-Forwarded-For} and {@code Forwarded} are ignored, since any client can send them. An
 * address that is not an IP literal (a Unix domain socket, say) is refused.
 * {@code SWITCHBOARD_SANDBOX_ALLOW_REMOTE=true} lets everyone in.
 */
public final class SandboxAccess implements Handler<RoutingContext> {

  private final boolean allowRemote;

  public SandboxAccess(boolean allowRemote) {
    this.allowRemote = allowRemote;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpConnection connection = ctx.request().connection();
    if (allowRemote || connection != null && isLoopback(connection.remoteAddress())) {
      ctx.next();
      return;
    }
    Problems.send(ctx, ErrorCode.FORBIDDEN, "the sandbox answers only visitors on this machine (loopback); "
        + "set SWITCHBOARD_SANDBOX_ALLOW_REMOTE=true to let others in, and anyone who reaches it can speak as "
        + "any demo user");
  }

  /** Whether {@code address} is an IP address of this machine's loopback (127.0.0.0/8, ::1, or IPv4-mapped). */
  static boolean isLoopback(SocketAddress address) {
    if (address == null || !address.isInetSocket() || address.hostAddress() == null) {
      return false;
    }
    byte[] ip = NetUtil.createByteArrayFromIpAddressString(address.hostAddress());
    if (ip == null) {
      return false;
    }
    try {
      return InetAddress.getByAddress(ip).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}

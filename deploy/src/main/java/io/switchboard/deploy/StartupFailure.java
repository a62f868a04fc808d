package io.switchboard.deploy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A reason the node cannot start that the person starting it can fix: a port in use, a database
 * that cannot be reached, a data directory that cannot be written. Its message says what happened
 * and which setting to change; the launcher prints it as one line, without a stack trace.
 */
public final class StartupFailure extends RuntimeException {

  public StartupFailure(String message) {
    super(message, null, false, false);
  }

  /**
   * Fails unless {@code port} on {@code host} can be bound now. Checked before anything slow starts
   * (the embedded PostgreSQL), so a port in use is reported at once; port 0 (any free port) passes.
   */
  public static void requirePortFree(String host, int port, String variable) {
    if (port == 0) {
      return;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
    } catch (BindException e) {
      throw portInUse(host, port, variable);
    } catch (IOException | IllegalArgumentException e) {
      throw new StartupFailure("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "): check "
          + variable + (variable.equals("SWITCHBOARD_HTTP_PORT") ? " and SWITCHBOARD_HTTP_HOST" : ""));
    }
  }

  static StartupFailure portInUse(String host, int port, String variable) {
    return new StartupFailure("port " + port + " on " + host + " is already in use (another Switchboard, or another "
        + "program): stop it, or set " + variable + " to a free port (0 picks one)");
  }

  /** The innermost cause's message, for one line that names the real problem. */
  public static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message.strip();
  }

  /** Whether {@code e} or one of its causes is a {@link BindException}. */
  static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }
}

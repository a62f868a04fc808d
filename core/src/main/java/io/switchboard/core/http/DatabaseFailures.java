package io.switchboard.core.http;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.io.IOException;
import java.net.SocketException;
import java.util.Set;

/**
 * Tells a failure that says the database cannot be reached, or will not take work now, from a bug:
 * the first is worth a retry later (and nothing was stored, since a statement that fails this way
 * rolls its transaction back), the second is a 500.
 */
public final class DatabaseFailures {

  /**
   * SQLSTATEs that mean "not now": 57P01-57P03 (the server is shutting down, crashed or starting),
   * 53300 (too many connections), 55P03 (a lock not taken within {@code lock_timeout}), 57014 (a
   * statement cancelled, e.g. by {@code statement_timeout}), 25P03 (a transaction ended by
   * {@code idle_in_transaction_session_timeout}), 40P01 and 40001 (the transaction was chosen as a
   * deadlock's victim, or could not be serialised with a concurrent one: rolled back whole, so a
   * retry is safe); and every connection exception (class 08). Besides these, a connection refused,
   * closed, reset or broken ({@link SocketException}): a server going down mid-statement resets the
   * socket before it can say 57P01 (the chaos suite saw it as a 500). Java's NIO reports a reset or
   * broken connection during a write (a new connection's start-up message sent to a server going down)
   * as a plain {@link IOException} saying so, which counts too; any other I/O failure does not. On a
   * request's path the only connections a handler waits on are PostgreSQL's and the secret store's,
   * whose failures are answered on their own ({@code secret_store_unavailable}).
   */
  private static final Set<String> NOT_NOW =
      Set.of("57P01", "57P02", "57P03", "53300", "55P03", "57014", "25P03", "40P01", "40001");

  private DatabaseFailures() {
  }

  /** Whether the failure, or one of its causes, says the database is unavailable. */
  public static boolean unavailable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof SocketException || cause instanceof ClosedConnectionException
          || cause instanceof IOException io && connectionLost(io)) {
        return true;
      }
      if (cause instanceof PgException pg && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08") || NOT_NOW.contains(pg.getSqlState()))) {
        return true;
      }
    }
    return false;
  }

  private static boolean connectionLost(IOException failure) {
    String message = failure.getMessage();
    return message != null && (message.contains("Connection reset") || message.contains("Broken pipe"));
  }
}

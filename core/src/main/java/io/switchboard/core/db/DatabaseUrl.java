package io.switchboard.core.db;

import io.vertx.pgclient.PgConnectOptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a PostgreSQL database lives and how to log in, parsed once from a
 * {@code postgresql://user:pass@host:port/db} URL. It hands out both forms the project needs: Vert.x
 * reactive client options (the application's queries) and a JDBC URL (Flyway migrations only).
 */
public record DatabaseUrl(String host, int port, String database, String user, String password) {

  public static final int DEFAULT_PORT = 5432;

  /**
   * Parses a {@code postgresql://} (or {@code postgres://}) URL.
   *
   * @throws IllegalArgumentException naming what is wrong, never echoing the password
   */
  public static DatabaseUrl parse(String url) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("database URL is not a valid URI (expected postgresql://user:pass@host:port/db)");
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("database URL must start with postgresql:// (got scheme '" + uri.getScheme() + "')");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("database URL has no host");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = decode(path.startsWith("/") ? path.substring(1) : path);
    if (database.isEmpty()) {
      throw new IllegalArgumentException("database URL has no database name");
    }
    String user = "postgres";
    String password = "";
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    }
    return new DatabaseUrl(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), database, user, password);
  }

  /** The same server and credentials, another database (used to create per-test databases). */
  public DatabaseUrl withDatabase(String otherDatabase) {
    return new DatabaseUrl(host, port, otherDatabase, user, password);
  }

  /**
   * Options for the reactive client. Prepared statements are cached per connection, so a statement
   * is parsed and planned once per connection instead of on every execution (the client's default
   * is not to cache; parsing and planning were most of PostgreSQL's work per command). The SQL
   * length limit is raised so the longer queue statements are cached too. A connection pooler in
   * transaction mode in front of PostgreSQL must support prepared statements (PgBouncer 1.21+ with
   * {@code max_prepared_statements}).
   *
   * <p>Every session also bounds how long it may hold or wait for locks (issue 11): a transaction left
   * idle for {@value #IDLE_IN_TRANSACTION_TIMEOUT} (a paused or cut-off node) is ended by the server,
   * so its row locks (a tenant's audit chain head) do not stop everyone else; a lock not taken within
   * {@value #LOCK_TIMEOUT} fails the statement instead of queueing behind such a session. Both are sent
   * as startup parameters; a PgBouncer in front must pass them ({@code ignore_startup_parameters}
   * does not, so set them on the role there instead).
   */
  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password)
        .addProperty("application_name", "switchboard")
        .addProperty("idle_in_transaction_session_timeout", IDLE_IN_TRANSACTION_TIMEOUT)
        .addProperty("lock_timeout", LOCK_TIMEOUT)
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(512)
        .setPreparedStatementCacheSqlLimit(16 * 1024);
  }

  /** How long the server lets a session sit idle inside a transaction before ending it. */
  public static final String IDLE_IN_TRANSACTION_TIMEOUT = "15s";
  /** How long a statement waits for a lock before it fails (and its command is answered 503). */
  public static final String LOCK_TIMEOUT = "10s";

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /**
   * The URL with the password, as {@code SWITCHBOARD_DATABASE_URL} takes it: for handing the
   * database to another process. Never log it; {@link #toString()} is the loggable form.
   */
  public String withCredentials() {
    return "postgresql://" + encode(user) + (password.isEmpty() ? "" : ":" + encode(password)) + "@" + host + ":"
        + port + "/" + encode(database);
  }

  /** The URL without the password, safe to log. */
  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}

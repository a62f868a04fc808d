package io.switchboard.testkit;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.db.EmbeddedPostgresServer;
import io.switchboard.core.db.Migrations;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests: one embedded server per test JVM (data under {@code target/}), and a
 * fresh, fully migrated database for each caller, so test classes never see each other's rows.
 * The databases are dropped when the JVM exits.
 */
public final class TestDatabase {

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final List<String> CREATED = new CopyOnWriteArrayList<>();
  private static EmbeddedPostgresServer server;

  private TestDatabase() {
  }

  /** Creates a new database on the shared server, applies all migrations, and returns its URL. */
  public static DatabaseUrl fresh() {
    DatabaseUrl url = empty();
    Migrations.migrate(url);
    return url;
  }

  /**
   * Creates a new database with the migrations up to {@code version} only (e.g. {@code "20"}), for
   * writing rows the way an older release did; {@link #migrateToLatest} then applies the rest.
   */
  public static DatabaseUrl freshUpTo(String version) {
    DatabaseUrl url = empty();
    Flyway.configure().dataSource(url.jdbcUrl(), url.user(), url.password()).locations(Migrations.LOCATION)
        .target(version).loggers("slf4j").load().migrate();
    return url;
  }

  /** Applies every migration not applied yet, as a node of the newest release does at start-up. */
  public static void migrateToLatest(DatabaseUrl url) {
    Migrations.migrate(url);
  }

  private static DatabaseUrl empty() {
    DatabaseUrl admin = server().url();
    String name = "test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    execute(admin, "CREATE DATABASE " + name);
    CREATED.add(name);
    return admin.withDatabase(name);
  }

  /** The superuser's URL for {@code database} on the shared server (its password included). */
  public static DatabaseUrl superuser(String database) {
    return server().url().withDatabase(database);
  }

  /** Runs SQL as the superuser over JDBC: for test set-up and for simulating a tamperer. */
  public static void execute(DatabaseUrl url, String sql) {
    try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
         Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test SQL failed: " + sql, e);
    }
  }

  /** A reactive pool on the given database. */
  public static Pool pool(Vertx vertx, DatabaseUrl url) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(8))
        .connectingTo(url.connectOptions())
        .using(vertx)
        .build();
  }

  /** Best effort at JVM exit: the server may already be stopping; the data lives under target/ anyway. */
  private static void dropQuietly(String name) {
    try {
      execute(server.url(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (IllegalStateException e) {
      // the server is going away; nothing is lost but disk space under target/
    }
  }

  private static synchronized EmbeddedPostgresServer server() {
    if (server == null) {
      // Thrown away after the run: no WAL flush per commit, which would only slow the suite down.
      server = EmbeddedPostgresServer.start(Path.of("target", "test-postgres"), 0, EmbeddedPostgresServer.Durability.SCRATCH);
      EmbeddedPostgresServer started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        CREATED.forEach(TestDatabase::dropQuietly);
        started.close();
      }, "test-postgres-stop"));
    }
    return server;
  }
}

package io.switchboard.core.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies Switchboard's versioned SQL migrations ({@code classpath:db/migration}) with Flyway.
 * Flyway takes a database lock, so several nodes starting at once apply each migration once.
 * It talks JDBC and blocks: run it before Vert.x starts or on a worker thread.
 */
public final class Migrations {

  public static final String LOCATION = "classpath:db/migration";

  private Migrations() {
  }

  /** Brings the schema up to date and returns how many migrations ran. */
  public static int migrate(DatabaseUrl url) {
    Flyway flyway = Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .locations(LOCATION)
        .loggers("slf4j")
        .load();
    MigrateResult result = flyway.migrate();
    return result.migrationsExecuted;
  }
}

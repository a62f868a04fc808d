package io.switchboard.core.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies Switchboard's versioned SQL migrations with Flyway: every {@code db/migration} folder on the
 * classpath, and its subfolders. V1 to V24 live in core's (the history before modules kept their own);
 * since V25 each module keeps the migrations of its own tables in {@code db/migration/<module>/} of
 * its jar (the gateway's in {@code db/migration/gateway/}). Versions are one sequence across modules,
 * so a migration may rely on every lower one; a node applies what the modules it carries hold, and a
 * packaged node carries them all. Flyway takes a database lock, so several nodes starting at once
 * apply each migration once. It talks JDBC and blocks: run it before Vert.x starts or on a worker thread.
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

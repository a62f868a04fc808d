package io.switchboard.core.db;

import io.switchboard.core.testsupport.TestDatabase;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedPostgresServerTest {

  @Test
  void aSecondStartReusesTheDataAndMigrationsRunOnce() throws SQLException, IOException {
    Path dataDir = Path.of("target", "embedded-restart-" + System.nanoTime());
    try {
      startTwice(dataDir);
    } finally {
      FileUtils.deleteDirectory(dataDir.toFile());
    }
  }

  private static void startTwice(Path dataDir) throws SQLException {
    try (EmbeddedPostgresServer first = EmbeddedPostgresServer.start(dataDir, 0)) {
      assertThat(Migrations.migrate(first.url())).isPositive();
      TestDatabase.execute(first.url(), "INSERT INTO tenants (id, name) VALUES ('kept', 'Kept')");
    }
    try (EmbeddedPostgresServer second = EmbeddedPostgresServer.start(dataDir, 0)) {
      assertThat(Migrations.migrate(second.url())).isZero();
      DatabaseUrl url = second.url();
      try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
           ResultSet rs = c.createStatement().executeQuery("SELECT name FROM tenants WHERE id = 'kept'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("Kept");
      }
    }
  }
}

package io.switchboard.core.db;

import io.switchboard.testkit.TestDatabase;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedPostgresServerTest {

  @Test
  @DisplayName("nothing is trusted: the superuser needs the generated password, kept in an owner-only file; no socket; binaries and data private")
  void theServerTrustsNoOne() throws SQLException, IOException {
    Path dataDir = Path.of("target", "embedded-locked-" + System.nanoTime());
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir, 0)) {
      assertLockedDown(server, dataDir);
    } finally {
      FileUtils.deleteDirectory(dataDir.toFile());
    }
  }

  @Test
  @DisplayName("a data directory from before passwords (trust rules, no password, binaries writable by all) is locked down on its next start")
  void anOldTrustingDataDirectoryIsLockedDown() throws SQLException, IOException {
    Path dataDir = Path.of("target", "embedded-upgrade-" + System.nanoTime());
    try {
      try (EmbeddedPostgresServer old = EmbeddedPostgresServer.start(dataDir, 0)) {
        TestDatabase.execute(old.url(), "ALTER ROLE postgres PASSWORD NULL");
      }
      Path hba = dataDir.resolve("postgres").resolve("pg_hba.conf");
      Files.writeString(hba, "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n");
      Files.setPosixFilePermissions(dataDir.resolve("postgres-bin"), PosixFilePermissions.fromString("rwxrwxrwx"));

      try (EmbeddedPostgresServer upgraded = EmbeddedPostgresServer.start(dataDir, 0)) {
        assertLockedDown(upgraded, dataDir);
      }
    } finally {
      FileUtils.deleteDirectory(dataDir.toFile());
    }
  }

  @Test
  @DisplayName("a node's server flushes every commit to disk before acknowledging it; only a test's scratch server does not")
  void theServerIsDurableUnlessAskedForScratch() throws SQLException, IOException {
    Path dataDir = Path.of("target", "embedded-durable-" + System.nanoTime());
    try {
      try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir, 0)) {
        assertThat(setting(server.url(), "fsync")).isEqualTo("on");
        assertThat(setting(server.url(), "synchronous_commit")).isEqualTo("on");
      }
      try (EmbeddedPostgresServer scratch = EmbeddedPostgresServer.start(dataDir, 0,
          EmbeddedPostgresServer.Durability.SCRATCH)) {
        assertThat(setting(scratch.url(), "fsync")).isEqualTo("off");
        assertThat(setting(scratch.url(), "synchronous_commit")).isEqualTo("off");
      }
    } finally {
      FileUtils.deleteDirectory(dataDir.toFile());
    }
  }

  private static String setting(DatabaseUrl url, String name) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
         ResultSet row = connection.createStatement().executeQuery("SHOW " + name)) {
      row.next();
      return row.getString(1);
    }
  }

  private static void assertLockedDown(EmbeddedPostgresServer server, Path dataDir) throws SQLException, IOException {
    DatabaseUrl url = server.url();
    assertThat(url.password()).hasSizeGreaterThanOrEqualTo(64);
    assertThat(Files.readString(dataDir.resolve(EmbeddedPostgresServer.PASSWORD_FILE)).strip()).isEqualTo(url.password());
    assertThat(EmbeddedPostgresServer.permissions(dataDir.resolve(EmbeddedPostgresServer.PASSWORD_FILE)))
        .isEqualTo("rw-------");
    assertThat(EmbeddedPostgresServer.permissions(dataDir.resolve("postgres"))).isEqualTo("rwx------");
    try (var paths = Files.walk(dataDir.resolve("postgres-bin"))) {
      assertThat(paths.filter(path -> !Files.isSymbolicLink(path)).filter(path -> {
        try {
          String permissions = EmbeddedPostgresServer.permissions(path);
          return permissions.charAt(4) == 'w' || permissions.charAt(7) == 'w';
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      })).as("binaries others could replace").isEmpty();
    }
    assertThat(EmbeddedPostgresServer.hbaRules(dataDir)).isNotEmpty()
        .allSatisfy(rule -> assertThat(rule).endsWith("scram-sha-256").doesNotContain("trust"));

    assertThatThrownBy(() -> DriverManager.getConnection(url.jdbcUrl(), url.user(), "").close())
        .isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> DriverManager.getConnection(url.jdbcUrl(), url.user(), "guess").close())
        .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
         ResultSet rs = c.createStatement().executeQuery("SHOW unix_socket_directories")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).as("no Unix socket").isEmpty();
    }
  }

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

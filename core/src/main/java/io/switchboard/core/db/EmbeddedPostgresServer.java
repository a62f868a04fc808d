package io.switchboard.core.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL server run from binaries packaged on the class path (Linux x86-64 and arm64,
 * macOS x86-64 and arm64, Windows x86-64; see {@link PostgresBinaries}), for the zero-configuration
 * default and for tests. Its data directory survives restarts, so a second start reuses the data.
 *
 * <p>PostgreSQL refuses to run as root. The zonky launcher runs {@code initdb} and {@code pg_ctl}
 * inside {@code unshare -U} when the JVM is root, so this works unchanged for root and non-root
 * users. Starting and stopping block; call them before Vert.x starts or on a worker thread.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  /** The database Switchboard uses inside the embedded server. */
  public static final String DATABASE = "postgres";
  public static final String USER = "postgres";

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts (initialising on first use) a server whose data lives in {@code dataDir/postgres} and
   * whose unpacked binaries live in {@code dataDir/postgres-bin}.
   *
   * @param port the TCP port on 127.0.0.1, or 0 for any free port
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port) {
    try {
      Path data = dataDir.resolve("postgres").toAbsolutePath();
      Path binaries = dataDir.resolve("postgres-bin").toAbsolutePath();
      Files.createDirectories(data);
      Files.createDirectories(binaries);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(data)
          .setCleanDataDirectory(false)
          .setOverrideWorkingDirectory(binaries.toFile())
          .setPgBinaryResolver(PostgresBinaries.INSTANCE)
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "200");
      if (port > 0) {
        builder.setPort(port);
      }
      return new EmbeddedPostgresServer(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start in " + dataDir.toAbsolutePath(), e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  public DatabaseUrl url() {
    return new DatabaseUrl("127.0.0.1", port(), DATABASE, USER, "");
  }

  /** Stops the server (a fast shutdown: open transactions are rolled back, data is kept). */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not stop cleanly", e);
    }
  }
}

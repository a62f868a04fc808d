package io.switchboard.core.db;

import io.switchboard.core.security.Secrets;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real PostgreSQL server run from binaries packaged on the class path (Linux x86-64 and arm64,
 * macOS x86-64 and arm64, Windows x86-64; see {@link PostgresBinaries}), for the zero-configuration
 * default and for tests. Its data directory survives restarts, so a second start reuses the data.
 *
 * <p>Safe on a shared host (issue 11): the superuser logs in with a generated password
 * ({@code scram-sha-256} for every connection, nothing trusted), kept in {@value #PASSWORD_FILE}
 * readable by the node's user only; the server listens on 127.0.0.1 and has no Unix socket; its data
 * directory is private and no one else may write to its binaries. A data directory made by an
 * earlier version, which trusted every local connection, is locked down the same way on its next
 * start.
 *
 * <p>Durable by default: a commit is on disk before it is acknowledged ({@code fsync} and
 * {@code synchronous_commit} on, PostgreSQL's own defaults). The zonky launcher turns both off for
 * its test databases ({@code -F} and {@code synchronous_commit=off}); {@link Durability#DURABLE}
 * turns them back on, and only throw-away test databases choose {@link Durability#SCRATCH}.
 *
 * <p>PostgreSQL refuses to run as root. The zonky launcher runs {@code initdb} and {@code pg_ctl}
 * inside {@code unshare -U} when the JVM is root, so this works unchanged for root and non-root
 * users. Starting and stopping block; call them before Vert.x starts or on a worker thread.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  /** The database Switchboard uses inside the embedded server. */
  public static final String DATABASE = "postgres";
  public static final String USER = "postgres";
  /** The superuser's password, next to the server's directories in the node's data directory. */
  public static final String PASSWORD_FILE = "postgres.password";

  private static final String AUTH_METHOD = "scram-sha-256";
  private static final Pattern TRUST = Pattern.compile("(?m)^(\\s*(?:local|host)\\S*\\s.*?)\\btrust\\s*$");
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final EmbeddedPostgres postgres;
  private final String password;

  /** Whether a commit must reach the disk before PostgreSQL acknowledges it. */
  public enum Durability {
    /** {@code fsync} and {@code synchronous_commit} on: what a node's data needs. */
    DURABLE,
    /** Both off, as zonky sets them: for databases a test throws away, where a crash loses nothing of value. */
    SCRATCH
  }

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, String password) {
    this.postgres = postgres;
    this.password = password;
  }

  /**
   * Starts (initialising on first use) a server whose data lives in {@code dataDir/postgres}, whose
   * unpacked binaries live in {@code dataDir/postgres-bin}, and whose superuser password is in
   * {@code dataDir/}{@value #PASSWORD_FILE}.
   *
   * @param port the TCP port on 127.0.0.1, or 0 for any free port
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port) {
    return start(dataDir, port, Durability.DURABLE);
  }

  /** As {@link #start(Path, int)}, with the durability a test may relax. */
  public static EmbeddedPostgresServer start(Path dataDir, int port, Durability durability) {
    String flush = durability == Durability.DURABLE ? "on" : "off";
    try {
      Path data = dataDir.resolve("postgres").toAbsolutePath();
      Path binaries = dataDir.resolve("postgres-bin").toAbsolutePath();
      Files.createDirectories(data);
      Files.createDirectories(binaries);
      notWritableByOthers(binaries);
      Path passwordFile = dataDir.resolve(PASSWORD_FILE).toAbsolutePath();
      String password = passwordIn(passwordFile);
      boolean initialised = Files.exists(data.resolve("PG_VERSION"));
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(data)
          .setCleanDataDirectory(false)
          .setOverrideWorkingDirectory(binaries.toFile())
          .setPgBinaryResolver(PostgresBinaries.INSTANCE)
          // Its owner stops it, last: zonky's own hook would stop it at once on SIGTERM, while the
          // node still needs it to put running jobs back and anchor the audit chains.
          .setRegisterShutdownHook(false)
          .setLocaleConfig("auth", AUTH_METHOD)
          .setLocaleConfig("pwfile", passwordFile.toString())
          .setConnectConfig("password", password)
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("unix_socket_directories", "")
          .setServerConfig("password_encryption", AUTH_METHOD)
          .setServerConfig("max_connections", "200")
          // after zonky's -F on the command line, so this one counts
          .setServerConfig("fsync", flush)
          .setServerConfig("synchronous_commit", flush);
      if (port > 0) {
        builder.setPort(port);
      }
      EmbeddedPostgres postgres = builder.start();
      notWritableByOthers(binaries);
      if (initialised) {
        stopTrusting(postgres, data.resolve("pg_hba.conf"), password);
      }
      return new EmbeddedPostgresServer(postgres, password);
    } catch (IOException | SQLException e) {
      throw new IllegalStateException("embedded PostgreSQL did not start in " + dataDir.toAbsolutePath() + ": " + e, e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  public DatabaseUrl url() {
    return new DatabaseUrl("127.0.0.1", port(), DATABASE, USER, password);
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

  /** The password in the file, or a new one written there first, readable by the owner only. */
  private static String passwordIn(Path file) throws IOException {
    if (!Files.exists(file)) {
      Path fresh = Files.createTempFile(file.getParent(), PASSWORD_FILE, ".new");
      ownerOnly(fresh);
      Files.writeString(fresh, Secrets.generate("", 32) + "\n", StandardCharsets.UTF_8);
      Files.move(fresh, file);
    }
    ownerOnly(file);
    String password = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (password.isEmpty()) {
      throw new IOException(file + " is empty; delete it only together with the data directory next to it");
    }
    return password;
  }

  /**
   * A data directory from before passwords: gives the superuser its password and replaces every
   * {@code trust} rule in {@code pg_hba.conf} with {@value #AUTH_METHOD}, then reloads. The first
   * connection is still trusted, so the password the connection offers is ignored; after the reload
   * only it logs in.
   */
  private static void stopTrusting(EmbeddedPostgres postgres, Path hba, String password)
      throws IOException, SQLException {
    String rules = Files.readString(hba, StandardCharsets.UTF_8);
    if (!TRUST.matcher(rules).find()) {
      return;
    }
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement()) {
      statement.execute("SET password_encryption = '" + AUTH_METHOD + "'");
      statement.execute("ALTER ROLE " + USER + " PASSWORD '" + password.replace("'", "''") + "'");
      Files.writeString(hba, TRUST.matcher(rules).replaceAll("$1" + AUTH_METHOD), StandardCharsets.UTF_8);
      statement.execute("SELECT pg_reload_conf()");
    }
  }

  /** Removes write access for group and others from the directory and everything in it (links are left alone). */
  private static void notWritableByOthers(Path root) throws IOException {
    if (Files.getFileAttributeView(root, PosixFileAttributeView.class) == null) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
        dropWriteForOthers(dir);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        if (attributes.isRegularFile()) {
          dropWriteForOthers(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void dropWriteForOthers(Path path) throws IOException {
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
    if (permissions.remove(PosixFilePermission.GROUP_WRITE) | permissions.remove(PosixFilePermission.OTHERS_WRITE)) {
      Files.setPosixFilePermissions(path, permissions);
    }
  }

  private static void ownerOnly(Path file) throws IOException {
    if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
  }

  /** The permissions of a path as {@code ls} shows them, e.g. {@code rwx------}; for tests and messages. */
  static String permissions(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }

  /** The rules of {@code pg_hba.conf} that are not comments, for tests. */
  static List<String> hbaRules(Path dataDir) throws IOException {
    return Files.readAllLines(dataDir.resolve("postgres").resolve("pg_hba.conf")).stream()
        .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).collect(Collectors.toList());
  }
}

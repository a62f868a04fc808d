package io.switchboard.executor.action.flyway;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlywayActionTest {

  private static final String PASSWORD = "flyS3cretPw42";
  private static final String ROLE = "flyway_tester";
  private static final AtomicInteger TARGETS = new AtomicInteger();

  private static Vertx vertx;
  private static DatabaseUrl storeUrl;
  private static Pool pool;
  private static SecretStore store;

  @TempDir
  Path locations;

  private DatabaseUrl target;
  private FlywayAction action;
  private Promise<String> stop;

  @BeforeAll
  static void startStore() {
    vertx = Vertx.vertx();
    storeUrl = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, storeUrl);
    store = new LocalSecretStore(pool, MasterKey.generate());
    TestDatabase.execute(storeUrl, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    TestDatabase.execute(storeUrl, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + ROLE
        + "') THEN CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'; END IF; END $$");
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @BeforeEach
  void setUp() {
    target = newTarget();
    Await.result(store.put("acme", "target-db", url(target)));
    action = new FlywayAction(new FlywaySettings(locations, Duration.ofSeconds(5), Duration.ofSeconds(60)));
    stop = Promise.promise();
  }

  // ---------------------------------------------------------------- info and migrate

  @Test
  void infoListsPendingMigrationsWithoutTouchingTheDatabase() throws IOException {
    migration("shop", "V1__create_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY, name text);");
    migration("shop", "V2__add_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);");

    ActionResult result = run(args("info", "shop"));

    assertThat(result.succeeded()).as(result.error()).isTrue();
    assertThat(result.output()).startsWith("Flyway info for database '" + target.database() + "' (location 'shop'): "
        + "schema version none; 0 applied, 2 pending");
    assertThat(result.output()).contains("V1 create users: Pending", "V2 add orders: Pending");
    assertThat(tables(target)).isZero();
  }

  @Test
  void migrateAppliesPendingMigrationsAndASecondMigrateAppliesNothing() throws IOException {
    migration("shop", "V1__create_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY, name text);");
    migration("shop", "V2__add_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);");

    ActionResult first = run(args("migrate", "shop"));

    assertThat(first.succeeded()).as(first.error()).isTrue();
    assertThat(first.output()).startsWith("Flyway migrate applied 2 migration(s) to database '" + target.database()
        + "' (location 'shop'): schema version none -> 2");
    assertThat(first.output()).containsPattern("V1 create users \\(\\d+ ms\\)").containsPattern("V2 add orders");
    assertThat(tableExists(target, "users")).isTrue();
    assertThat(tableExists(target, "orders")).isTrue();
    assertThat(query(target, "SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL"))
        .isEqualTo(2);

    ActionResult second = run(args("migrate", "shop"));
    assertThat(second.succeeded()).as(second.error()).isTrue();
    assertThat(second.output()).isEqualTo("Flyway migrate: database '" + target.database()
        + "' (location 'shop') is up to date at schema version 2; nothing applied");

    ActionResult info = run(args("info", "shop"));
    assertThat(info.output()).contains("schema version 2; 2 applied, 0 pending", "V1 create users: Success, installed ");
  }

  @Test
  void aFailingMigrationFailsTheJobWithFlywaysMessageAndKeepsWhatWasApplied() throws IOException {
    migration("shop", "V1__create_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);");
    migration("shop", "V2__broken.sql", "INSERT INTO no_such_table VALUES (1);");

    ActionResult result = run(args("migrate", "shop"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).startsWith("Flyway migrate failed on database '" + target.database() + "': ")
        .contains("V2__broken.sql", "relation \"no_such_table\" does not exist")
        .doesNotContain(PASSWORD)
        .doesNotContain(locations.toString());
    assertThat(tableExists(target, "users")).isTrue();
    assertThat(query(target, "SELECT count(*) FROM flyway_schema_history WHERE version = '2' AND success")).isZero();
  }

  @Test
  void thePasswordIsRedactedWhereverFlywayOrPostgresqlRepeatIt() throws IOException {
    migration("leaky", "V1__" + PASSWORD + ".sql", "CREATE TABLE a (id int);");
    migration("leaky", "V2__shout.sql",
        "DO $$ BEGIN RAISE EXCEPTION 'cannot use %', '" + url(target) + "'; END $$;");
    JobSecrets secrets = new JobSecrets(store, "acme");

    ActionResult info = secrets.redact(run(args("info", "leaky"), secrets));
    ActionResult migrate = secrets.redact(run(args("migrate", "leaky"), secrets));

    assertThat(info.output()).contains("V1 [redacted:target-db]: Pending").doesNotContain(PASSWORD);
    assertThat(migrate.succeeded()).isFalse();
    assertThat(migrate.error()).contains("cannot use postgresql://" + ROLE + ":[redacted:target-db]@")
        .doesNotContain(PASSWORD);
  }

  @Test
  void theWholeUrlIsRedactedByJobSecretsWhenItAppears() {
    JobSecrets secrets = new JobSecrets(store, "acme");
    Await.result(secrets.get("target-db"));
    ActionResult leaked = secrets.redact(ActionResult.failure("target " + url(target) + " refused"));
    assertThat(leaked.error()).isEqualTo("target [redacted:target-db] refused");
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void badArgumentsFailTheJobWithAClearMessage() throws IOException {
    migration("shop", "V1__a.sql", "SELECT 1;");
    assertThat(run(new JsonObject().put("databaseSecret", "target-db").put("location", "shop")).error())
        .contains("'operation' argument: 'info' or 'migrate'");
    assertThat(run(args("clean", "shop")).error()).contains("'operation' argument");
    assertThat(run(new JsonObject().put("operation", "info").put("location", "shop")).error())
        .contains("'databaseSecret' argument");
    assertThat(run(new JsonObject().put("operation", "info").put("databaseSecret", 7).put("location", "shop"))
        .error()).contains("'databaseSecret' argument");
    assertThat(run(new JsonObject().put("operation", "info").put("databaseSecret", "target-db")).error())
        .contains("'location' argument");
    for (String location : new String[] {"..", "../shop", "shop/../..", "/etc", "a/b", ".hidden", "shop\\x", ""}) {
      ActionResult result = run(args("info", location));
      assertThat(result.succeeded()).as(location).isFalse();
      assertThat(result.error()).as(location).contains("'location' argument", "no paths, no '..'");
    }
    ActionResult missing = run(args("info", "nowhere"));
    assertThat(missing.retryable()).isFalse();
    assertThat(missing.error()).isEqualTo("there is no migration location 'nowhere' in SWITCHBOARD_FLYWAY_LOCATIONS_DIR");
  }

  @Test
  void aLocationThatIsASymbolicLinkOutOfTheDirectoryIsRefused(@TempDir Path elsewhere) throws IOException {
    Files.writeString(elsewhere.resolve("V1__evil.sql"), "CREATE TABLE evil (id int);");
    Files.createSymbolicLink(locations.resolve("escape"), elsewhere);

    ActionResult result = run(args("migrate", "escape"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).isEqualTo("migration location 'escape' leads out of SWITCHBOARD_FLYWAY_LOCATIONS_DIR; "
        + "it is refused");
    assertThat(tables(target)).isZero();
  }

  @Test
  void aMissingSecretFailsTheJobNamingIt() throws IOException {
    migration("shop", "V1__a.sql", "SELECT 1;");
    ActionResult result = run(new JsonObject().put("operation", "info").put("databaseSecret", "nope")
        .put("location", "shop"));
    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).isFalse();
    assertThat(result.error()).contains("secret 'nope' is not set");
  }

  @Test
  void aSecretThatIsNotADatabaseUrlFailsWithoutEchoingIt() throws IOException {
    migration("shop", "V1__a.sql", "SELECT 1;");
    Await.result(store.put("acme", "garbled", "mysql://root:" + PASSWORD + "@db/x"));
    ActionResult result = run(new JsonObject().put("operation", "info").put("databaseSecret", "garbled")
        .put("location", "shop"));
    assertThat(result.error()).startsWith("secret 'garbled' is not a usable database URL: ").doesNotContain(PASSWORD);
  }

  @Test
  void anotherTenantsSecretOfTheSameNameIsNeverUsed() throws IOException {
    DatabaseUrl globexTarget = newTarget();
    Await.result(store.put("globex", "tenant-db", url(globexTarget)));
    migration("shop", "V1__create_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);");
    JsonObject args = new JsonObject().put("operation", "migrate").put("databaseSecret", "tenant-db")
        .put("location", "shop");

    ActionResult withoutOwnSecret = run(args);
    assertThat(withoutOwnSecret.error()).contains("secret 'tenant-db' is not set");

    Await.result(store.put("acme", "tenant-db", url(target)));
    ActionResult withOwnSecret = run(args);
    assertThat(withOwnSecret.succeeded()).as(withOwnSecret.error()).isTrue();
    assertThat(tableExists(target, "users")).isTrue();
    assertThat(tables(globexTarget)).isZero();
  }

  // ---------------------------------------------------------------- target errors

  @Test
  void anUnreachableDatabaseIsARetryableFailure() throws IOException {
    migration("shop", "V1__a.sql", "SELECT 1;");
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Await.result(store.put("acme", "down-db", "postgresql://" + ROLE + ":" + PASSWORD + "@127.0.0.1:" + closedPort
        + "/shop"));

    ActionResult result = run(new JsonObject().put("operation", "info").put("databaseSecret", "down-db")
        .put("location", "shop"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).as(result.error()).isTrue();
    assertThat(result.error()).startsWith("Flyway info failed on database 'shop': ").doesNotContain(PASSWORD);
  }

  @Test
  void aDatabaseThatDoesNotExistIsAFinalFailure() throws IOException {
    migration("shop", "V1__a.sql", "SELECT 1;");
    Await.result(store.put("acme", "gone-db", url(target.withDatabase("no_such_database_here"))));

    ActionResult result = run(new JsonObject().put("operation", "info").put("databaseSecret", "gone-db")
        .put("location", "shop"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.retryable()).as(result.error()).isFalse();
    assertThat(result.error()).contains("no_such_database_here").doesNotContain(PASSWORD);
  }

  // ---------------------------------------------------------------- stop

  @Test
  void aStopAnswersAtOnceLetsTheRunningMigrationFinishAndStartsNoOther() throws Exception {
    TestDatabase.execute(admin(target), "CREATE SCHEMA gatekeeping");
    TestDatabase.execute(admin(target), "CREATE TABLE gatekeeping.gate (x int)");
    TestDatabase.execute(admin(target), "GRANT USAGE ON SCHEMA gatekeeping TO " + ROLE);
    TestDatabase.execute(admin(target), "GRANT ALL ON gatekeeping.gate TO " + ROLE);
    migration("slow", "V1__first.sql", "CREATE TABLE first_done (x int);\nINSERT INTO gatekeeping.gate VALUES (1);");
    migration("slow", "V2__second.sql", "CREATE TABLE second_done (x int);");

    Future<ActionResult> running;
    try (Connection gate = DriverManager.getConnection(admin(target).jdbcUrl(), admin(target).user(),
        admin(target).password())) {
      gate.setAutoCommit(false);
      try (Statement statement = gate.createStatement()) {
        statement.execute("LOCK TABLE gatekeeping.gate IN ACCESS EXCLUSIVE MODE");
      }
      running = action.run(context(args("migrate", "slow"), new JobSecrets(store, "acme")));
      Await.until("V1 waits for the gate", () -> flywaySessions(target, "wait_event_type = 'Lock'") == 1);

      stop.complete("cancelled by alice");
      ActionResult result = Await.result(running);

      assertThat(result.succeeded()).isFalse();
      assertThat(result.retryable()).isFalse();
      assertThat(result.error()).startsWith("Flyway migrate stopped (cancelled by alice): a migration already running "
          + "is allowed to finish");
      assertThat(flywaySessions(target, "wait_event_type = 'Lock'")).as("V1 is still running").isEqualTo(1);
      gate.commit();
    }
    Await.until("flyway is done with the target", () -> flywaySessions(target, "true") == 0);
    assertThat(tableExists(target, "first_done")).isTrue();
    assertThat(query(target, "SELECT count(*) FROM flyway_schema_history WHERE version = '1' AND success")).isEqualTo(1);
    assertThat(tableExists(target, "second_done")).isFalse();
    assertThat(query(target, "SELECT count(*) FROM flyway_schema_history WHERE version = '2'")).isZero();
  }

  @Test
  void aJobStoppedBeforeItStartsDoesNothing() throws IOException {
    migration("shop", "V1__create_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);");
    stop.complete("timed out");

    ActionResult result = run(args("migrate", "shop"));

    assertThat(result.error()).isEqualTo("Flyway migrate stopped (timed out)");
    assertThat(tables(target)).isZero();
  }

  // ---------------------------------------------------------------- settings

  @Test
  void settingsComeFromTheEnvironmentWithProductionDefaults() {
    FlywaySettings defaults = FlywaySettings.fromEnv(Map.of());
    assertThat(defaults.locationsDir()).isEqualTo(Path.of("/etc/switchboard/flyway"));
    assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.socketTimeout()).isEqualTo(Duration.ofSeconds(900));

    FlywaySettings custom = FlywaySettings.fromEnv(Map.of("SWITCHBOARD_FLYWAY_LOCATIONS_DIR", "/srv/migrations",
        "SWITCHBOARD_FLYWAY_CONNECT_TIMEOUT_SECONDS", "3", "SWITCHBOARD_FLYWAY_SOCKET_TIMEOUT_SECONDS", "120"));
    assertThat(custom).isEqualTo(new FlywaySettings(Path.of("/srv/migrations"), Duration.ofSeconds(3),
        Duration.ofSeconds(120)));

    assertThatThrownBy(() -> FlywaySettings.fromEnv(Map.of("SWITCHBOARD_FLYWAY_LOCATIONS_DIR", " ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_FLYWAY_LOCATIONS_DIR");
    assertThatThrownBy(() -> FlywaySettings.fromEnv(Map.of("SWITCHBOARD_FLYWAY_CONNECT_TIMEOUT_SECONDS", "soon")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_FLYWAY_CONNECT_TIMEOUT_SECONDS");
    assertThatThrownBy(() -> FlywaySettings.fromEnv(Map.of("SWITCHBOARD_FLYWAY_SOCKET_TIMEOUT_SECONDS", "0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_FLYWAY_SOCKET_TIMEOUT_SECONDS");
    assertThat(new FlywayAction(defaults).type()).isEqualTo("flyway");
  }

  // ---------------------------------------------------------------- helpers

  private ActionResult run(JsonObject args) {
    return run(args, new JobSecrets(store, "acme"));
  }

  private ActionResult run(JsonObject args, JobSecrets secrets) {
    return Await.result(action.run(context(args, secrets)));
  }

  private ActionContext context(JsonObject args, JobSecrets secrets) {
    return new ActionContext(vertx, "acme", 1L, 1, "idem-key", args, secrets, stop.future());
  }

  private static JsonObject args(String operation, String location) {
    return new JsonObject().put("operation", operation).put("databaseSecret", "target-db").put("location", location);
  }

  private void migration(String location, String file, String sql) throws IOException {
    Path dir = Files.createDirectories(locations.resolve(location));
    Files.writeString(dir.resolve(file), sql);
  }

  /** A new, empty database owned by the test role, on the shared test server. */
  private static DatabaseUrl newTarget() {
    DatabaseUrl server = TestDatabase.fresh();
    String name = "flyway_target_" + ProcessHandle.current().pid() + "_" + TARGETS.incrementAndGet();
    TestDatabase.execute(server, "CREATE DATABASE " + name + " OWNER " + ROLE);
    TestDatabase.execute(server.withDatabase(name), "GRANT ALL ON SCHEMA public TO " + ROLE);
    return new DatabaseUrl(server.host(), server.port(), name, ROLE, PASSWORD);
  }

  private static String url(DatabaseUrl db) {
    return "postgresql://" + db.user() + ":" + db.password() + "@" + db.host() + ":" + db.port() + "/" + db.database();
  }

  private static DatabaseUrl admin(DatabaseUrl db) {
    return TestDatabase.superuser(db.database());
  }

  private static int tables(DatabaseUrl db) {
    return query(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'");
  }

  private static boolean tableExists(DatabaseUrl db, String table) {
    return query(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = '"
        + table + "'") == 1;
  }

  private static int flywaySessions(DatabaseUrl db, String condition) {
    return query(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'switchboard-flyway' "
        + "AND datname = '" + db.database() + "' AND " + condition);
  }

  private static int query(DatabaseUrl db, String sql) {
    DatabaseUrl admin = admin(db);
    try (Connection connection = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}

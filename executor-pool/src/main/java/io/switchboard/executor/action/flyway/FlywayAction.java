package io.switchboard.executor.action.flyway;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.log.RedactedRecord;
import io.switchboard.executor.action.Action;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.tenancy.secrets.SecretStoreException;
import io.switchboard.tenancy.secrets.SecretNames;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Runs Flyway against a tenant's own PostgreSQL database ({@code type = "flyway"}).
 *
 * <p>Arguments:
 * <ul>
 *   <li>{@code operation}: {@code info} (read-only: every migration with version, description and
 *       state) or {@code migrate} (applies the pending migrations and lists what it applied).
 *       {@code migrate} changes a schema: the command catalog should mark it as requiring approval.</li>
 *   <li>{@code databaseSecret}: the name of the tenant's secret holding the target as a
 *       {@code postgresql://user:pass@host:port/db} URL. The URL and its password never appear in
 *       the output or errors (the password alone is redacted too, wherever Flyway or PostgreSQL
 *       repeats it).</li>
 *   <li>{@code location}: a plain folder name under {@link FlywaySettings#locationsDir()}
 *       ({@code SWITCHBOARD_FLYWAY_LOCATIONS_DIR}) holding the versioned SQL migrations
 *       ({@code V1__create_users.sql}, ...); read as a Flyway {@code filesystem:} location. Paths,
 *       {@code ..} and symbolic links leading out of the directory are refused.</li>
 * </ul>
 *
 * <p>Flyway is blocking JDBC and runs in {@code vertx.executeBlocking(..., false)}. It holds a
 * PostgreSQL advisory lock while it migrates, so two jobs migrating one database run one after the
 * other; a re-run of a job (lost lease) is naturally idempotent because Flyway applies only what its
 * schema history says is pending. There is no idempotency key to pass.
 *
 * <p><b>Stopping.</b> A migration cannot be interrupted safely half way. When {@link ActionContext#stop()}
 * completes, the job is answered at once with a failure reporting the stop, while a running
 * {@code migrate} is allowed to finish (commit or roll back) the migration it is in; no further
 * migration starts (a {@code beforeEachMigrate} callback refuses it, so that migration is rolled back
 * before it ran anything). The JDBC connect timeout and socket timeout of {@link FlywaySettings}
 * bound how long that background work can hang on an unresponsive database. Run {@code info}
 * afterwards to see where the schema stands.
 */
public final class FlywayAction implements Action {

  public static final String TYPE = "flyway";

  private static final Pattern LOCATION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  private static final int MAX_OUTPUT = 3000;
  private static final int MAX_LINES = 40;
  /** SQL states worth another attempt: connection trouble, shutdown, too many connections, conflicts. */
  private static final Set<String> RETRYABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300", "40001", "40P01",
      "55P03");
  private static final DateTimeFormatter INSTALLED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
      .withZone(ZoneOffset.UTC);

  private final FlywaySettings settings;

  public FlywayAction(FlywaySettings settings) {
    this.settings = settings;
  }

  @Override
  public String type() {
    return TYPE;
  }

  private enum Operation { INFO, MIGRATE }

  @Override
  public Future<ActionResult> run(ActionContext context) {
    JsonObject args = context.arguments() == null ? new JsonObject() : context.arguments();
    Object operationArg = args.getValue("operation");
    Operation operation;
    if ("info".equals(operationArg)) {
      operation = Operation.INFO;
    } else if ("migrate".equals(operationArg)) {
      operation = Operation.MIGRATE;
    } else {
      return fail("flyway needs an 'operation' argument: 'info' or 'migrate'");
    }
    Object secretArg = args.getValue("databaseSecret");
    if (!(secretArg instanceof String secretName) || !SecretNames.NAME.matcher(secretName).matches()
        || secretName.contains("..")) {
      return fail("flyway needs a 'databaseSecret' argument naming the secret that holds the target database "
          + "URL (postgresql://user:pass@host:port/db)");
    }
    Object locationArg = args.getValue("location");
    if (!(locationArg instanceof String location) || !LOCATION.matcher(location).matches()
        || location.contains("..")) {
      return fail("flyway needs a 'location' argument: the plain name of a migration folder under "
          + FlywaySettings.LOCATIONS_DIR + " (letters, digits, '_', '.', '-'; no paths, no '..')");
    }
    if (context.stop().isComplete()) {
      return fail(stoppedMessage(operation, context.stop().result(), false));
    }
    return context.secrets().get(secretName)
        .transform(secret -> {
          if (secret.failed()) {
            return Future.succeededFuture(secretFailure(secret.cause()));
          }
          DatabaseUrl target;
          try {
            target = DatabaseUrl.parse(secret.result());
          } catch (IllegalArgumentException e) {
            return Future.succeededFuture(ActionResult.failure(
                "secret '" + secretName + "' is not a usable database URL: " + e.getMessage()));
          }
          return runBlocking(context, operation, secretName, location, target);
        });
  }

  private Future<ActionResult> runBlocking(ActionContext context, Operation operation, String secretName,
                                           String location, DatabaseUrl target) {
    Redactor redactor = new Redactor(target.password(), secretName, settings.locationsDir());
    AtomicReference<String> stopReason = new AtomicReference<>();
    Promise<ActionResult> answer = Promise.promise();
    context.stop().onComplete(stop -> {
      String reason = stop.succeeded() ? stop.result() : String.valueOf(stop.cause().getMessage());
      stopReason.compareAndSet(null, reason == null ? "stopped" : reason);
      answer.tryComplete(ActionResult.failure(stoppedMessage(operation, stopReason.get(), true)));
    });
    context.vertx().executeBlocking(() -> {
          if (stopReason.get() != null) {
            return ActionResult.failure(stoppedMessage(operation, stopReason.get(), false));
          }
          return work(operation, location, target, stopReason);
        }, false)
        .otherwise(e -> classify(operation, target, e))
        .onSuccess(result -> answer.tryComplete(redactor.apply(result)));
    return answer.future();
  }

  private ActionResult work(Operation operation, String location, DatabaseUrl target,
                            AtomicReference<String> stopReason) throws IOException {
    Path dir = settings.locationsDir().resolve(location).normalize();
    if (!dir.startsWith(settings.locationsDir()) || !Files.isDirectory(dir)) {
      return ActionResult.failure("there is no migration location '" + location + "' in "
          + FlywaySettings.LOCATIONS_DIR);
    }
    if (!dir.toRealPath().startsWith(settings.locationsDir().toRealPath())) {
      return ActionResult.failure("migration location '" + location + "' leads out of "
          + FlywaySettings.LOCATIONS_DIR + "; it is refused");
    }
    Flyway flyway = Flyway.configure(FlywayAction.class.getClassLoader())
        .dataSource(jdbcUrl(target), target.user(), target.password())
        .locations("filesystem:" + dir)
        .failOnMissingLocations(true)
        .cleanDisabled(true)
        .connectRetries(0)
        .loggers("slf4j")
        .callbacks(new StopBetweenMigrations(stopReason))
        .load();
    String where = "database '" + target.database() + "' (location '" + location + "')";
    return operation == Operation.INFO ? info(flyway, where) : migrate(flyway, where);
  }

  private String jdbcUrl(DatabaseUrl target) {
    long connect = settings.connectTimeout().toSeconds();
    return target.jdbcUrl() + "?connectTimeout=" + connect + "&loginTimeout=" + connect
        + "&socketTimeout=" + settings.socketTimeout().toSeconds()
        + "&tcpKeepAlive=true&ApplicationName=switchboard-flyway";
  }

  private static ActionResult info(Flyway flyway, String where) {
    MigrationInfoService service = flyway.info();
    MigrationInfo[] all = service.all();
    MigrationInfo current = service.current();
    int pending = 0;
    int applied = 0;
    int failed = 0;
    List<String> lines = new ArrayList<>();
    for (MigrationInfo migration : all) {
      MigrationState state = migration.getState();
      if (state == MigrationState.PENDING) {
        pending++;
      } else if (state.isFailed()) {
        failed++;
      } else if (state.isApplied()) {
        applied++;
      }
      String installed = migration.getInstalledOn() == null ? ""
          : ", installed " + INSTALLED.format(migration.getInstalledOn().toInstant());
      lines.add(version(migration.getVersion() == null ? null : migration.getVersion().toString())
          + " " + migration.getDescription() + ": " + state.getDisplayName() + installed);
    }
    StringBuilder summary = new StringBuilder("Flyway info for ").append(where).append(": schema version ")
        .append(current == null || current.getVersion() == null ? "none" : current.getVersion().toString())
        .append("; ").append(applied).append(" applied, ").append(pending).append(" pending");
    if (failed > 0) {
      summary.append(", ").append(failed).append(" FAILED");
    }
    if (all.length == 0) {
      summary.append(" (no migrations found)");
    }
    return ActionResult.success(withLines(summary.toString(), lines));
  }

  private static ActionResult migrate(Flyway flyway, String where) {
    MigrateResult result = flyway.migrate();
    List<String> lines = new ArrayList<>();
    for (MigrateOutput migration : result.migrations) {
      lines.add(version(migration.version) + " " + migration.description + " (" + migration.executionTime + " ms)");
    }
    if (result.warnings != null) {
      result.warnings.forEach(warning -> lines.add("warning: " + warning));
    }
    if (!result.success) {
      return ActionResult.failure(withLines("Flyway migrate failed on " + where + " after applying "
          + result.migrationsExecuted + " migration(s)", lines));
    }
    String from = result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion;
    String to = result.targetSchemaVersion == null ? from : result.targetSchemaVersion;
    String summary = result.migrationsExecuted == 0
        ? "Flyway migrate: " + where + " is up to date at schema version " + from + "; nothing applied"
        : "Flyway migrate applied " + result.migrationsExecuted + " migration(s) to " + where
            + ": schema version " + from + " -> " + to;
    return ActionResult.success(withLines(summary, lines));
  }

  private static String version(String version) {
    return version == null ? "R" : "V" + version;
  }

  private static String withLines(String summary, List<String> lines) {
    StringBuilder out = new StringBuilder(summary);
    int shown = 0;
    for (String line : lines) {
      if (shown == MAX_LINES || out.length() + line.length() + 3 > MAX_OUTPUT - 40) {
        out.append("\n... and ").append(lines.size() - shown).append(" more");
        break;
      }
      out.append("\n").append(line);
      shown++;
    }
    return out.toString();
  }

  private static ActionResult classify(Operation operation, DatabaseUrl target, Throwable error) {
    String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage().strip();
    if (message.length() > 2500) {
      message = message.substring(0, 2500) + " ...";
    }
    String text = "Flyway " + operation.name().toLowerCase() + " failed on database '" + target.database() + "': "
        + message;
    return retryable(error) ? ActionResult.retryableFailure(text) : ActionResult.failure(text);
  }

  /** Connection trouble, a database shutting down or busy, or another migration holding the lock. */
  private static boolean retryable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || RETRYABLE_STATES.contains(sql.getSQLState()))) {
        return true;
      }
      if (t instanceof FlywayException && t.getMessage() != null && t.getMessage().contains("advisory lock")) {
        return true;
      }
    }
    return false;
  }

  private static ActionResult secretFailure(Throwable cause) {
    if (cause instanceof SecretStoreException store && store.reason() == SecretStoreException.Reason.UNAVAILABLE) {
      return ActionResult.retryableFailure(store.getMessage());
    }
    return ActionResult.failure(cause.getMessage());
  }

  private static String stoppedMessage(Operation operation, String reason, boolean running) {
    String text = "Flyway " + operation.name().toLowerCase() + " stopped (" + reason + ")";
    if (running && operation == Operation.MIGRATE) {
      text += ": a migration already running is allowed to finish, no further migration is started; "
          + "run operation 'info' to see the schema version";
    }
    return text;
  }

  private static Future<ActionResult> fail(String message) {
    return Future.succeededFuture(ActionResult.failure(message));
  }

  /** Refuses to start another migration once the job was told to stop. */
  private record StopBetweenMigrations(AtomicReference<String> stopReason) implements Callback {

    @Override
    public boolean supports(Event event, Context context) {
      return event == Event.BEFORE_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
      return true;
    }

    @Override
    public void handle(Event event, Context context) {
      String reason = stopReason.get();
      if (reason != null) {
        throw new FlywayException("the job was stopped (" + reason + "); no further migration is started");
      }
    }

    @Override
    public String getCallbackName() {
      return "switchboard-stop";
    }
  }

  /**
   * Scrubs the target's password (raw and URL-encoded) from whatever Flyway or PostgreSQL says; the
   * whole URL is redacted by {@code JobSecrets}. Also shortens the node's locations directory.
   */
  private record Redactor(String password, String secretName, Path locationsDir) {

    @Override
    public String toString() {
      return RedactedRecord.toString(this, "password");
    }

    ActionResult apply(ActionResult result) {
      return new ActionResult(result.succeeded(), scrub(result.output()), scrub(result.error()), result.retryable(),
          result.timedOut());
    }

    String scrub(String text) {
      if (text == null) {
        return null;
      }
      String out = text.replace(locationsDir + java.io.File.separator, "");
      if (password != null && !password.isEmpty()) {
        String mark = "[redacted:" + secretName + "]";
        out = out.replace(password, mark);
        String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8);
        if (!encoded.equals(password)) {
          out = out.replace(encoded, mark);
        }
      }
      return out;
    }
  }
}

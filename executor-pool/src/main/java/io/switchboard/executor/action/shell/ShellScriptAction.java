package io.switchboard.executor.action.shell;

import io.switchboard.executor.action.Action;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.JobSecrets;
import io.switchboard.executor.action.process.OutputTail;
import io.switchboard.executor.action.process.ProcessRun;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Runs an allow-listed script: an executable regular file directly inside the configured scripts
 * directory ({@link ShellSettings}), with typed arguments and no shell in between.
 *
 * <p>Arguments:
 * <ul>
 *   <li>{@code script} (required): a plain file name ({@link #SCRIPT_NAME}: no {@code /}, no leading
 *       dot, so no {@code ..}). Its real path (symbolic links resolved) must lie inside the scripts
 *       directory, and it must be an executable regular file.</li>
 *   <li>{@code args} (optional): an array of strings, each passed as one argv entry through
 *       {@link ProcessBuilder} (never {@code sh -c}), so nothing is interpolated. Each must match
 *       {@link #ARGUMENT} ({@code ^[A-Za-z0-9._:=@/+-]{1,256}$}): no spaces, quotes, {@code $},
 *       {@code ;}, {@code |}, {@code &}, globs or newlines; at most {@value #MAX_ARGS} of them.</li>
 *   <li>{@code env} (optional): variable name ({@link #ENV_NAME}) to the name of a tenant secret; the
 *       secret's value is put in the script's environment (and redacted from what it prints).
 *       Names the loader or the shell interpret ({@code PATH}, {@code LD_*}, {@code BASH_ENV}, ...) and
 *       {@code SWITCHBOARD_*} are refused.</li>
 * </ul>
 *
 * <p>The script's environment holds only {@code PATH=/usr/bin:/bin}, {@code LANG=C.UTF-8},
 * {@code SWITCHBOARD_IDEMPOTENCY_KEY} (the job's idempotency key) and the declared secrets; it runs
 * in a fresh temporary directory that is deleted afterwards, with stdin from {@code /dev/null} and
 * stdout and stderr merged. The tail of the output is kept, up to the configured limit.
 *
 * <p>Exit 0 is success with the output; exit 75 ({@code EX_TEMPFAIL}) a retryable failure; any
 * other exit a final failure with the code and the last lines. When {@link ActionContext#stop()}
 * completes, the process and its descendants get SIGTERM and, after the grace period, SIGKILL.
 * Nothing here blocks an event loop: file checks, start and clean-up run in {@code executeBlocking},
 * the output is read on a thread of its own, and the exit is observed through {@link Process#onExit()}.
 */
public final class ShellScriptAction implements Action {

  public static final String TYPE = "shell";

  /** A script name: a plain file name. */
  public static final Pattern SCRIPT_NAME = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$");
  /** One script argument. */
  public static final Pattern ARGUMENT = Pattern.compile("^[A-Za-z0-9._:=@/+-]{1,256}$");
  /** An environment variable name a secret may be put in. */
  public static final Pattern ENV_NAME = Pattern.compile("^[A-Z_][A-Z0-9_]*$");
  public static final int MAX_ARGS = 64;
  /** sysexits.h EX_TEMPFAIL: "try again later". */
  public static final int EX_TEMPFAIL = 75;

  static final String PATH = "/usr/bin:/bin";
  static final String LANG = "C.UTF-8";
  static final String IDEMPOTENCY_KEY_VARIABLE = "SWITCHBOARD_IDEMPOTENCY_KEY";

  private static final Set<String> ARGUMENTS = Set.of("script", "args", "env");
  private static final Set<String> RESERVED_ENV = Set.of("PATH", "LANG", "LANGUAGE", "HOME", "TMPDIR", "PWD", "OLDPWD",
      "SHLVL", "_", "BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "IFS", "PS4", "PROMPT_COMMAND", "CDPATH", "GLOBIGNORE",
      "POSIXLY_CORRECT", "GCONV_PATH", "NLSPATH", "HOSTALIASES", "RESOLV_HOST_CONF");
  private static final List<String> RESERVED_ENV_PREFIXES = List.of("LD_", "LC_", "BASH_FUNC_", "SWITCHBOARD_",
      "MALLOC_", "GLIBC_");

  private final ShellSettings settings;

  public ShellScriptAction(ShellSettings settings) {
    this.settings = settings;
  }

  @Override
  public String type() {
    return TYPE;
  }

  private record Request(String script, List<String> args, Map<String, String> env) {
  }

  /** A job refused for a reason its user can fix; the message is shown as is. */
  private static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public Future<ActionResult> run(ActionContext context) {
    if (settings.scriptsDir() == null) {
      return done(ActionResult.failure("shell: this executor has no scripts directory configured ("
          + ShellSettings.SCRIPTS_DIR + " is not set), so it runs no scripts"));
    }
    Request request;
    try {
      request = parse(context.arguments() == null ? new JsonObject() : context.arguments());
    } catch (Refused e) {
      return done(ActionResult.failure(e.getMessage()));
    }
    if (context.stop().isComplete()) {
      return done(ActionResult.failure("shell: stopped before the script started: " + context.stop().result()));
    }
    Vertx vertx = context.vertx();
    Run run = new Run(new ProcessRun(vertx, settings.killGrace(), settings.outputLimitBytes(),
        ProcessRun.Termination.TREE));
    Promise<ActionResult> result = Promise.promise();
    context.stop().onSuccess(reason -> {
      result.tryComplete(ActionResult.failure("shell: stopped (" + reason + "); the script '" + request.script()
          + "' and its child processes were killed"));
      run.process.stop();
    });
    vertx.<Path>executeBlocking(() -> resolve(request.script()), false)
        .compose(script -> secrets(context, request.env()).compose(env -> start(context, run, script, request, env)))
        .onComplete(outcome -> {
          if (outcome.succeeded()) {
            result.tryComplete(outcome.result());
          } else if (outcome.cause() instanceof Refused refused) {
            result.tryComplete(ActionResult.failure(refused.getMessage()));
          } else {
            result.tryComplete(ActionResult.failure("shell: could not run '" + request.script() + "': "
                + outcome.cause().getMessage()));
          }
        });
    return result.future();
  }

  // ------------------------------------------------------------------ arguments

  private static Request parse(JsonObject args) throws Refused {
    for (String name : args.fieldNames()) {
      if (!ARGUMENTS.contains(name)) {
        throw new Refused("shell: unknown argument '" + name + "' (it takes 'script', 'args' and 'env')");
      }
    }
    Object script = args.getValue("script");
    if (!(script instanceof String name) || name.isEmpty()) {
      throw new Refused("shell needs a 'script' argument: the file name of a script in the scripts directory");
    }
    if (!SCRIPT_NAME.matcher(name).matches() || name.contains("..")) {
      throw new Refused("shell: '" + printable(name) + "' is not a plain script file name (letters, digits, '.', '_' "
          + "and '-'; no '/', no leading '.', no '..')");
    }
    List<String> argv = new ArrayList<>();
    Object rawArgs = args.getValue("args");
    if (rawArgs != null) {
      if (!(rawArgs instanceof JsonArray array)) {
        throw new Refused("shell: the 'args' argument must be an array of strings");
      }
      if (array.size() > MAX_ARGS) {
        throw new Refused("shell: at most " + MAX_ARGS + " 'args' are allowed, not " + array.size());
      }
      for (int i = 0; i < array.size(); i++) {
        Object value = array.getValue(i);
        if (!(value instanceof String text)) {
          throw new Refused("shell: args[" + i + "] must be a string");
        }
        if (!ARGUMENT.matcher(text).matches()) {
          throw new Refused("shell: args[" + i + "] '" + printable(text) + "' is refused: arguments may only contain "
              + "letters, digits and . _ : = @ / + - (1 to 256 of them; no spaces, quotes, $, ;, |, &, globs)");
        }
        argv.add(text);
      }
    }
    Map<String, String> env = new TreeMap<>();
    Object rawEnv = args.getValue("env");
    if (rawEnv != null) {
      if (!(rawEnv instanceof JsonObject object)) {
        throw new Refused("shell: the 'env' argument must map variable names to secret names");
      }
      for (String variable : object.fieldNames()) {
        if (!ENV_NAME.matcher(variable).matches()) {
          throw new Refused("shell: env variable name '" + printable(variable) + "' is refused: it must match "
              + ENV_NAME.pattern());
        }
        if (RESERVED_ENV.contains(variable) || RESERVED_ENV_PREFIXES.stream().anyMatch(variable::startsWith)) {
          throw new Refused("shell: env variable '" + variable + "' is reserved and cannot be set from a secret");
        }
        if (!(object.getValue(variable) instanceof String secret) || secret.isBlank()) {
          throw new Refused("shell: env." + variable + " must be the name of a secret");
        }
        env.put(variable, secret);
      }
    }
    return new Request(name, List.copyOf(argv), env);
  }

  // ------------------------------------------------------------------ the script file (blocking)

  private Path resolve(String script) throws Refused {
    Path realDir;
    try {
      realDir = settings.scriptsDir().toRealPath();
    } catch (IOException e) {
      throw new Refused("shell: the scripts directory " + settings.scriptsDir() + " does not exist on this executor");
    }
    if (!Files.isDirectory(realDir)) {
      throw new Refused("shell: the scripts directory " + settings.scriptsDir() + " is not a directory");
    }
    Path candidate = realDir.resolve(script).normalize();
    if (!realDir.equals(candidate.getParent())) {
      throw new Refused("shell: '" + script + "' is not a file name inside the scripts directory");
    }
    if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
      throw new Refused("shell: there is no script '" + script + "' in the scripts directory");
    }
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (IOException e) {
      throw new Refused("shell: script '" + script + "' is a link to nothing");
    }
    if (!real.startsWith(realDir) || real.equals(realDir)) {
      throw new Refused("shell: script '" + script + "' is a link leading out of the scripts directory; refused");
    }
    if (!Files.isRegularFile(real)) {
      throw new Refused("shell: script '" + script + "' is not a regular file");
    }
    if (!Files.isExecutable(real)) {
      throw new Refused("shell: script '" + script + "' is not executable (chmod +x it on the executor)");
    }
    return real;
  }

  // ------------------------------------------------------------------ secrets

  private static Future<Map<String, String>> secrets(ActionContext context, Map<String, String> env) {
    return context.secrets().getAll(env).recover(e -> {
      if (!(e instanceof JobSecrets.Unreadable unreadable)) {
        return Future.failedFuture(e);
      }
      return Future.failedFuture(unreadable.storeFailed()
          ? new IllegalStateException("the secret store failed reading '" + unreadable.secret() + "' for "
          + unreadable.key())
          : new Refused("shell: cannot set " + unreadable.key() + ": " + unreadable.getMessage()));
    });
  }

  // ------------------------------------------------------------------ the process

  private Future<ActionResult> start(ActionContext context, Run run, Path script, Request request,
                                     Map<String, String> secretEnv) {
    Vertx vertx = context.vertx();
    return vertx.<ProcessBuilder>executeBlocking(() -> {
      Path work = Files.createTempDirectory("switchboard-shell-");
      run.workDir = work;
      List<String> command = new ArrayList<>();
      command.add(script.toString());
      command.addAll(request.args());
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(work.toFile())
          .redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Map<String, String> env = builder.environment();
      env.clear();
      env.put("PATH", PATH);
      env.put("LANG", LANG);
      if (context.idempotencyKey() != null) {
        env.put(IDEMPOTENCY_KEY_VARIABLE, context.idempotencyKey());
      }
      env.putAll(secretEnv);
      return builder;
    }, false).compose(builder -> run.process.start(builder, "switchboard-shell-output-" + context.jobId())
        .recover(e -> Future.failedFuture(e instanceof ProcessRun.StoppedException
            ? new Refused("shell: stopped before the script started")
            : e instanceof IOException ? new Refused("shell: could not start '" + request.script() + "': "
            + e.getMessage()) : e))
        .eventually(() -> vertx.executeBlocking(() -> {
          deleteTree(run.workDir);
          return null;
        }, false))
        .map(exit -> outcome(context, request.script(), exit.code(), exit.output())));
  }

  private ActionResult outcome(ActionContext context, String script, int code, OutputTail tail) {
    // Redact before cutting anything, so no cut can leave part of a secret unrecognised.
    String output = context.secrets().redact(tail.text()).stripTrailing();
    String cut = tail.cutNote();
    if (code == 0) {
      return ActionResult.success("`" + script + "` finished (exit 0)" + cut
          + (output.isEmpty() ? ", no output" : "\n" + output));
    }
    String summary = "`" + script + "` failed with exit code " + code
        + (code == EX_TEMPFAIL ? " (EX_TEMPFAIL: a temporary failure, it will be retried)"
        : code > 128 && code < 160 ? " (killed by signal " + (code - 128) + ")" : "")
        + cut;
    String last = OutputTail.lastLines(output);
    String error = last.isEmpty() ? summary + "; no output" : summary + "; last lines:\n" + last;
    return code == EX_TEMPFAIL ? ActionResult.retryableFailure(error) : ActionResult.failure(error);
  }

  // ------------------------------------------------------------------ helpers

  /** One job's process and the temporary directory it runs in. */
  private static final class Run {
    final ProcessRun process;
    volatile Path workDir;

    Run(ProcessRun process) {
      this.process = process;
    }
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // best effort: a script may leave a file it made unreadable; the OS cleans the temp dir eventually
    }
  }

  private static String printable(String text) {
    String flat = text.replaceAll("\\p{Cntrl}", "?");
    return flat.length() <= 80 ? flat : flat.substring(0, 79) + "…";
  }

  private static Future<ActionResult> done(ActionResult result) {
    return Future.succeededFuture(result);
  }
}

package io.switchboard.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Switchboard node in a JVM of its own ({@code java -cp <test class path> Switchboard <role>}), as
 * an operator runs one, with its log in {@code <log directory>/<name>.log}: started, stopped with
 * SIGTERM or SIGKILL, paused with SIGSTOP and woken with SIGCONT, and started again with the same
 * settings. It inherits none of the test JVM's {@code SWITCHBOARD_*} variables, and its log starts
 * empty (a restart appends to it).
 */
final class NodeProcess {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Path logDir;
  private final String role;
  private final List<String> jvmOptions;
  private final Map<String, String> env;
  private final int httpPort;
  private Process process;
  private int starts;

  private NodeProcess(String name, Path logDir, String role, List<String> jvmOptions, Map<String, String> env,
                      int httpPort) {
    this.name = name;
    this.logDir = logDir;
    this.role = role;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.env = Map.copyOf(env);
    this.httpPort = httpPort;
  }

  /** Starts {@code role} with {@code env} (which must set {@code SWITCHBOARD_HTTP_PORT} to {@code httpPort}), logging warnings only. */
  static NodeProcess start(String name, Path logDir, String role, Map<String, String> env, int httpPort) {
    return start(name, logDir, role, List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), env, httpPort);
  }

  /** As {@link #start(String, Path, String, Map, int)}, with JVM options of its own (log levels, say). */
  static NodeProcess start(String name, Path logDir, String role, List<String> jvmOptions, Map<String, String> env,
                           int httpPort) {
    NodeProcess node = new NodeProcess(name, logDir, role, jvmOptions, env, httpPort);
    node.spawn();
    return node;
  }

  String name() {
    return name;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** The part of {@code lease_owner} and {@code job_attempts.executor} that names this process. */
  String ownerMark() {
    return "/" + process.pid() + "/";
  }

  /** Waits until {@code /ready} answers 200. */
  void awaitReady(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + "; see " + log());
      }
      try {
        HttpResponse<Void> ready = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      sleep(Duration.ofMillis(200));
    }
    throw new AssertionError(name + " was not ready within " + limit + "; see " + log());
  }

  /** SIGKILL, as the OOM killer or a lost host would end it. */
  void kill() {
    try {
      process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the node again with the same settings, after {@link #kill}. */
  void restart() {
    spawn();
  }

  /** SIGTERM, as an operator or a container runtime stops it; waits for it to exit and returns its exit code. */
  int terminate(Duration limit) {
    try {
      process.destroy();
      if (!process.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " did not stop within " + limit + "; see " + log());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** What the node printed, as far as it got. */
  String output() {
    try {
      return Files.readString(log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void pause() {
    signal("STOP");
  }

  void resume() {
    signal("CONT");
  }

  void stop() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  private void spawn() {
    starts++;
    Path log = log();
    try {
      Files.createDirectories(log.getParent());
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m"));
      command.addAll(jvmOptions);
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), Switchboard.class.getName(), role));
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(starts == 1 ? ProcessBuilder.Redirect.to(log.toFile()) : ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().keySet().removeIf(variable -> variable.startsWith("SWITCHBOARD_"));
      builder.environment().putAll(env);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path log() {
    return logDir.resolve(name + ".log");
  }

  private void signal(String signal) {
    try {
      // bash's built-in kill: always there, unlike procps' binary
      int exit = new ProcessBuilder("bash", "-c", "kill -" + signal + " " + process.pid()).inheritIO().start().waitFor();
      if (exit != 0) {
        throw new AssertionError("kill -" + signal + " " + process.pid() + " exited with " + exit);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void sleep(Duration time) {
    try {
      Thread.sleep(time.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public String toString() {
    return name + " (" + role + ", start " + starts + ", pid " + process.pid() + ")";
  }
}

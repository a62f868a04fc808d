package io.switchboard.executor.action.process;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The processes one job runs, one after the other, and the stop that kills them: what the
 * process-running actions ({@code shell}, {@code terraform}) share.
 *
 * <p>{@link #start} runs a {@link ProcessBuilder} the caller prepared (argv without a shell, a clean
 * environment, a working directory) and answers with its exit code and the tail of its output
 * (stdout and stderr should be merged by the caller). Nothing blocks an event loop: the start runs
 * in {@code executeBlocking}, the output is read on a thread of its own, and the exit is observed
 * through {@link Process#onExit()}.
 *
 * <p>{@link #stop} (call it when the job's {@code stop()} completes) kills the running process and
 * its descendants: SIGTERM, then SIGKILL after the grace period; a process started after the stop is
 * killed at once, and {@link #start} refuses to start another.
 */
public final class ProcessRun {

  /** Who gets SIGTERM on stop; every process of the tree gets SIGKILL after the grace either way. */
  public enum Termination {
    /** The process and all its descendants at once (a script and whatever it started). */
    TREE,
    /**
     * The process alone, so that a program that handles an interrupt (Terraform) can stop its own
     * children and write its state; the descendants only get SIGKILL after the grace.
     */
    PROCESS_FIRST
  }

  /** How a process ended: its exit code and the tail of its output. */
  public record Exit(int code, OutputTail output) {
  }

  /** {@link #start} was refused because the run was already stopped. */
  public static final class StoppedException extends Exception {
    public StoppedException() {
      super("stopped before the process started", null, false, false);
    }
  }

  private final Vertx vertx;
  private final Duration killGrace;
  private final int outputLimitBytes;
  private final Termination termination;
  private Process process;
  private boolean stopped;

  public ProcessRun(Vertx vertx, Duration killGrace, int outputLimitBytes, Termination termination) {
    this.vertx = vertx;
    this.killGrace = killGrace;
    this.outputLimitBytes = outputLimitBytes;
    this.termination = termination;
  }

  public synchronized boolean isStopped() {
    return stopped;
  }

  /**
   * Starts the process and completes when it has exited and its output is read. Fails with
   * {@link StoppedException} when the run was stopped first, and with the {@link IOException} of
   * {@link ProcessBuilder#start()} when it cannot start (no such program, not executable).
   */
  public Future<Exit> start(ProcessBuilder builder, String threadName) {
    return vertx.<Process>executeBlocking(() -> {
      if (isStopped()) {
        throw new StoppedException();
      }
      Process started = builder.start();
      attach(started);
      return started;
    }, false).compose(started -> {
      OutputTail tail = new OutputTail(outputLimitBytes);
      CompletableFuture<Void> drained = new CompletableFuture<>();
      Thread reader = new Thread(() -> {
        byte[] buffer = new byte[8192];
        try (InputStream in = started.getInputStream()) {
          for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            tail.write(buffer, 0, n);
          }
        } catch (IOException e) {
          // the stream was closed under us: keep what was read
        } finally {
          drained.complete(null);
        }
      }, threadName);
      reader.setDaemon(true);
      reader.start();
      // The output ends when the last process holding the pipe exits; a background child the process
      // left behind may hold it longer, so after the exit it gets only a short grace.
      CompletableFuture<Exit> finished = started.onExit().thenCompose(p -> drained
          .completeOnTimeout(null, killGrace.toMillis() + 500, TimeUnit.MILLISECONDS)
          .thenApply(v -> new Exit(p.exitValue(), tail)));
      return Future.fromCompletionStage(finished, vertx.getOrCreateContext());
    });
  }

  /** Kills the running process (if any) and refuses every later start. */
  public void stop() {
    Process running;
    synchronized (this) {
      stopped = true;
      running = process;
    }
    if (running != null) {
      vertx.executeBlocking(() -> {
        kill(running);
        return null;
      }, false);
    }
  }

  /** Called on a worker once the process is started; kills it at once if the run already stopped. */
  private void attach(Process started) {
    boolean kill;
    synchronized (this) {
      process = started;
      kill = stopped;
    }
    if (kill) {
      kill(started);
    }
  }

  /** SIGTERM as {@link #termination} says, then SIGKILL to the whole tree after the grace. Blocking. */
  private void kill(Process target) {
    List<ProcessHandle> tree = target.descendants().toList();
    if (termination == Termination.TREE) {
      tree.forEach(ProcessHandle::destroy);
    }
    target.destroy();
    vertx.setTimer(Math.max(1, killGrace.toMillis()), id -> vertx.executeBlocking(() -> {
      target.descendants().forEach(ProcessHandle::destroyForcibly);
      tree.forEach(ProcessHandle::destroyForcibly);
      target.destroyForcibly();
      return null;
    }, false));
  }
}

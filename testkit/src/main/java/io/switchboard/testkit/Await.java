package io.switchboard.testkit;

import io.vertx.core.Context;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Waits for a Vert.x future from a test thread (never from an event loop). */
public final class Await {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static final String POLLER_NAME = "switchboard-await-poller";

  /** One daemon thread for every wait's checks: never a Vert.x event loop, never keeps the JVM alive. */
  private static final ScheduledExecutorService POLLER = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, POLLER_NAME);
    thread.setDaemon(true);
    return thread;
  });

  private Await() {
  }

  public static <T> T result(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("future did not complete within 30 s", e);
    }
  }

  /** The cause the future failed with; an error if it succeeds or takes longer than 30 s. */
  public static Throwable failure(Future<?> future) {
    try {
      Object value = future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("future did not complete within 30 s", e);
    }
  }

  /**
   * Checks {@code condition} every 50 ms for up to 30 s; for state reached asynchronously. The checks run
   * on the kit's one poller thread while the calling test thread waits for their outcome; an exception
   * the condition throws is the failure. Waiting holds the calling thread, so it refuses to run on a
   * Vert.x event loop, where a wait would hold every handler of that loop.
   */
  public static void until(String what, BooleanSupplier condition) {
    until(what, condition, TIMEOUT);
  }

  /** {@link #until(String, BooleanSupplier)} with another limit, for the kit's own tests of the limit. */
  static void until(String what, BooleanSupplier condition, Duration timeout) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("Await.until(\"" + what + "\") on an event loop: wait from the test thread");
    }
    if (Thread.currentThread().getName().equals(POLLER_NAME)) {
      throw new IllegalStateException("Await.until(\"" + what + "\") inside another wait's condition");
    }
    CompletableFuture<Void> met = new CompletableFuture<>();
    ScheduledFuture<?> checks = POLLER.scheduleWithFixedDelay(() -> check(condition, met), 0, 50, TimeUnit.MILLISECONDS);
    try {
      met.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out waiting for: " + what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for: " + what);
    } catch (ExecutionException e) {
      throw rethrown(e.getCause());
    } finally {
      checks.cancel(false);
    }
  }

  private static void check(BooleanSupplier condition, CompletableFuture<Void> met) {
    if (met.isDone()) {
      return;
    }
    try {
      if (condition.getAsBoolean()) {
        met.complete(null);
      }
    } catch (Throwable t) {
      met.completeExceptionally(t);
    }
  }

  private static RuntimeException rethrown(Throwable cause) {
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(cause);
  }
}

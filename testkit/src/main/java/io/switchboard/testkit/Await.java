package io.switchboard.testkit;

import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a Vert.x future from a test thread (never from an event loop). */
public final class Await {

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
   * Polls {@code condition} every 50 ms for up to 30 s; for state reached asynchronously. It pauses the
   * calling test thread between polls, so it refuses to run on a Vert.x event loop, where a pause
   * would hold every handler of that loop.
   */
  public static void until(String what, java.util.function.BooleanSupplier condition) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("Await.until(\"" + what + "\") on an event loop: wait from the test thread");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what);
      }
    }
  }
}

package io.switchboard.testkit;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Await#until}: checks off the calling thread, its outcome, its failures and its refusals. */
class AwaitTest {

  @Test
  void returnsOnceTheConditionHoldsCheckingItOffTheCallingThread() {
    AtomicInteger checks = new AtomicInteger();
    AtomicReference<Thread> checker = new AtomicReference<>();

    Await.until("the third check", () -> {
      checker.set(Thread.currentThread());
      return checks.incrementAndGet() == 3;
    });

    assertThat(checks).hasValue(3);
    assertThat(checker.get()).isNotSameAs(Thread.currentThread());
    assertThat(checker.get().isDaemon()).isTrue();
  }

  @Test
  void theConditionsOwnAssertionIsTheFailure() {
    AssertionError own = new AssertionError("the row is missing");

    assertThatThrownBy(() -> Await.until("the row", () -> {
      throw own;
    })).isSameAs(own);
  }

  @Test
  void theConditionsOwnRuntimeExceptionIsTheFailure() {
    IllegalArgumentException own = new IllegalArgumentException("no such tenant");

    assertThatThrownBy(() -> Await.until("the tenant", () -> {
      throw own;
    })).isSameAs(own);
  }

  @Test
  void aConditionThatNeverHoldsTimesOutNamingWhatWasAwaited() {
    assertThatThrownBy(() -> Await.until("the impossible", () -> false, Duration.ofMillis(200)))
        .isInstanceOf(AssertionError.class)
        .hasMessage("timed out waiting for: the impossible");
  }

  @Test
  void refusesToWaitOnAnEventLoop() {
    Vertx vertx = Vertx.vertx();
    try {
      CompletableFuture<Throwable> refusal = new CompletableFuture<>();
      vertx.runOnContext(ignored -> {
        try {
          Await.until("anything", () -> true);
          refusal.complete(null);
        } catch (Throwable t) {
          refusal.complete(t);
        }
      });

      assertThat(refusal.join())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("on an event loop");
    } finally {
      Await.result(vertx.close());
    }
  }

  @Test
  void refusesToWaitInsideAnotherWaitsCondition() {
    AtomicReference<Throwable> inner = new AtomicReference<>();

    Await.until("the outer condition", () -> {
      try {
        Await.until("the inner condition", () -> true);
      } catch (IllegalStateException e) {
        inner.set(e);
      }
      return true;
    });

    assertThat(inner.get()).hasMessageContaining("inside another wait's condition");
  }
}

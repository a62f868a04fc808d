package io.switchboard.tenancy;

import io.switchboard.testkit.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A cached lookup keeps answers until they expire or are evicted, and an eviction is not undone by a load in flight")
class CachedLookupTest {

  private final List<Promise<String>> loads = new ArrayList<>();
  private final Function<String, Future<String>> load = key -> {
    Promise<String> promise = Promise.promise();
    loads.add(promise);
    return promise.future();
  };
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-02T10:00:00Z"));
  private final CachedLookup<String, String> lookup = new CachedLookup<>(Duration.ofMinutes(10), clock);

  @Test
  @DisplayName("an answer is loaded once and cached; evict and evictAll make the next lookup load again")
  void cachesUntilEvicted() {
    Future<String> first = lookup.get("T1", load);
    loads.get(0).complete("acme");
    assertThat(first.result()).isEqualTo("acme");
    assertThat(lookup.get("T1", load).result()).isEqualTo("acme");
    assertThat(loads).hasSize(1);

    lookup.evict("T1");
    lookup.get("T1", load);
    assertThat(loads).hasSize(2);
    loads.get(1).complete("globex");
    assertThat(lookup.get("T1", load).result()).isEqualTo("globex");

    lookup.evictAll();
    lookup.get("T1", load);
    assertThat(loads).hasSize(3);
  }

  @Test
  @DisplayName("a load that was in flight when something was evicted answers, but is not cached")
  void inFlightLoadDoesNotUndoAnEviction() {
    Future<String> inFlight = lookup.get("T1", load);
    lookup.evict("T1");
    loads.get(0).complete("stale");
    assertThat(inFlight.result()).isEqualTo("stale");
    lookup.get("T1", load);
    assertThat(loads).as("the stale answer was not cached").hasSize(2);
  }

  @Test
  @DisplayName("an answer expires after its time to live on the given clock; a failed load is not cached")
  void expiresAndDoesNotCacheFailures() {
    lookup.get("T1", load);
    loads.get(0).complete("acme");
    clock.advance(Duration.ofMinutes(9));
    assertThat(lookup.get("T1", load).result()).isEqualTo("acme");
    assertThat(loads).hasSize(1);
    clock.advance(Duration.ofMinutes(2));
    lookup.get("T1", load);
    assertThat(loads).as("expired").hasSize(2);

    Future<String> failed = lookup.get("T2", load);
    loads.get(2).fail("unreachable");
    assertThat(failed.failed()).isTrue();
    lookup.get("T2", load);
    assertThat(loads).as("the failure was not cached").hasSize(4);
  }
}

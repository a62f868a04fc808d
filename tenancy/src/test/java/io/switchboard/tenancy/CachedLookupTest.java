package io.switchboard.tenancy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A cached lookup keeps answers until evicted, and an eviction is not undone by a load in flight")
class CachedLookupTest {

  private final List<Promise<String>> loads = new ArrayList<>();
  private final CachedLookup<String, String> lookup = new CachedLookup<>(Duration.ofMinutes(10), key -> {
    Promise<String> load = Promise.promise();
    loads.add(load);
    return load.future();
  });

  @Test
  @DisplayName("an answer is loaded once and cached; evict and evictAll make the next lookup load again")
  void cachesUntilEvicted() {
    Future<String> first = lookup.get("T1");
    loads.get(0).complete("acme");
    assertThat(first.result()).isEqualTo("acme");
    assertThat(lookup.get("T1").result()).isEqualTo("acme");
    assertThat(loads).hasSize(1);

    lookup.evict("T1");
    lookup.get("T1");
    assertThat(loads).hasSize(2);
    loads.get(1).complete("globex");
    assertThat(lookup.get("T1").result()).isEqualTo("globex");

    lookup.evictAll();
    lookup.get("T1");
    assertThat(loads).hasSize(3);
  }

  @Test
  @DisplayName("a load that was in flight when something was evicted answers, but is not cached")
  void inFlightLoadDoesNotUndoAnEviction() {
    Future<String> inFlight = lookup.get("T1");
    lookup.evict("T1");
    loads.get(0).complete("stale");
    assertThat(inFlight.result()).isEqualTo("stale");
    lookup.get("T1");
    assertThat(loads).as("the stale answer was not cached").hasSize(2);
  }
}

package io.switchboard.tenancy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.vertx.core.Future;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A lookup whose answers (misses too) are cached for a while, bounded in number, and can be
 * forgotten at once. A failed load is not cached. An answer loaded while something was forgotten is
 * returned but not cached, so a lookup that was already in flight cannot put back what an eviction
 * removed. Expired answers leave memory when they expire, not at the next lookup, so the answers
 * about tenants that went quiet do not stay on the heap.
 */
public final class CachedLookup<K, V> {

  private static final int MAX_ENTRIES = 50_000;

  private final Cache<K, V> cache;
  private final AtomicLong evictions = new AtomicLong();

  /** Answers expire {@code ttl} after they were loaded, on the system clock. */
  public CachedLookup(Duration ttl) {
    this(ttl, Clock.systemUTC());
  }

  /** Answers expire {@code ttl} after they were loaded, as {@code clock} tells time (tests move it). */
  public CachedLookup(Duration ttl, Clock clock) {
    this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(MAX_ENTRIES)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis())).scheduler(Scheduler.systemScheduler()).build();
  }

  /** The cached answer for {@code key}, else what {@code load} answers (cached when it succeeds). */
  public Future<V> get(K key, Function<K, Future<V>> load) {
    V cached = cache.getIfPresent(key);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    long seen = evictions.get();
    return load.apply(key).map(value -> {
      if (evictions.get() == seen) {
        cache.put(key, value);
      }
      return value;
    });
  }

  public void evict(K key) {
    evictions.incrementAndGet();
    cache.invalidate(key);
  }

  public void evictAll() {
    evictions.incrementAndGet();
    cache.invalidateAll();
  }
}

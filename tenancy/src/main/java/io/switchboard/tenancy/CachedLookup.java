package io.switchboard.tenancy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A lookup whose answers (misses too) are cached for a while and can be forgotten at once. An
 * answer loaded while something was forgotten is returned but not cached, so a lookup that was
 * already in flight cannot put back what an eviction removed.
 */
public final class CachedLookup<K, V> {

  private static final int MAX_ENTRIES = 50_000;

  private final Cache<K, V> cache;
  private final Function<K, Future<V>> load;
  private final AtomicLong evictions = new AtomicLong();

  public CachedLookup(Duration ttl, Function<K, Future<V>> load) {
    this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(MAX_ENTRIES).build();
    this.load = load;
  }

  public Future<V> get(K key) {
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

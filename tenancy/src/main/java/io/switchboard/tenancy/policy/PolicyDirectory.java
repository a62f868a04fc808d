package io.switchboard.tenancy.policy;

import io.switchboard.core.log.LogContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each tenant's compiled policy, in memory, so a decision never waits for the database. A tenant's
 * policy is loaded and compiled on first use; after that it is swapped atomically for a new one when
 * an admin changes it: the writing node publishes on {@link #CHANGED_ADDRESS} (reaching every node of
 * a clustered event bus), and every node also compares versions with PostgreSQL every
 * {@code recheckInterval}, so a lost message delays a change by at most that long. A policy nobody
 * used for {@code idleAfter} is forgotten (and loaded again on the next command), so that thousands
 * of installed but quiet tenants cost a node almost no memory: a tenant in use costs it about 14 KB,
 * most of it the compiled policy (measured with the demo policy by loadtests/bench/tenants.sh).
 */
public final class PolicyDirectory {

  /** Published after a policy change commits. Body: {@code {"tenantId", "version"}}. */
  public static final String CHANGED_ADDRESS = "switchboard.policy.changed";

  public static final Duration DEFAULT_RECHECK_INTERVAL = Duration.ofSeconds(3);

  /** How long a tenant's policy stays in memory after its last use. */
  public static final Duration DEFAULT_IDLE_AFTER = Duration.ofMinutes(2);

  private static final Logger LOG = LoggerFactory.getLogger(PolicyDirectory.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Duration recheckInterval;
  private final Duration idleAfter;
  private final Clock clock;
  private final Map<String, Held> policies = new ConcurrentHashMap<>();
  private MessageConsumer<JsonObject> consumer;
  private long timer = -1;

  public PolicyDirectory(Vertx vertx, Pool pool, Duration recheckInterval) {
    this(vertx, pool, recheckInterval, DEFAULT_IDLE_AFTER, Clock.systemUTC());
  }

  /** @param clock tells when a policy was last used (tests move it) */
  public PolicyDirectory(Vertx vertx, Pool pool, Duration recheckInterval, Duration idleAfter, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.recheckInterval = recheckInterval;
    this.idleAfter = idleAfter;
    this.clock = clock;
  }

  /** Starts listening for changes and the periodic version check. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(CHANGED_ADDRESS, message -> {
      JsonObject body = message.body();
      refreshIfOlder(body.getString("tenantId"), body.getLong("version", Long.MAX_VALUE));
    });
    timer = vertx.setPeriodic(recheckInterval.toMillis(), id -> {
      forgetIdle();
      recheck();
    });
    return consumer.completion();
  }

  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Tells every node that the tenant's policy is now at {@code version}; call after the commit. */
  public static void announce(Vertx vertx, String tenantId, long version) {
    vertx.eventBus().publish(CHANGED_ADDRESS, new JsonObject().put("tenantId", tenantId).put("version", version));
  }

  /**
   * The tenant's current policy; completes at once when it is in memory. Its listeners run on the
   * caller's context: the held future belongs to the context of the request that loaded it, and would
   * run every later caller's continuation there, with that request's log fields and span.
   */
  public Future<TenantPolicy> policyOf(String tenantId) {
    long now = clock.millis();
    Held cached = policies.get(tenantId);
    if (cached != null && !cached.policy.failed()) {
      cached.usedAt = now;
      return cached.policy.succeeded() ? Future.succeededFuture(cached.policy.result()) : LogContext.here(cached.policy);
    }
    Future<TenantPolicy> loading = load(tenantId);
    policies.put(tenantId, new Held(loading, now));
    return loading;
  }

  /** Forgets the policies nobody used for {@code idleAfter}; runs with each version check. */
  void forgetIdle() {
    long oldest = clock.millis() - idleAfter.toMillis();
    policies.values().removeIf(held -> held.usedAt < oldest && held.policy.isComplete());
  }

  /** How many tenants' policies are in memory. */
  int held() {
    return policies.size();
  }

  private Future<TenantPolicy> load(String tenantId) {
    return PolicyStore.load(pool, tenantId).map(stored -> {
      try {
        return PolicyDocument.compile(stored.document(), stored.version());
      } catch (InvalidPolicyException e) {
        // Writes are validated, so this means a hand-edited row: refuse everything rather than guess.
        LOG.error("Tenant {} policy version {} does not compile ({}); denying its commands", tenantId,
            stored.version(), e.getMessage());
        return PolicyDocument.empty(stored.version());
      }
    });
  }

  private void refreshIfOlder(String tenantId, long version) {
    Held current = policies.get(tenantId);
    if (current == null) {
      return;
    }
    if (current.policy.isComplete() && current.policy.succeeded() && current.policy.result().version() >= version) {
      return;
    }
    Future<TenantPolicy> loading = load(tenantId);
    // Only a policy still held is replaced: one forgotten meanwhile is loaded afresh on its next use.
    loading.onSuccess(policy -> policies.computeIfPresent(tenantId, (id, existing) ->
        !existing.policy.isComplete() || existing.policy.failed() || existing.policy.result().version() < policy.version()
            ? new Held(Future.succeededFuture(policy), existing.usedAt) : existing));
  }

  /** A tenant's policy (loaded, or loading) and when a command last asked for it. */
  private static final class Held {
    final Future<TenantPolicy> policy;
    volatile long usedAt;

    Held(Future<TenantPolicy> policy, long usedAt) {
      this.policy = policy;
      this.usedAt = usedAt;
    }
  }

  private void recheck() {
    if (policies.isEmpty()) {
      return;
    }
    PolicyStore.versions(pool)
        .onSuccess(versions -> versions.forEach(this::refreshIfOlder))
        .onFailure(e -> LOG.warn("Policy version check failed: {}", e.getMessage()));
  }
}

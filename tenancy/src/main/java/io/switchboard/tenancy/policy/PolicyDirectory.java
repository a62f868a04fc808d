package io.switchboard.tenancy.policy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each tenant's compiled policy, in memory, so a decision never waits for the database. A tenant's
 * policy is loaded and compiled on first use; after that it is swapped atomically for a new one when
 * an admin changes it: the writing node publishes on {@link #CHANGED_ADDRESS} (reaching every node of
 * a clustered event bus), and every node also compares versions with PostgreSQL every
 * {@code recheckInterval}, so a lost message delays a change by at most that long.
 */
public final class PolicyDirectory {

  /** Published after a policy change commits. Body: {@code {"tenantId", "version"}}. */
  public static final String CHANGED_ADDRESS = "switchboard.policy.changed";

  public static final Duration DEFAULT_RECHECK_INTERVAL = Duration.ofSeconds(3);

  private static final Logger LOG = LoggerFactory.getLogger(PolicyDirectory.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Duration recheckInterval;
  private final Map<String, Future<TenantPolicy>> policies = new ConcurrentHashMap<>();
  private MessageConsumer<JsonObject> consumer;
  private long timer = -1;

  public PolicyDirectory(Vertx vertx, Pool pool, Duration recheckInterval) {
    this.vertx = vertx;
    this.pool = pool;
    this.recheckInterval = recheckInterval;
  }

  /** Starts listening for changes and the periodic version check. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(CHANGED_ADDRESS, message -> {
      JsonObject body = message.body();
      refreshIfOlder(body.getString("tenantId"), body.getLong("version", Long.MAX_VALUE));
    });
    timer = vertx.setPeriodic(recheckInterval.toMillis(), id -> recheck());
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

  /** The tenant's current policy; completes at once when it is in memory. */
  public Future<TenantPolicy> policyOf(String tenantId) {
    Future<TenantPolicy> cached = policies.get(tenantId);
    if (cached != null && !cached.failed()) {
      return cached;
    }
    Future<TenantPolicy> loading = load(tenantId);
    policies.put(tenantId, loading);
    return loading;
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
    Future<TenantPolicy> current = policies.get(tenantId);
    if (current == null) {
      return;
    }
    if (current.isComplete() && current.succeeded() && current.result().version() >= version) {
      return;
    }
    Future<TenantPolicy> loading = load(tenantId);
    loading.onSuccess(policy -> policies.compute(tenantId, (id, existing) ->
        existing == null || !existing.isComplete() || existing.failed() || existing.result().version() < policy.version()
            ? Future.succeededFuture(policy) : existing));
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

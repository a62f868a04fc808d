package io.switchboard.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.apache.commons.codec.digest.DigestUtils;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A row of the audit log, and the one definition of its hash: an HMAC-SHA256 over a canonical JSON
 * array of every field (tenant, seq, time in microseconds, type, actor, job id, details with sorted
 * keys, previous hash) under the tenant's chain key ({@link AuditKey#forTenant}). Anything that
 * changes a stored field changes the hash, and without the key nobody can compute the new one.
 * Older records carry what was current when they were written ({@link HashKey}).
 */
public record AuditRecord(
    String tenantId, long seq, Instant occurredAt, String eventType, String actor, Long jobId,
    String detail, String prevHash, String hash, HashKey hashKey) {

  /**
   * What a record's hash is keyed with, in the order the versions came. A chain never goes back to
   * {@code NONE} once keyed (anyone can compute a plain hash, so such a record was rewritten); the two
   * keyed kinds may alternate while nodes of both versions write during a rolling upgrade.
   */
  public enum HashKey {
    /** A plain SHA-256 anyone can recompute: written before the chain was keyed, or by a process without a key. */
    NONE,
    /** An HMAC under the deployment's audit key: written before tenants had chain keys. */
    DEPLOYMENT,
    /** An HMAC under the tenant's chain key. */
    TENANT;

    static HashKey of(boolean keyed, boolean tenantKeyed) {
      return !keyed ? NONE : tenantKeyed ? TENANT : DEPLOYMENT;
    }
  }

  /** The previous-hash of a tenant's first record. */
  public static final String GENESIS_HASH = "0".repeat(64);

  /**
   * Builds the next record of a chain, keyed with the tenant's chain key when this process has an
   * {@link AuditKey}; {@code occurredAt} is cut to PostgreSQL's microseconds.
   */
  public static AuditRecord next(AuditEvent event, long seq, String prevHash, Instant occurredAt) {
    Instant time = occurredAt.truncatedTo(ChronoUnit.MICROS);
    String detail = canonical(event.detail()).encode();
    Optional<AuditKey> key = AuditKey.installed().map(k -> k.forTenant(event.tenantId()));
    String hash = hashOf(key, event.tenantId(), seq, time, event.type().wire(), event.actor(), event.jobId(), detail,
        prevHash);
    return new AuditRecord(event.tenantId(), seq, time, event.type().wire(), event.actor(), event.jobId(), detail,
        prevHash, hash, key.isPresent() ? HashKey.TENANT : HashKey.NONE);
  }

  /** The columns {@link #fromRow} reads; named, not {@code *}, as prepared statements are cached. */
  public static final String COLUMNS =
      "tenant_id, seq, occurred_at, event_type, actor, job_id, detail, prev_hash, hash, keyed, tenant_keyed";

  public static AuditRecord fromRow(Row row) {
    return new AuditRecord(
        row.getString("tenant_id"), row.getLong("seq"), row.getOffsetDateTime("occurred_at").toInstant(),
        row.getString("event_type"), row.getString("actor"), row.getLong("job_id"), row.getString("detail"),
        row.getString("prev_hash"), row.getString("hash"),
        HashKey.of(row.getBoolean("keyed"), row.getBoolean("tenant_keyed")));
  }

  /** Whether the hash is an HMAC (under either key) rather than a plain SHA-256. */
  public boolean keyed() {
    return hashKey != HashKey.NONE;
  }

  /**
   * The hash this record's fields give now; differs from {@link #hash()} if the row was edited.
   *
   * @param deploymentKey the deployment's audit key, from which a tenant-keyed record's key is derived
   *                      (ignored for an unkeyed record)
   */
  public String recomputeHash(AuditKey deploymentKey) {
    return recomputeHashWith(hashKey == HashKey.TENANT ? deploymentKey.forTenant(tenantId) : deploymentKey);
  }

  /**
   * The hash this record's fields give now under the key it names: the tenant's chain key for a
   * tenant-keyed record, the deployment's for a deployment-keyed one, none for an unkeyed one.
   */
  public String recomputeHashWith(AuditKey recordKey) {
    return hashOf(keyed() ? Optional.of(recordKey) : Optional.empty(), tenantId, seq, occurredAt, eventType, actor,
        jobId, detail, prevHash);
  }

  public JsonObject detailJson() {
    return new JsonObject(detail);
  }

  private static String hashOf(Optional<AuditKey> key, String tenantId, long seq, Instant time, String type,
                               String actor, Long jobId, String detail, String prevHash) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, time);
    String fields = new JsonArray()
        .add(tenantId).add(seq).add(micros).add(type).add(actor).add(jobId).add(detail).add(prevHash).encode();
    return key.map(k -> k.mac(fields)).orElseGet(() -> DigestUtils.sha256Hex(fields));
  }

  /** A copy with object keys sorted at every depth, so equal details always encode the same. */
  static JsonObject canonical(JsonObject json) {
    Map<String, Object> sorted = new TreeMap<>();
    json.forEach(entry -> sorted.put(entry.getKey(), canonicalValue(entry.getValue())));
    return new JsonObject(sorted);
  }

  private static Object canonicalValue(Object value) {
    if (value instanceof JsonObject object) {
      return canonical(object);
    }
    if (value instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(item -> copy.add(canonicalValue(item)));
      return copy;
    }
    return value;
  }
}

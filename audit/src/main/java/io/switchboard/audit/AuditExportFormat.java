package io.switchboard.audit;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The lines of an audit export, newline-delimited JSON: a {@code header} (tenant, range, when), an
 * {@code anchor} for each signed chain head the gateway published of the tenant, one
 * {@code record} per audit record with every field its hash covers, exactly as stored, and an
 * {@code end} that counts them and names the chain head when the export began. A download cut short
 * has no {@code end}, so it cannot pass for a whole export. The one definition both the export and
 * its verifier ({@link AuditExportVerifier}) use.
 */
public final class AuditExportFormat {

  /** The media type of an export. */
  public static final String MEDIA_TYPE = "application/x-ndjson";

  /** The version of these lines; a verifier refuses one it does not know. */
  public static final int VERSION = 1;

  private AuditExportFormat() {
  }

  /** The first line; {@code exportedAt} is when the export took its view of the chain (before reading the head). */
  public static JsonObject header(String tenantId, Instant from, Instant to, Instant exportedAt) {
    return new JsonObject().put("kind", "header").put("format", VERSION).put("tenantId", tenantId)
        .put("from", from == null ? null : from.toString()).put("to", to == null ? null : to.toString())
        .put("exportedAt", exportedAt.toString());
  }

  /** An anchor's line: the anchor as published ({@link AuditAnchors.Anchor#toJson}), of kind {@code anchor}. */
  public static JsonObject anchor(AuditAnchors.Anchor anchor, String keyId) {
    return new JsonObject().put("kind", "anchor").mergeIn(anchor.toJson(keyId));
  }

  /** A record's line; {@code detail} stays the stored text, since its exact bytes are hashed. */
  public static JsonObject record(AuditRecord record) {
    return new JsonObject().put("kind", "record").put("tenantId", record.tenantId()).put("seq", record.seq())
        .put("occurredAt", record.occurredAt().toString())
        .put("occurredAtMicros", ChronoUnit.MICROS.between(Instant.EPOCH, record.occurredAt()))
        .put("type", record.eventType()).put("actor", record.actor()).put("jobId", record.jobId())
        .put("detail", record.detail()).put("prevHash", record.prevHash()).put("hash", record.hash())
        .put("hashKey", record.hashKey().name().toLowerCase(Locale.ROOT));
  }

  /** The record a line describes; throws {@link IllegalArgumentException} for a malformed one. */
  public static AuditRecord parseRecord(JsonObject line) {
    try {
      Instant occurredAt = Instant.EPOCH.plus(line.getLong("occurredAtMicros"), ChronoUnit.MICROS);
      AuditRecord.HashKey hashKey = AuditRecord.HashKey.valueOf(line.getString("hashKey").toUpperCase(Locale.ROOT));
      return new AuditRecord(required(line, "tenantId"), line.getLong("seq"), occurredAt, required(line, "type"),
          required(line, "actor"), line.getLong("jobId"), required(line, "detail"), required(line, "prevHash"),
          required(line, "hash"), hashKey);
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("a record line lacks a field or has one of the wrong type: " + line.encode());
    }
  }

  /**
   * The closing line: how many records, the last one (null when none), and the chain head when the
   * export began.
   */
  public static JsonObject end(long records, AuditQuery.Head last, AuditQuery.Head head) {
    return new JsonObject().put("kind", "end").put("records", records)
        .put("lastSeq", last == null ? null : last.seq()).put("lastHash", last == null ? null : last.hash())
        .put("headSeq", head.seq()).put("headHash", head.hash());
  }

  private static String required(JsonObject line, String field) {
    String value = line.getString(field);
    if (value == null) {
      throw new IllegalArgumentException("a record line has no " + field + ": " + line.encode());
    }
    return value;
  }
}

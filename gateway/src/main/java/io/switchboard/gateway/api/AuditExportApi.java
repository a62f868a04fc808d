package io.switchboard.gateway.api;

import io.switchboard.audit.AuditAnchors;
import io.switchboard.audit.AuditExportFormat;
import io.switchboard.audit.AuditQuery;
import io.switchboard.audit.AuditRecord;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * {@code GET /api/v1/audit/export}: the caller's tenant's audit records as newline-delimited JSON
 * ({@link AuditExportFormat}), optionally those written in {@code [from, to)}, after the tenant's
 * signed anchors from this gateway's anchor file, streamed page by page
 * as the client reads them, so a long chain never sits in memory. The records are a consecutive run
 * up to the chain head as it was when the export began, so the export links and ends where its
 * {@code end} line says. The anchors are read before the head, so none of them names a record newer
 * than the export's view ({@code exportedAt}): one beyond its end means records were deleted. A failure mid-way resets the connection: the client never gets a cut-short
 * export that looks whole.
 */
public final class AuditExportApi {

  static final int PAGE_SIZE = 500;

  private final Vertx vertx;
  private final Pool pool;
  private final Optional<AuditAnchors> anchors;
  private final Clock clock;

  public AuditExportApi(Vertx vertx, Pool pool, Optional<AuditAnchors> anchors, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.anchors = anchors;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.get("/api/v1/audit/export").handler(this::export);
  }

  private void export(RoutingContext ctx) {
    String tenantId = TenantTokenAuth.tenantId(ctx);
    Instant from;
    Instant to;
    try {
      from = instant(ctx, "from");
      to = instant(ctx, "to");
    } catch (SwitchboardException e) {
      ctx.fail(e);
      return;
    }
    if (from != null && to != null && !from.isBefore(to)) {
      ctx.fail(new SwitchboardException(ErrorCode.MALFORMED_REQUEST,
          "from (" + from + ") must be before to (" + to + ")"));
      return;
    }
    Instant viewAt = clock.instant();
    anchorLines(tenantId).compose(anchorLines -> AuditQuery.head(pool, tenantId)
        .compose(head -> AuditQuery.seqRange(pool, tenantId, from, to).map(range -> {
          Run run = new Run(head, range);
          run.lines.appendString(AuditExportFormat.header(tenantId, from, to, viewAt).encode()).appendString("\n")
              .appendBuffer(anchorLines);
          return run;
        })))
        .onFailure(ctx::fail)
        .onSuccess(run -> {
          HttpServerResponse response = ctx.response().setChunked(true)
              .putHeader("Content-Type", AuditExportFormat.MEDIA_TYPE)
              .putHeader("Content-Disposition", "attachment; filename=\"audit-" + tenantId + ".ndjson\"");
          response.write(run.lines)
              .compose(v -> run.range.isEmpty() ? Future.succeededFuture(Written.NONE)
                  : stream(response, tenantId, run.range.get().first() - 1,
                      Math.min(run.range.get().last(), run.head.seq()), Written.NONE))
              .compose(end -> response.end(AuditExportFormat.end(end.count, end.last, run.head).encode() + "\n"))
              .onFailure(e -> response.reset());
        });
  }

  /** Writes the records after {@code after} up to {@code until}, a page at a time, each page once the last was sent. */
  private Future<Written> stream(HttpServerResponse response, String tenantId, long after, long until, Written so) {
    return AuditQuery.page(pool, tenantId, after, until, PAGE_SIZE).compose(page -> {
      if (page.isEmpty()) {
        return Future.succeededFuture(so);
      }
      Buffer lines = Buffer.buffer();
      for (AuditRecord record : page) {
        lines.appendString(AuditExportFormat.record(record).encode()).appendString("\n");
      }
      AuditRecord last = page.get(page.size() - 1);
      Written now = new Written(so.count + page.size(), new AuditQuery.Head(last.seq(), last.hash()));
      return response.write(lines).compose(v -> page.size() < PAGE_SIZE
          ? Future.succeededFuture(now) : stream(response, tenantId, last.seq(), until, now));
    });
  }

  /** A {@code from} or {@code to} parameter: an RFC 3339 time with its offset, or null when absent. */
  private static Instant instant(RoutingContext ctx, String name) {
    String text = ContractValidation.queryString(ctx, name);
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST,
          name + " must be a time with its offset, like 2026-12-01T00:00:00Z, not '" + text + "'");
    }
  }

  /** The tenant's signed anchors from this gateway's anchor file, one line each (none without a file). */
  private Future<Buffer> anchorLines(String tenantId) {
    if (anchors.isEmpty()) {
      return Future.succeededFuture(Buffer.buffer());
    }
    AuditAnchors file = anchors.get();
    return vertx.executeBlocking(file::read, false).map(read -> {
      Buffer lines = Buffer.buffer();
      for (AuditAnchors.Anchor anchor : read.of(tenantId)) {
        lines.appendString(AuditExportFormat.anchor(anchor, file.signingKey().keyId()).encode()).appendString("\n");
      }
      return lines;
    });
  }

  /**
   * The head when the export began, the seqs of the records in the asked range, and the lines that
   * open the export (header and anchors).
   */
  private record Run(AuditQuery.Head head, Optional<AuditQuery.SeqRange> range, Buffer lines) {
    Run(AuditQuery.Head head, Optional<AuditQuery.SeqRange> range) {
      this(head, range, Buffer.buffer());
    }
  }

  /** How many records were written and the last of them (null before the first). */
  private record Written(long count, AuditQuery.Head last) {
    static final Written NONE = new Written(0, null);
  }
}

package io.switchboard.gateway.audit;

import io.switchboard.audit.AuditExportFormat;
import io.switchboard.audit.AuditRecord;
import io.switchboard.core.config.OutboundUrl;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Posts audit records to a SIEM's HTTP collector ({@code SWITCHBOARD_AUDIT_FORWARD_URL}) as NDJSON
 * lines of the export format ({@link AuditExportFormat#record}), with the configured Authorization
 * header. Only a 2xx counts as taken, so the webhook gives at-least-once delivery.
 */
public final class WebhookRecordSink implements AuditRecordSink {

  private static final long TIMEOUT_MILLIS = 10_000;

  private final WebClient http;
  private final URI url;
  private final Optional<String> authorization;

  public WebhookRecordSink(WebClient http, URI url, Optional<String> authorization) {
    this.http = http;
    this.url = url;
    this.authorization = authorization;
  }

  @Override
  public String kind() {
    return "webhook";
  }

  @Override
  public String cursor() {
    return url.toString();
  }

  @Override
  public String displayName() {
    return OutboundUrl.forDisplay(url);
  }

  @Override
  public Future<Void> deliver(List<AuditRecord> records) {
    Buffer lines = Buffer.buffer();
    records.forEach(record -> lines.appendString(AuditExportFormat.record(record).encode()).appendString("\n"));
    HttpRequest<Buffer> post = http.postAbs(url.toString()).timeout(TIMEOUT_MILLIS)
        .putHeader("Content-Type", AuditExportFormat.MEDIA_TYPE);
    authorization.ifPresent(value -> post.putHeader("Authorization", value));
    return post.sendBuffer(lines).transform(sent -> {
      if (sent.succeeded() && sent.result().statusCode() / 100 == 2) {
        return Future.succeededFuture();
      }
      return Future.failedFuture(sent.succeeded()
          ? "the sink answered HTTP " + sent.result().statusCode() + " to " + records.size() + " records of tenant "
              + records.get(0).tenantId()
          : "posting " + records.size() + " records of tenant " + records.get(0).tenantId() + " failed: "
              + sent.cause().getMessage());
    });
  }
}

package io.switchboard.gateway.audit;

import io.switchboard.audit.AuditExportFormat;
import io.switchboard.audit.AuditRecord;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Audit records as RFC 5424 syslog messages, framed by octet counting (RFC 6587 section 3.4.1, the
 * framing RFC 5425 prescribes for TLS): {@code LEN SP <109>1 TIMESTAMP HOSTNAME switchboard PROCID
 * MSGID - JSON}. The priority is facility 13 ("log audit", the one RFC 5424 keeps for audit trails,
 * so receivers file the records with other audit data) and severity 5 ("notice": a normal event
 * worth keeping, never an error, and above the info/debug levels receivers commonly drop). The
 * timestamp is the record's own time in UTC, MSGID its event type, and the body the record's line of
 * the export format ({@link AuditExportFormat#record}: every hashed field, the previous hash and the
 * chain hash), UTF-8 JSON without a BOM, so a SIEM parses the same JSON the webhook and exports carry.
 * No structured data: its element names would need a private enterprise number.
 */
public final class SyslogFrames {

  /** Facility 13 (log audit) times 8, plus severity 5 (notice). */
  static final int PRIORITY = 13 * 8 + 5;
  static final String APP_NAME = "switchboard";
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final String hostname;
  private final String procId;

  /** @param hostname this node's name as receivers should show it; @param procId this process's id */
  public SyslogFrames(String hostname, long procId) {
    this.hostname = header(hostname, 255);
    this.procId = String.valueOf(procId);
  }

  /** The records' messages, each framed, one after the other, in the given order. */
  public Buffer frames(List<AuditRecord> records) {
    Buffer frames = Buffer.buffer();
    for (AuditRecord record : records) {
      byte[] message = message(record).getBytes(StandardCharsets.UTF_8);
      frames.appendString(message.length + " ").appendBytes(message);
    }
    return frames;
  }

  /** One record's RFC 5424 message, unframed. */
  String message(AuditRecord record) {
    return "<" + PRIORITY + ">1 " + TIMESTAMP.format(record.occurredAt()) + " " + hostname + " " + APP_NAME + " "
        + procId + " " + header(record.eventType(), 32) + " - " + AuditExportFormat.record(record).encode();
  }

  /** A header field: printable US-ASCII without spaces, at most {@code max} characters, else the nil value "-". */
  private static String header(String value, int max) {
    if (value == null || value.isEmpty() || value.length() > max) {
      return "-";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 33 || c > 126) {
        return "-";
      }
    }
    return value;
  }
}

package io.switchboard.gateway.audit;

import io.switchboard.audit.AuditRecord;
import io.vertx.core.Future;

import java.util.List;

/**
 * Somewhere the {@link AuditForwarder} delivers every tenant's audit records, for a SIEM: an HTTP
 * collector ({@link WebhookRecordSink}) or a syslog receiver ({@link SyslogRecordSink}). Each sink
 * has cursors of its own, so several run side by side, each receiving every record.
 */
public interface AuditRecordSink {

  /** The sink's kind, the value of the forwarding metrics' {@code sink} label: {@code webhook} or {@code syslog}. */
  String kind();

  /**
   * The name the sink's cursors are kept under (its URL or address): a receiver configured anew gets
   * every chain from its first record. Never holds a credential.
   */
  String cursor();

  /** How logs name the sink: its cursor, unless that may hold a secret (a webhook URL's query). */
  default String displayName() {
    return cursor();
  }

  /**
   * Delivers one tenant's next records, in chain order, from the event loop without blocking; succeeds
   * only when the sink has taken them as far as its protocol can tell, and only then does the cursor move.
   */
  Future<Void> deliver(List<AuditRecord> records);

  /** Lets go of whatever the sink holds open. */
  default void close() {
  }
}

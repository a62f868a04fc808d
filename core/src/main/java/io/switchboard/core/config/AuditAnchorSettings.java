package io.switchboard.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the gateway writes the audit chains' anchors (signed chain heads kept outside the database),
 * how often, and where else it publishes them: a record newer than the last anchor can be deleted
 * from the end of its chain unnoticed, so the interval bounds that window.
 *
 * @param file     {@code SWITCHBOARD_AUDIT_ANCHOR_FILE}, default {@code <data dir>/audit-anchors.jsonl};
 *                 put it where the database's administrators cannot write (another volume, a host
 *                 path shipped off the machine)
 * @param interval {@code SWITCHBOARD_AUDIT_ANCHOR_SECONDS}, default 10
 * @param webhook  {@value #WEBHOOK_VARIABLE}: an http(s) URL every round of new anchors is posted to
 *                 (a SIEM, a transparency service, another organisation's store); unset, none
 */
public record AuditAnchorSettings(Path file, Duration interval, Optional<URI> webhook) {

  public static final String FILE_NAME = "audit-anchors.jsonl";
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final String WEBHOOK_VARIABLE = "SWITCHBOARD_AUDIT_ANCHOR_WEBHOOK_URL";

  /** Checks a value of {@value #WEBHOOK_VARIABLE}: an absolute http or https URL with a host. */
  public static URI webhook(String value) {
    return OutboundUrl.parse(WEBHOOK_VARIABLE, value);
  }

  @Override
  public String toString() {
    return "AuditAnchorSettings[file=" + file + ", interval=" + interval + ", webhook="
        + webhook.map(OutboundUrl::forDisplay) + "]";
  }
}

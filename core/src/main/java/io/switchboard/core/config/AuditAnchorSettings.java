package io.switchboard.core.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the gateway writes the audit chains' anchors (chain heads kept outside the database) and how
 * often: a record newer than the last anchor can be deleted from the end of its chain unnoticed, so
 * the interval bounds that window.
 *
 * @param file     {@code SWITCHBOARD_AUDIT_ANCHOR_FILE}, default {@code <data dir>/audit-anchors.jsonl};
 *                 put it where the database's administrators cannot write (another volume, a host
 *                 path shipped off the machine)
 * @param interval {@code SWITCHBOARD_AUDIT_ANCHOR_SECONDS}, default 10
 */
public record AuditAnchorSettings(Path file, Duration interval) {

  public static final String FILE_NAME = "audit-anchors.jsonl";
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
}

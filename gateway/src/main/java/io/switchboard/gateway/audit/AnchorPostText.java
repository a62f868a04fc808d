package io.switchboard.gateway.audit;

import io.switchboard.audit.AnchorSigningKey;
import io.switchboard.audit.AuditAnchors;
import io.switchboard.gateway.notify.Notification;
import io.switchboard.gateway.notify.NotificationTarget;

/**
 * What a tenant's anchor channel shows for one signed anchor: the chain head's sequence number and
 * hash, when it was anchored, the Ed25519 signature and key, how to check it, and the anchor's JSON
 * line, which {@code switchboard audit verify-export --anchors} reads as it is.
 */
final class AnchorPostText {

  /** The notification's source, shown under the message. */
  static final String SOURCE = "switchboard audit";

  private AnchorPostText() {
  }

  /** The dedup key of the anchor's post: one per anchored seq. */
  static String key(AuditAnchors.Anchor anchor) {
    return "switchboard:audit-anchor:" + anchor.seq();
  }

  /** An {@code info} notification keyed by the anchored seq, so each head is its own message. */
  static Notification of(AuditAnchors.Anchor anchor, AnchorSigningKey key, NotificationTarget target) {
    String text = "Head hash: " + anchor.hash() + "\n"
        + "Anchored at: " + anchor.at() + "\n"
        + "Signature (Ed25519, key " + key.keyId() + "): " + anchor.signature() + "\n"
        + "To verify: keep this line, export the log (switchboard audit export) and run switchboard audit "
        + "verify-export --anchor-key <switchboard audit anchor-key> --anchors <file with the line> <export>; "
        + "check the key id against the one your operator published.\n"
        + anchor.toJson(key.keyId()).encode();
    return new Notification(key(anchor), target, "Audit chain anchored at record " + anchor.seq(),
        text, "info", Notification.FIRING, SOURCE);
  }
}

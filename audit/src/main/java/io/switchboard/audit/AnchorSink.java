package io.switchboard.audit;

import java.util.List;

/**
 * Somewhere signed anchors are published besides the anchor file and the log, so that a copy lives
 * outside the deployment's hands (a webhook). It is given each round of new anchors as they are
 * written, on the event loop, and must not block.
 */
public interface AnchorSink {

  /** Takes the round's anchors, signed with {@code key}; delivery is the sink's business. */
  void publish(List<AuditAnchors.Anchor> anchors, AnchorSigningKey key);
}

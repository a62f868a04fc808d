package io.switchboard.audit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Anchors are signed with an Ed25519 key every node derives alike from the audit key")
class AnchorSigningKeyTest {

  private static final AuditKey KEY = AuditKey.of("anchor-signing-test-key-of-32-bytes!!".getBytes());
  private static final AuditAnchors.Anchor ANCHOR =
      new AuditAnchors.Anchor("acme", 7, "ab".repeat(32), Instant.parse("2026-12-05T10:00:00Z"));

  @Test
  @DisplayName("the same audit key gives the same key pair on every node; another gives another")
  void derivedAlike() {
    assertThat(AnchorSigningKey.derivedFrom(KEY).publicKeyHex())
        .isEqualTo(AnchorSigningKey.derivedFrom(AuditKey.of("anchor-signing-test-key-of-32-bytes!!".getBytes()))
            .publicKeyHex())
        .isNotEqualTo(AnchorSigningKey.derivedFrom(AuditKey.of("another-audit-key-of-at-least-32-bytes".getBytes()))
            .publicKeyHex())
        .hasSize(64);
    assertThat(AnchorSigningKey.derivedFrom(KEY).keyId()).hasSize(16);
  }

  @Test
  @DisplayName("a signature checks with the public key only for the anchor it was made for")
  void verifies() {
    AnchorSigningKey key = AnchorSigningKey.derivedFrom(KEY);
    String signature = key.sign(ANCHOR);
    assertThat(AnchorSigningKey.verify(key.publicKeyHex(), ANCHOR, signature)).isTrue();
    assertThat(AnchorSigningKey.verify(key.publicKeyHex(),
        new AuditAnchors.Anchor("acme", 8, ANCHOR.hash(), ANCHOR.at()), signature)).isFalse();
    assertThat(AnchorSigningKey.verify(key.publicKeyHex(),
        new AuditAnchors.Anchor("globex", 7, ANCHOR.hash(), ANCHOR.at()), signature)).isFalse();
    assertThat(AnchorSigningKey.verify(AnchorSigningKey.derivedFrom(
        AuditKey.of("another-audit-key-of-at-least-32-bytes".getBytes())).publicKeyHex(), ANCHOR, signature)).isFalse();
    assertThat(AnchorSigningKey.verify(key.publicKeyHex(), ANCHOR, null)).isFalse();
    assertThat(AnchorSigningKey.verify("not hex", ANCHOR, signature)).isFalse();
  }
}

package io.switchboard.deploy;

import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.SecretStoreSettings;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One master key shared by the nodes and processes of a test run, as nodes sharing a database must,
 * and a place under {@code target/} for each node's audit anchors (not the default {@code ./data}).
 */
final class TestSecrets {

  static final String MASTER_KEY = "c3dpdGNoYm9hcmQtdGVzdC1tYXN0ZXIta2V5LTMyYiE=";

  static final SecretStoreSettings SETTINGS = new SecretStoreSettings(
      SecretStoreSettings.Backend.LOCAL, Optional.of(MasterKey.fromBase64(MASTER_KEY)), Optional.empty());

  private TestSecrets() {
  }

  /** A fresh anchor file for one node under {@code target/audit-anchors}. */
  static String anchorFile() {
    return Path.of("target", "audit-anchors", "node-" + System.nanoTime() + ".jsonl").toString();
  }
}

package io.switchboard.deploy;

import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.SecretStoreSettings;

import java.util.Optional;

/** One master key shared by the nodes and processes of a test run, as nodes sharing a database must. */
final class TestSecrets {

  static final String MASTER_KEY = "c3dpdGNoYm9hcmQtdGVzdC1tYXN0ZXIta2V5LTMyYiE=";

  static final SecretStoreSettings SETTINGS = new SecretStoreSettings(
      SecretStoreSettings.Backend.LOCAL, Optional.of(MasterKey.fromBase64(MASTER_KEY)), Optional.empty());

  private TestSecrets() {
  }
}

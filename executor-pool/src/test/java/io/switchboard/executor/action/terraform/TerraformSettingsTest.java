package io.switchboard.executor.action.terraform;

import io.switchboard.executor.action.ActionRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TerraformSettingsTest {

  @TempDir
  Path dir;

  @Test
  void defaultsTakeTerraformFromThePathAndRefuseJobsWithoutAWorkspacesDirectory() {
    TerraformSettings none = TerraformSettings.fromEnv(Map.of("PATH", "/usr/local/bin:/usr/bin:relative/bin"));

    assertThat(none.binary()).isEqualTo("terraform");
    assertThat(none.searchPath()).containsExactly(Path.of("/usr/local/bin"), Path.of("/usr/bin"));
    assertThat(none.workspacesDir()).isNull();
    assertThat(none.dataDir()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "switchboard-terraform"));
    assertThat(none.pluginCacheDir()).isNull();
    assertThat(none.outputLimitBytes()).isEqualTo(65536);
    assertThat(none.killGrace()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void everySettingIsRead() {
    TerraformSettings set = TerraformSettings.fromEnv(Map.of(
        TerraformSettings.BIN, "/opt/terraform/bin/terraform",
        TerraformSettings.WORKSPACES_DIR, "/srv/terraform/workspaces",
        TerraformSettings.DATA_DIR, "/var/lib/switchboard/terraform",
        TerraformSettings.PLUGIN_CACHE_DIR, "/var/cache/terraform-plugins",
        TerraformSettings.OUTPUT_LIMIT_BYTES, "4096",
        TerraformSettings.KILL_GRACE_MILLIS, "30000"));

    assertThat(set.binary()).isEqualTo("/opt/terraform/bin/terraform");
    assertThat(set.workspacesDir()).isEqualTo(Path.of("/srv/terraform/workspaces"));
    assertThat(set.dataDir()).isEqualTo(Path.of("/var/lib/switchboard/terraform"));
    assertThat(set.pluginCacheDir()).isEqualTo(Path.of("/var/cache/terraform-plugins"));
    assertThat(set.outputLimitBytes()).isEqualTo(4096);
    assertThat(set.killGrace()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aBadValueFailsStartUpNamingTheVariable() {
    assertBad(TerraformSettings.BIN, "bin/terraform");
    assertBad(TerraformSettings.BIN, "terraform -chdir=/");
    assertBad(TerraformSettings.WORKSPACES_DIR, "workspaces");
    assertBad(TerraformSettings.DATA_DIR, "data");
    assertBad(TerraformSettings.PLUGIN_CACHE_DIR, "cache");
    assertBad(TerraformSettings.OUTPUT_LIMIT_BYTES, "0");
    assertBad(TerraformSettings.OUTPUT_LIMIT_BYTES, "64k");
    assertBad(TerraformSettings.KILL_GRACE_MILLIS, "0");
    assertBad(TerraformSettings.KILL_GRACE_MILLIS, "-1");
    assertThatThrownBy(() -> TerraformSettings.fromEnv(Map.of(TerraformSettings.WORKSPACES_DIR, "/srv/tf",
        TerraformSettings.DATA_DIR, "/srv/tf/data")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(TerraformSettings.DATA_DIR)
        .hasMessageContaining(TerraformSettings.WORKSPACES_DIR);
  }

  @Test
  void aMissingBinaryIsNoStartUpErrorAndIsLookedUpInThePath() throws IOException {
    Path bin = dir.resolve("bin");
    Files.createDirectories(bin);
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    Files.writeString(other.resolve("terraform"), "not executable");
    Path terraform = bin.resolve("terraform");
    Files.writeString(terraform, "#!/bin/sh\n");
    Files.setPosixFilePermissions(terraform, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThat(TerraformSettings.fromEnv(Map.of("PATH", other + ":" + bin)).locateBinary()).contains(terraform);
    assertThat(TerraformSettings.fromEnv(Map.of("PATH", other.toString())).locateBinary()).isEmpty();
    assertThat(TerraformSettings.fromEnv(Map.of(TerraformSettings.BIN, terraform.toString())).locateBinary())
        .contains(terraform);
    assertThat(TerraformSettings.fromEnv(Map.of(TerraformSettings.BIN, bin.resolve("nope").toString()))
        .locateBinary()).isEmpty();
  }

  @Test
  void theActionIsInstalledAndABadSettingFailsTheRegistry() {
    assertThat(ActionRegistry.installed(Map.of()).find("terraform")).containsInstanceOf(TerraformAction.class);
    assertThatThrownBy(() -> ActionRegistry.installed(Map.of(TerraformSettings.KILL_GRACE_MILLIS, "soon")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(TerraformSettings.KILL_GRACE_MILLIS);
  }

  private static void assertBad(String variable, String value) {
    assertThatThrownBy(() -> TerraformSettings.fromEnv(Map.of(variable, value)))
        .as(variable + "=" + value)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(variable);
  }
}

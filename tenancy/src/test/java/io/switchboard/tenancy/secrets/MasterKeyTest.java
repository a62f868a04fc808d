package io.switchboard.tenancy.secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MasterKeyTest {

  @TempDir
  Path dataDir;

  @Test
  void aBase64KeyOf32BytesIsAccepted() {
    byte[] raw = new byte[32];
    raw[0] = 7;
    String base64 = Base64.getEncoder().encodeToString(raw);
    MasterKey key = MasterKey.fromBase64(" " + base64 + "\n");
    assertThat(key.secretKey().getEncoded()).isEqualTo(raw);
    assertThat(key.secretKey().getAlgorithm()).isEqualTo("AES");
    assertThat(key.id()).matches("[0-9a-f]{12}").isEqualTo(MasterKey.fromBase64(base64).id());
    assertThat(key.id()).isNotEqualTo(MasterKey.generate().id());
    assertThat(key.toString()).doesNotContain(base64).contains(key.id());
  }

  @Test
  void derivedKeysAreTheSameForTheSameMasterKeyAndPurposeOnly() {
    String base64 = Base64.getEncoder().encodeToString("a master key of thirty-two bytes".getBytes());
    byte[] audit = MasterKey.fromBase64(base64).derive("audit");
    assertThat(audit).hasSize(32).isEqualTo(MasterKey.fromBase64(base64).derive("audit"));
    assertThat(MasterKey.fromBase64(base64).derive("other")).isNotEqualTo(audit);
    assertThat(MasterKey.generate().derive("audit")).isNotEqualTo(audit);
    assertThat(audit).isNotEqualTo("a master key of thirty-two bytes".getBytes());
  }

  @Test
  void aKeyOfAnotherLengthIsRefusedNamingTheVariable() {
    for (int length : new int[] {0, 16, 31, 33, 64}) {
      String base64 = Base64.getEncoder().encodeToString(new byte[length]);
      assertThatThrownBy(() -> MasterKey.fromBase64(base64))
          .as("%d bytes", length)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("SWITCHBOARD_MASTER_KEY")
          .hasMessageContaining("exactly 32 bytes")
          .hasMessageContaining(length + " bytes");
    }
  }

  @Test
  void aKeyThatIsNotBase64IsRefusedWithoutEchoingIt() {
    String notBase64 = "this is not base64 at all! my-precious-key";
    assertThatThrownBy(() -> MasterKey.fromBase64(notBase64))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SWITCHBOARD_MASTER_KEY is not valid base64")
        .hasMessageContaining("openssl rand -base64 32")
        .message().doesNotContain("my-precious-key");
  }

  @Test
  void theKeyFileIsCreatedOwnerOnlyAndReusedLater() throws Exception {
    Path file = dataDir.resolve("nested").resolve(MasterKey.FILE_NAME);
    MasterKey created = MasterKey.load(Optional.empty(), file.getParent());
    assertThat(file).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
    try (var siblings = Files.list(file.getParent())) {
      assertThat(siblings).as("no temporary file left behind").containsExactly(file);
    }

    MasterKey again = MasterKey.load(Optional.empty(), file.getParent());
    assertThat(again.id()).isEqualTo(created.id());
    assertThat(again.secretKey().getEncoded()).isEqualTo(created.secretKey().getEncoded());
  }

  @Test
  void nodesStartingTogetherAgreeOnOneKey() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      Callable<String> load = () -> MasterKey.loadOrCreate(dataDir.resolve(MasterKey.FILE_NAME)).id();
      java.util.List<Future<String>> ids = threads.invokeAll(IntStream.range(0, 8).mapToObj(i -> load).toList());
      String first = ids.get(0).get();
      for (Future<String> id : ids) {
        assertThat(id.get()).isEqualTo(first);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void theVariableWinsOverTheKeyFile() {
    MasterKey fromFile = MasterKey.loadOrCreate(dataDir.resolve(MasterKey.FILE_NAME));
    MasterKey fromEnv = MasterKey.generate();
    assertThat(MasterKey.load(Optional.of(fromEnv), dataDir)).isSameAs(fromEnv);
    assertThat(fromEnv.id()).isNotEqualTo(fromFile.id());

    Path empty = dataDir.resolve("elsewhere");
    MasterKey.load(Optional.of(fromEnv), empty);
    assertThat(empty.resolve(MasterKey.FILE_NAME)).as("no key file is made when the variable is set").doesNotExist();
  }

  @Test
  void aDamagedKeyFileIsRefusedNamingTheFile() throws Exception {
    Path file = dataDir.resolve(MasterKey.FILE_NAME);
    Files.writeString(file, Base64.getEncoder().encodeToString(new byte[20]));
    assertThatThrownBy(() -> MasterKey.loadOrCreate(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("exactly 32 bytes");
    Files.writeString(file, "%%%");
    assertThatThrownBy(() -> MasterKey.loadOrCreate(file))
        .hasMessageContaining(file.toString()).hasMessageContaining("not valid base64");
    assertThat(Files.readString(file)).as("a damaged key file is never replaced").isEqualTo("%%%");
  }
}

package io.switchboard.deploy;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tukaani.xz.XZInputStream;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The packaged {@code switchboard.jar} (failsafe runs this after {@code package}) starts its embedded
 * PostgreSQL on every platform the README promises: it holds the archive zonky unpacks there, and
 * the resolver inside the jar picks it.
 */
@DisplayName("switchboard.jar packs embedded PostgreSQL for each supported platform")
class PackagedPostgresBinariesIT {

  private static final Path JAR = Path.of(System.getProperty("switchboard.jar", "target/switchboard.jar"));

  private static final String MAC_ARCHIVE = "postgres-darwin-x86_64.txz";
  private static final int CPU_TYPE_X86_64 = 0x01000007;
  private static final int CPU_TYPE_ARM64 = 0x0100000C;

  @BeforeAll
  static void jarIsBuilt() {
    assertThat(JAR).as("the packaged jar (mvn package builds it)").isRegularFile();
  }

  /**
   * Each platform as zonky's {@code EmbeddedPostgres} names it to the resolver (system from
   * {@code os.name}; {@code os.arch} with {@code amd64} turned into {@code x86_64}) and the archive
   * it must get. Both Macs get the one universal archive.
   */
  static Stream<Arguments> platforms() {
    return Stream.of(
        arguments("Linux", "x86_64", "postgres-linux-x86_64.txz"),
        arguments("Linux", "aarch64", "postgres-linux-arm_64.txz"),
        arguments("Darwin", "x86_64", MAC_ARCHIVE),
        arguments("Darwin", "aarch64", MAC_ARCHIVE),
        arguments("Windows", "x86_64", "postgres-windows-x86_64.txz"));
  }

  @ParameterizedTest(name = "{0} {1} gets {2}")
  @MethodSource("platforms")
  void theResolverInTheJarFindsThePlatformsArchive(String system, String arch, String archive) throws Exception {
    String expected;
    try (JarFile jar = new JarFile(JAR.toFile())) {
      ZipEntry entry = jar.getEntry(archive);
      assertThat(entry).as("%s in %s", archive, JAR).isNotNull();
      try (InputStream in = jar.getInputStream(entry)) {
        assertThat(in.readNBytes(6)).as("%s starts as an xz stream", archive)
            .containsExactly(0xFD, '7', 'z', 'X', 'Z', 0x00);
      }
      try (InputStream in = jar.getInputStream(entry)) {
        expected = sha256(in);
      }
    }

    // The jar alone on the class path, as with java -jar: the resolver and zonky's lookup come from it.
    try (URLClassLoader loader = new URLClassLoader(new URL[] {JAR.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      Class<?> resolverClass = loader.loadClass("io.switchboard.core.db.PostgresBinaries");
      Object resolver = resolverClass.getField("INSTANCE").get(null);
      Method getPgBinary = resolverClass.getMethod("getPgBinary", String.class, String.class);
      try (InputStream in = (InputStream) getPgBinary.invoke(resolver, system, arch)) {
        assertThat(sha256(in)).as("what the resolver returns for %s %s is %s", system, arch, archive)
            .isEqualTo(expected);
      }
    }
  }

  /** Apple Silicon runs the one Mac archive natively only if its programs carry an arm64 slice. */
  @Test
  void theMacArchiveHoldsUniversalBinaries() throws IOException {
    Set<String> wanted = new HashSet<>(Set.of("bin/initdb", "bin/pg_ctl", "bin/postgres"));
    try (JarFile jar = new JarFile(JAR.toFile())) {
      ZipEntry entry = jar.getEntry(MAC_ARCHIVE);
      assertThat(entry).as("%s in %s", MAC_ARCHIVE, JAR).isNotNull();
      try (TarArchiveInputStream tar = new TarArchiveInputStream(
          new XZInputStream(jar.getInputStream(entry)))) {
        TarArchiveEntry file;
        while (!wanted.isEmpty() && (file = tar.getNextEntry()) != null) {
          if (wanted.remove(file.getName())) {
            assertThat(fatArchitectures(new DataInputStream(tar)))
                .as("%s in %s is a universal binary; if not, pack darwin-arm64v8 as well", file.getName(), MAC_ARCHIVE)
                .contains(CPU_TYPE_X86_64, CPU_TYPE_ARM64);
          }
        }
      }
    }
    assertThat(wanted).as("programs missing from %s", MAC_ARCHIVE).isEmpty();
  }

  /** The CPU types of a Mach-O universal ("fat") file; empty when it is not one. */
  private static Set<Integer> fatArchitectures(DataInputStream in) throws IOException {
    int magic = in.readInt();
    boolean fat64 = magic == 0xCAFEBABF;
    if (magic != 0xCAFEBABE && !fat64) {
      return Set.of();
    }
    int count = in.readInt();
    Set<Integer> types = new HashSet<>();
    for (int i = 0; i < count; i++) {
      types.add(in.readInt());
      in.skipNBytes(fat64 ? 28 : 16);  // cpusubtype, offset, size, align (and reserved)
    }
    return types;
  }

  private static String sha256(InputStream in) throws IOException {
    try {
      DigestInputStream digesting = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"));
      digesting.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(digesting.getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

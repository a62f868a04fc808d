package io.switchboard.core.db;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;

import java.io.IOException;
import java.io.InputStream;

/**
 * Finds the embedded PostgreSQL archive for this machine on the class path: zonky's own lookup of
 * {@code postgres-<system>-<arch>.txz} ({@code postgres-linux-x86_64.txz},
 * {@code postgres-linux-arm_64.txz}, {@code postgres-windows-x86_64.txz}), except on macOS.
 *
 * <p>zonky's macOS archives hold universal binaries (x86_64 and arm64 slices in each file), and its
 * {@code darwin-amd64} and {@code darwin-arm64v8} artifacts carry the same 62 MB archive under two
 * names. The jar packs it once, as {@code postgres-darwin-x86_64.txz}, and both Mac architectures
 * use it, natively. zonky alone would find it on Apple Silicon too, but only through its fallback
 * for missing ARM binaries, which warns that x86-64 emulation is needed.
 */
public final class PostgresBinaries implements PgBinaryResolver {

  /** One instance: zonky caches unpacked binaries per resolver. */
  public static final PostgresBinaries INSTANCE = new PostgresBinaries();

  /** The architecture name of the one (universal) macOS archive. */
  static final String MAC_ARCHIVE_ARCH = "x86_64";

  private PostgresBinaries() {
  }

  /**
   * @param system as zonky names it: {@code Linux}, {@code Darwin} or {@code Windows}
   * @param machineHardware {@code x86_64} for amd64, otherwise {@code os.arch} (e.g. {@code aarch64})
   */
  @Override
  public InputStream getPgBinary(String system, String machineHardware) throws IOException {
    String hardware = "Darwin".equals(system) ? MAC_ARCHIVE_ARCH : machineHardware;
    return DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, hardware);
  }
}

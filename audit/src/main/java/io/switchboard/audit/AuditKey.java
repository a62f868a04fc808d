package io.switchboard.audit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The key of the audit chain: each record's hash is an HMAC-SHA256 under it, and so is each anchor
 * ({@link AuditAnchors}). The database never holds it, so someone who can rewrite the database can
 * delete and edit records but cannot make forged ones verify. Every node of a deployment must use
 * the same key; the node derives it from its master key at start-up ({@code SwitchboardNode}).
 *
 * <p>The key is installed once per process ({@link #install}) rather than handed to every writer:
 * records are appended inside their callers' transactions from many places in three modules, and a
 * process has one key for its whole life. Until a key is installed (unit tests that do not care)
 * records are written unkeyed, with a plain SHA-256, and the verifier reports them as such.
 */
public final class AuditKey {

  private static final String ALGORITHM = "HmacSHA256";
  private static volatile AuditKey installed;

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  private AuditKey(byte[] raw) {
    if (raw.length < 32) {
      throw new IllegalArgumentException("an audit key needs at least 32 bytes");
    }
    this.key = new SecretKeySpec(raw, ALGORITHM);
    Arrays.fill(raw, (byte) 0);
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** A key from raw bytes (copied, then the given array is cleared). */
  public static AuditKey of(byte[] raw) {
    return new AuditKey(raw.clone());
  }

  /** Makes {@code key} the key every record of this process is written and verified with (null: none, for tests). */
  public static void install(AuditKey key) {
    installed = key;
  }

  /** The key of this process, if one was installed. */
  public static Optional<AuditKey> installed() {
    return Optional.ofNullable(installed);
  }

  /** The HMAC-SHA256 of the text, hex encoded. */
  public String mac(String text) {
    return HexFormat.of().formatHex(macs.get().doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "AuditKey[hidden]";
  }
}

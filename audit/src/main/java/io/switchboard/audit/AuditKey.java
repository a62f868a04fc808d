package io.switchboard.audit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The key of the audit chain. Each anchor ({@link AuditAnchors}) is an HMAC-SHA256 under it, and so is
 * each record's hash, under the tenant's own chain key derived from it ({@link #forTenant}): a tenant,
 * or an auditor it hands its chain key to, can re-verify an export of its chain without this key, and
 * learns nothing of other tenants' keys. The database never holds either, so someone who can rewrite
 * the database can delete and edit records but cannot make forged ones verify. Every node of a
 * deployment must use the same key; the node derives it from its master key at start-up
 * ({@code SwitchboardNode}).
 *
 * <p>The key is installed once per process ({@link #install}) rather than handed to every writer:
 * records are appended inside their callers' transactions from many places in three modules, and a
 * process has one key for its whole life. Until a key is installed (unit tests that do not care)
 * records are written unkeyed, with a plain SHA-256, and the verifier reports them as such.
 */
public final class AuditKey {

  private static final String ALGORITHM = "HmacSHA256";
  private static final String TENANT_CHAIN_PURPOSE = "switchboard audit tenant chain v1:";
  private static volatile AuditKey installed;

  private final SecretKeySpec key;

  private AuditKey(byte[] raw) {
    if (raw.length < 32) {
      throw new IllegalArgumentException("an audit key needs at least 32 bytes");
    }
    this.key = new SecretKeySpec(raw, ALGORITHM);
    Arrays.fill(raw, (byte) 0);
  }

  /** A key from its hex encoding, as {@link #hex()} gives it (a tenant's chain key handed to an auditor). */
  public static AuditKey ofHex(String hex) {
    return new AuditKey(HexFormat.of().parseHex(hex.strip()));
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
    return HexFormat.of().formatHex(rawMac(text));
  }

  /**
   * The tenant's chain key: the HMAC of the tenant id under this key. Records of the tenant are
   * hashed with it; handing it out lets its holder check (and forge) that tenant's records only.
   */
  public AuditKey forTenant(String tenantId) {
    return new AuditKey(rawMac(TENANT_CHAIN_PURPOSE + tenantId));
  }

  /** The key's bytes, hex encoded: only for handing a tenant its own chain key. */
  public String hex() {
    return HexFormat.of().formatHex(key.getEncoded());
  }

  private byte[] rawMac(String text) {
    return newMac().doFinal(text.getBytes(StandardCharsets.UTF_8));
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

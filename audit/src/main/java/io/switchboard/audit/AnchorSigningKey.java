package io.switchboard.audit;

import io.vertx.core.json.JsonArray;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The Ed25519 key anchors are signed with ({@link AuditAnchors}), so that anyone holding the public
 * key, a tenant or an auditor as much as the operator, can tell a published chain head came from the
 * deployment, and a database superuser cannot make one up. Every node derives the same key pair from
 * the audit key, so one public key ({@link #publicKeyHex()}, {@code GET /api/v1/audit/anchor-key})
 * checks every node's anchors.
 */
public final class AnchorSigningKey {

  private static final String PURPOSE = "switchboard audit anchor signing v1";
  private static final String ALGORITHM = "Ed25519";
  /** The DER prefix of an X.509 SubjectPublicKeyInfo for a raw 32-byte Ed25519 key. */
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private final KeyPair pair;

  private AnchorSigningKey(KeyPair pair) {
    this.pair = pair;
  }

  /**
   * The key pair derived from the audit key. Java has no call that derives an Ed25519 public key from
   * a private one, but its key pair generator takes the private key as the 32 bytes it draws from the
   * random source it is given; a source that yields the derived seed makes the pair deterministic.
   */
  public static AnchorSigningKey derivedFrom(AuditKey auditKey) {
    byte[] seed = HexFormat.of().parseHex(auditKey.forTenant(PURPOSE).hex());
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
      generator.initialize(NamedParameterSpec.ED25519, new SeedSource(seed));
      return new AnchorSigningKey(generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available", e);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** The signature, base64, over the anchor's canonical text. */
  public String sign(AuditAnchors.Anchor anchor) {
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initSign(pair.getPrivate());
      signature.update(signedText(anchor));
      return Base64.getEncoder().encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign an anchor with Ed25519", e);
    }
  }

  /** The raw 32-byte public key, hex encoded. */
  public String publicKeyHex() {
    return publicKeyHex(pair.getPublic());
  }

  /** A short name of the public key: the first 16 hex digits of its SHA-256. */
  public String keyId() {
    return keyId(publicKeyHex());
  }

  /** Whether {@code signatureBase64} is the signature of the anchor under the raw public key {@code publicKeyHex}. */
  public static boolean verify(String publicKeyHex, AuditAnchors.Anchor anchor, String signatureBase64) {
    try {
      byte[] raw = HexFormat.of().parseHex(publicKeyHex.strip());
      byte[] der = new byte[X509_PREFIX.length + raw.length];
      System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
      System.arraycopy(raw, 0, der, X509_PREFIX.length, raw.length);
      PublicKey key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initVerify(key);
      signature.update(signedText(anchor));
      return signature.verify(Base64.getDecoder().decode(signatureBase64));
    } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
      return false;
    }
  }

  /** The short name of a raw public key given in hex. */
  public static String keyId(String publicKeyHex) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(HexFormat.of().parseHex(publicKeyHex.strip()));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** What is signed: a JSON array naming what it is, the tenant, seq, hash and time. */
  static byte[] signedText(AuditAnchors.Anchor anchor) {
    return new JsonArray().add("switchboard audit anchor v1").add(anchor.tenantId()).add(anchor.seq())
        .add(anchor.hash()).add(anchor.at().toString()).encode().getBytes(StandardCharsets.UTF_8);
  }

  private static String publicKeyHex(PublicKey key) {
    byte[] der = key.getEncoded();
    return HexFormat.of().formatHex(Arrays.copyOfRange(der, der.length - 32, der.length));
  }

  @Override
  public String toString() {
    return "AnchorSigningKey[" + keyId() + "]";
  }

  /** A random source that yields the seed once, and refuses to be drawn from again. */
  private static final class SeedSource extends SecureRandom {
    private byte[] seed;

    SeedSource(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (seed == null || bytes.length != seed.length) {
        throw new IllegalStateException("the Ed25519 generator drew other than one 32-byte seed");
      }
      System.arraycopy(seed, 0, bytes, 0, bytes.length);
      Arrays.fill(seed, (byte) 0);
      seed = null;
    }
  }
}

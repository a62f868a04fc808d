package io.switchboard.gateway.discord;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * Discord's request signature: Ed25519 over {@code X-Signature-Timestamp} followed by the raw body,
 * sent hex-encoded in {@code X-Signature-Ed25519}, checked with the application's public key (32 raw
 * bytes, hex in the Developer Portal). Uses the JDK's Ed25519; anything malformed simply does not verify.
 */
public final class DiscordSignature {

  /** The DER prefix that makes a raw 32-byte Ed25519 key an X.509 SubjectPublicKeyInfo. */
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private DiscordSignature() {
  }

  /** Whether {@code signatureHex} is the signature of {@code timestamp + body} under {@code publicKeyHex}. */
  public static boolean verify(String publicKeyHex, String timestamp, byte[] body, String signatureHex) {
    try {
      byte[] signature = HexFormat.of().parseHex(signatureHex);
      if (signature.length != 64) {
        return false;
      }
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(publicKey(publicKeyHex));
      verifier.update(timestamp.getBytes(StandardCharsets.UTF_8));
      verifier.update(body);
      return verifier.verify(signature);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return false;
    }
  }

  /** The JDK key for a raw Ed25519 public key given as 64 hex digits. */
  static PublicKey publicKey(String hex) throws GeneralSecurityException {
    byte[] raw = HexFormat.of().parseHex(hex);
    if (raw.length != 32) {
      throw new GeneralSecurityException("an Ed25519 public key has 32 bytes, not " + raw.length);
    }
    byte[] encoded = new byte[X509_PREFIX.length + raw.length];
    System.arraycopy(X509_PREFIX, 0, encoded, 0, X509_PREFIX.length);
    System.arraycopy(raw, 0, encoded, X509_PREFIX.length, raw.length);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
  }
}

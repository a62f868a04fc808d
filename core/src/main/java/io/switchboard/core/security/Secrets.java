package io.switchboard.core.security;

import org.apache.commons.codec.digest.DigestUtils;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Generation, hashing and constant-time comparison of tokens and secrets. */
public final class Secrets {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {
  }

  /** A new random secret of {@code bytes} bytes, hex encoded, with a readable prefix. */
  public static String generate(String prefix, int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return prefix + HexFormat.of().formatHex(raw);
  }

  /** The SHA-256 of a token, hex encoded: what is stored instead of the token. */
  public static String hash(String token) {
    return DigestUtils.sha256Hex(token);
  }

  /** Compares two strings without leaking where they differ through timing. */
  public static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}

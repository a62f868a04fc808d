package io.switchboard.gateway.slack;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Slack's request signing, version {@code v0}: {@code v0=} + hex HMAC-SHA256 of
 * {@code v0:{timestamp}:{raw body}} keyed with the app's signing secret, and a timestamp no more than
 * five minutes from now in either direction. Comparison is constant-time.
 */
public final class SlackSignature {

  public static final Duration MAX_CLOCK_DISTANCE = Duration.ofMinutes(5);
  private static final String VERSION = "v0";
  private static final byte[] PREFIX = (VERSION + ":").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SEPARATOR = {':'};

  /**
   * One {@code Mac} per thread, keyed afresh for each request: {@code Mac.getInstance} looks the
   * algorithm up among the security providers every time, 4% of a {@code help} request's CPU.
   */
  private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  });

  private SlackSignature() {
  }

  /** The signature Slack would send for this body. */
  public static String sign(String signingSecret, String timestamp, byte[] body) {
    Mac mac = MACS.get();
    try {
      mac.init(new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("an HmacSHA256 key cannot be refused", e);
    }
    mac.update(PREFIX);
    mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
    mac.update(SEPARATOR);
    return VERSION + "=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  /** True when {@code signature} is the right one for the body; constant-time in the signature. */
  public static boolean matches(String signingSecret, String timestamp, byte[] body, String signature) {
    byte[] expected = sign(signingSecret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
  }

  /** True when the header is a whole number of seconds within five minutes of {@code now}. */
  public static boolean isFresh(String timestamp, Instant now) {
    long seconds;
    try {
      seconds = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return false;
    }
    return Math.abs(now.getEpochSecond() - seconds) <= MAX_CLOCK_DISTANCE.toSeconds();
  }
}

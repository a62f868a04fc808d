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

  private SlackSignature() {
  }

  /** The signature Slack would send for this body. */
  public static String sign(String signingSecret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((VERSION + ":" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
      return VERSION + "=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
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

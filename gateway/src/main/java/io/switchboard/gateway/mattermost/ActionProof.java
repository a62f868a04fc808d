package io.switchboard.gateway.mattermost;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The proof in a Switchboard button's context that Switchboard made the button for this team:
 * HMAC-SHA256, under the installation's own button key ({@link MattermostCredentials#actionKey}), of
 * the team, the button's action and its value. Mattermost sends a click to {@code /mattermost/actions}
 * without a signature of its own, so a click whose context does not carry this proof is refused
 * before anything but the team's key is looked up; a context made for one team proves nothing for
 * another, and one made for one approval or job proves nothing for another.
 */
public final class ActionProof {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private ActionProof() {
  }

  /** A new button key: 32 random bytes, base64url. */
  public static String newKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return ENCODER.encodeToString(key);
  }

  public static String sign(String key, String teamId, String action, String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String signed = "switchboard-mattermost-action\n" + teamId + "\n" + action + "\n" + value;
      return ENCODER.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** Whether {@code proof} is the proof of this button, compared in constant time. */
  public static boolean verify(String key, String teamId, String action, String value, String proof) {
    return MessageDigest.isEqual(sign(key, teamId, action, value).getBytes(StandardCharsets.UTF_8),
        proof.getBytes(StandardCharsets.UTF_8));
  }
}

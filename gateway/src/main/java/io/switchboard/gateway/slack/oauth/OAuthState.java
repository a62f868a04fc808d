package io.switchboard.gateway.slack.oauth;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The OAuth {@code state} of a Slack installation: a random nonce, an expiry and, when a tenant's
 * admin started the installation, that tenant; signed with HMAC-SHA256 under a server secret, so the
 * callback can tell that it started the flow, recently ({@link #LIFETIME}), for whom. Form:
 * {@code base64url(json).base64url(hmac)}. Single use is enforced by {@link OAuthStateRedemptions}.
 */
public final class OAuthState {

  public static final Duration LIFETIME = Duration.ofMinutes(10);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  /** A state that verified: its nonce, when it expires, and the tenant to install into (if one was named). */
  public record Claims(String nonce, Instant expiresAt, Optional<String> tenantId) {
  }

  private final byte[] key;

  public OAuthState(String secret) {
    this.key = secret.getBytes(StandardCharsets.UTF_8);
  }

  /** A fresh state that expires {@link #LIFETIME} after {@code now}. */
  public String issue(Instant now) {
    return issue(now, Optional.empty());
  }

  /** A fresh state for installing into {@code tenantId} (or a new tenant when empty). */
  public String issue(Instant now, Optional<String> tenantId) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    return sign(HexFormat.of().formatHex(nonce), now.plus(LIFETIME), tenantId);
  }

  /** A state with the given nonce, expiry and tenant (tests use it to make expired ones). */
  public String sign(String nonce, Instant expiresAt, Optional<String> tenantId) {
    JsonObject claims = new JsonObject().put("n", nonce).put("exp", expiresAt.getEpochSecond());
    tenantId.ifPresent(tenant -> claims.put("t", tenant));
    String payload = ENCODER.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    return payload + "." + ENCODER.encodeToString(mac(payload));
  }

  /** The claims of a state this server signed and that has not expired at {@code now}; empty otherwise. */
  public Optional<Claims> verify(String state, Instant now) {
    if (state == null || state.length() > 512) {
      return Optional.empty();
    }
    int dot = state.indexOf('.');
    if (dot < 1) {
      return Optional.empty();
    }
    String payload = state.substring(0, dot);
    try {
      byte[] signature = Base64.getUrlDecoder().decode(state.substring(dot + 1));
      if (!MessageDigest.isEqual(signature, mac(payload))) {
        return Optional.empty();
      }
      JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
      Instant expiresAt = Instant.ofEpochSecond(claims.getLong("exp"));
      String nonce = claims.getString("n");
      return nonce == null || !now.isBefore(expiresAt) ? Optional.empty()
          : Optional.of(new Claims(nonce, expiresAt, Optional.ofNullable(claims.getString("t"))));
    } catch (IllegalArgumentException | DecodeException | ClassCastException | NullPointerException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}

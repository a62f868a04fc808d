package io.switchboard.gateway.discord;

import io.switchboard.testkit.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Discord interactions as Discord sends them to {@code POST /discord/interactions}: JSON payloads
 * (PING, application commands with a {@code text} option, button clicks) signed with an Ed25519 key
 * pair of the test's own ({@code X-Signature-Ed25519} over timestamp + body, {@code X-Signature-Timestamp}).
 */
public final class SignedInteraction {

  /** A Discord application of the test: its id and a fresh Ed25519 key pair. */
  public record App(String applicationId, KeyPair keys) {

    public static App generate(String applicationId) {
      try {
        return new App(applicationId, KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The raw public key as the Developer Portal shows it: 64 hex digits (the last 32 bytes of the X.509 form). */
    public String publicKeyHex() {
      byte[] encoded = keys.getPublic().getEncoded();
      return HexFormat.of().formatHex(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
    }

    public String sign(String timestamp, String body) {
      try {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(keys.getPrivate());
        signer.update((timestamp + body).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(signer.sign());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private SignedInteraction() {
  }

  static JsonObject ping(App app) {
    return new JsonObject().put("id", snowflake()).put("application_id", app.applicationId()).put("type", 1)
        .put("token", token()).put("version", 1);
  }

  /** {@code /ops text:<text>} typed by {@code user} in {@code channel} of {@code guild}. */
  public static JsonObject command(App app, String guild, String channel, String user, String text) {
    return new JsonObject().put("id", snowflake()).put("application_id", app.applicationId()).put("type", 2)
        .put("token", token()).put("version", 1).put("guild_id", guild).put("channel_id", channel)
        .put("member", new JsonObject().put("user", new JsonObject().put("id", user).put("username", "user" + user))
            .put("roles", new JsonArray()))
        .put("data", new JsonObject().put("id", snowflake()).put("name", "ops").put("type", 1)
            .put("options", new JsonArray().add(new JsonObject().put("name", "text").put("type", 3).put("value", text))));
  }

  /** A click on a button with {@code customId} by {@code user}. */
  static JsonObject click(App app, String guild, String channel, String user, String customId) {
    return new JsonObject().put("id", snowflake()).put("application_id", app.applicationId()).put("type", 3)
        .put("token", token()).put("version", 1).put("guild_id", guild).put("channel_id", channel)
        .put("member", new JsonObject().put("user", new JsonObject().put("id", user)))
        .put("message", new JsonObject().put("id", snowflake()))
        .put("data", new JsonObject().put("custom_id", customId).put("component_type", 2));
  }

  public static HttpResponse<String> post(String baseUrl, App signer, JsonObject payload) {
    return post(baseUrl, signer, payload.encode(), Instant.now());
  }

  public static HttpResponse<String> post(String baseUrl, App signer, String body, Instant at) {
    String timestamp = Long.toString(at.getEpochSecond());
    return send(baseUrl, body, timestamp, signer.sign(timestamp, body));
  }

  public static HttpResponse<String> send(String baseUrl, String body, String timestamp, String signature) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/discord/interactions"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (timestamp != null) {
      request.header("X-Signature-Timestamp", timestamp);
    }
    if (signature != null) {
      request.header("X-Signature-Ed25519", signature);
    }
    return Http.send(request.build());
  }

  private static String snowflake() {
    return Long.toString(1_000_000_000_000_000_000L + (System.nanoTime() & 0xFFFFFFFFFFFFL));
  }

  private static String token() {
    return "aW50ZXJhY3Rpb24" + UUID.randomUUID().toString().replace("-", "");
  }
}

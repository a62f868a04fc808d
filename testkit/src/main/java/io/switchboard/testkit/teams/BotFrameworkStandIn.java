package io.switchboard.testkit.teams;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.sun.net.httpserver.HttpExchange;
import io.switchboard.testkit.LoopbackHttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback stand-in for the Bot Framework as a bot sees it, following its documented behaviour:
 * <ul>
 *   <li>OpenID metadata ({@code /openid/<instance>/.well-known/openidconfiguration}) and its JWKS
 *       ({@code /openid/<instance>/keys}), with one RSA key endorsed for {@code msteams}; {@link #token} signs
 *       activity tokens with it (RS256, issuer {@code https://api.botframework.com});</li>
 *   <li>the token endpoint ({@code /token}, client-credentials grant, form-encoded);</li>
 *   <li>the connector under {@link #serviceUrl()}: {@code POST /v3/conversations/{id}/activities/{replyToId}}
 *       (a reply; answers the new id), {@code POST /v3/conversations/{id}/activities} (a proactive
 *       message; answers the new id) and {@code PUT /v3/conversations/{id}/activities/{activityId}}
 *       (404 for an activity someone deleted), a bearer token from the token endpoint required (401
 *       otherwise), HTTP 429 with {@code Retry-After} when told to.</li>
 * </ul>
 * Every connector call and token request is recorded.
 */
public final class BotFrameworkStandIn implements AutoCloseable {

  public static final String ISSUER = "https://api.botframework.com";
  public static final String APP_ID = "5e1f2b9c-app0-4c1a-9a35-0000000000aa";
  public static final String APP_PASSWORD = "standin-app-password";
  public static final String KEY_ID = "standin-key-1";

  /**
   * One connector call: method, conversation, activity id in the path (null for a proactive post), bearer
   * token, body, arrival (monotonic ms).
   */
  public record Call(String method, String conversation, String activityId, String token, JsonObject body,
                     long atMillis) {
  }

  private final LoopbackHttpServer server;
  private final KeyPair keys;
  private final KeyPair strangerKeys;
  /**
   * A path segment of this stand-in's own. The Bot Framework SDK caches OpenID metadata and keys
   * JVM-wide by the metadata URL, so a later stand-in on a reused port would otherwise be checked
   * against an earlier one's key (same key id, other key) and every token refused.
   */
  private final String instance = UUID.randomUUID().toString();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Call> rateLimited = new CopyOnWriteArrayList<>();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final AtomicInteger activityIds = new AtomicInteger();
  private final Map<String, AtomicInteger> rateLimits = new HashMap<>();
  private final java.util.Set<String> deletedActivities = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final AtomicInteger openIdRequests = new AtomicInteger();
  private volatile String issuedToken = "bf-token-1";
  private volatile CountDownLatch openIdGate;

  private BotFrameworkStandIn() {
    this.keys = rsa();
    this.strangerKeys = rsa();
    this.server = LoopbackHttpServer.start(Map.of("/openid/", this::openId, "/token", this::token,
        "/connector/", this::connector));
  }

  public static BotFrameworkStandIn start() {
    return new BotFrameworkStandIn();
  }

  private String base() {
    return server.url();
  }

  /** {@code SWITCHBOARD_TEAMS_OPENID_METADATA_URL}. */
  public String openIdMetadataUrl() {
    return base() + "/openid/" + instance + "/.well-known/openidconfiguration";
  }

  /** {@code SWITCHBOARD_TEAMS_TOKEN_URL}. */
  public String tokenUrl() {
    return base() + "/token";
  }

  /** The {@code serviceUrl} activities name. */
  public String serviceUrl() {
    return base() + "/connector/";
  }

  /** The gateway's configuration for this stand-in. */
  public Map<String, String> env() {
    return Map.of("SWITCHBOARD_TEAMS_APP_ID", APP_ID, "SWITCHBOARD_TEAMS_APP_PASSWORD", APP_PASSWORD,
        "SWITCHBOARD_TEAMS_OPENID_METADATA_URL", openIdMetadataUrl(), "SWITCHBOARD_TEAMS_TOKEN_URL", tokenUrl());
  }

  /** A valid token for an activity with this stand-in's {@link #serviceUrl()}. */
  public String token() {
    return token(APP_ID, serviceUrl(), Instant.now().plusSeconds(600), false);
  }

  /**
   * A token with the given audience, {@code serviceurl} claim and expiry, signed by the published key
   * or (forged) by a key nobody published under the same key id.
   */
  public String token(String audience, String serviceUrl, Instant expires, boolean forged) {
    KeyPair signer = forged ? strangerKeys : keys;
    return JWT.create().withIssuer(ISSUER).withAudience(audience).withKeyId(KEY_ID)
        .withIssuedAt(Date.from(expires.minusSeconds(3600))).withNotBefore(Date.from(expires.minusSeconds(3600)))
        .withExpiresAt(Date.from(expires)).withClaim("serviceurl", serviceUrl)
        .sign(Algorithm.RSA256((RSAPublicKey) signer.getPublic(), (RSAPrivateKey) signer.getPrivate()));
  }

  /**
   * A compact JWS of exactly this header and payload (JSON texts, sent as they are), signed RS256 by
   * the published key: for tokens that are signed right but wrong in every other way.
   */
  public String sign(String header, String payload) {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String signed = base64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    try {
      java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
      rsa.initSign(keys.getPrivate());
      rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + base64.encodeToString(rsa.sign());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The published public key (X.509 DER): what an HS256 forgery takes for its secret. */
  public byte[] publicKeyBytes() {
    return keys.getPublic().getEncoded();
  }

  /** The next {@code times} connector calls of {@code method} (POST or PUT) get 429 with {@code Retry-After: 1}. */
  public synchronized void rateLimit(String method, int times) {
    rateLimits.put(method, new AtomicInteger(times));
  }

  /** Someone deleted the bot's activity {@code activityId}: updating it is a 404 from now on. */
  public void deleteActivity(String activityId) {
    deletedActivities.add(activityId);
  }

  /** The calls answered with a 429 (not in {@link #calls()}). */
  public List<Call> rateLimitedCalls() {
    return List.copyOf(rateLimited);
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String method) {
    return calls.stream().filter(call -> call.method().equals(method)).toList();
  }

  public int tokenRequests() {
    return tokenRequests.get();
  }

  /** Holds every OpenID metadata and JWKS request until the returned latch is counted down. */
  public CountDownLatch holdOpenId() {
    openIdGate = new CountDownLatch(1);
    return openIdGate;
  }

  /** OpenID metadata and JWKS requests received (held ones included). */
  public int openIdRequests() {
    return openIdRequests.get();
  }

  private void openId(HttpExchange exchange) throws IOException {
    openIdRequests.incrementAndGet();
    CountDownLatch gate = openIdGate;
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    String path = exchange.getRequestURI().getPath();
    if (!path.startsWith("/openid/" + instance + "/")) {
      respond(exchange, 404, new JsonObject().put("error", "no such OpenID configuration"), Map.of());
    } else if (path.endsWith("/keys")) {
      RSAPublicKey key = (RSAPublicKey) keys.getPublic();
      JsonObject jwk = new JsonObject().put("kty", "RSA").put("use", "sig").put("kid", KEY_ID).put("alg", "RS256")
          .put("n", base64Url(key.getModulus().toByteArray())).put("e", base64Url(key.getPublicExponent().toByteArray()))
          .put("endorsements", new JsonArray().add("msteams").add("webchat"));
      respond(exchange, 200, new JsonObject().put("keys", new JsonArray().add(jwk)), Map.of());
    } else {
      respond(exchange, 200, new JsonObject().put("issuer", ISSUER)
          .put("authorization_endpoint", base() + "/authorize").put("jwks_uri", base() + "/openid/" + instance + "/keys")
          .put("id_token_signing_alg_values_supported", new JsonArray().add("RS256"))
          .put("token_endpoint_auth_methods_supported", new JsonArray().add("private_key_jwt")), Map.of());
    }
  }

  private void token(HttpExchange exchange) throws IOException {
    Map<String, String> form = LoopbackHttpServer.form(
        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    tokenRequests.incrementAndGet();
    if (!"client_credentials".equals(form.get("grant_type")) || !APP_ID.equals(form.get("client_id"))
        || !APP_PASSWORD.equals(form.get("client_secret"))) {
      respond(exchange, 401, new JsonObject().put("error", "invalid_client"), Map.of());
      return;
    }
    respond(exchange, 200, new JsonObject().put("token_type", "Bearer").put("expires_in", 3600)
        .put("access_token", issuedToken), Map.of());
  }

  private void connector(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String[] parts = exchange.getRequestURI().getRawPath().split("/");
    // /connector/v3/conversations/{id}/activities/{activityId}, or without the activity id for a proactive post
    boolean proactive = parts.length == 6 && method.equals("POST");
    if ((parts.length != 7 && !proactive) || !"conversations".equals(parts[3]) || !"activities".equals(parts[5])) {
      respond(exchange, 404, new JsonObject().put("error", new JsonObject().put("code", "NotFound")), Map.of());
      return;
    }
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
    JsonObject body = new JsonObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    Call call = new Call(method, URLDecoder.decode(parts[4], StandardCharsets.UTF_8),
        proactive ? null : URLDecoder.decode(parts[6], StandardCharsets.UTF_8), token, body,
        System.nanoTime() / 1_000_000);
    if (!issuedToken.equals(token)) {
      respond(exchange, 401, new JsonObject().put("message", "Authorization has been denied for this request."),
          Map.of());
      return;
    }
    synchronized (this) {
      AtomicInteger limited = rateLimits.get(method);
      if (limited != null && limited.getAndDecrement() > 0) {
        rateLimited.add(call);
        respond(exchange, 429, new JsonObject().put("error", new JsonObject().put("code", "TooManyRequests")),
            Map.of("Retry-After", "1"));
        return;
      }
    }
    if (method.equals("PUT") && deletedActivities.contains(call.activityId())) {
      respond(exchange, 404, new JsonObject().put("error", new JsonObject().put("code", "NotFound")
          .put("message", "Activity not found")), Map.of());
      return;
    }
    calls.add(call);
    String id = method.equals("POST") ? "1:bot-activity-" + activityIds.incrementAndGet() : call.activityId();
    respond(exchange, method.equals("POST") ? 201 : 200, new JsonObject().put("id", id), Map.of());
  }

  private static void respond(HttpExchange exchange, int status, JsonObject body, Map<String, String> headers)
      throws IOException {
    LoopbackHttpServer.respondAndClose(exchange, status, LoopbackHttpServer.JSON_UTF8, headers, body.encode());
  }

  private static String base64Url(byte[] bigEndian) {
    int start = bigEndian.length > 1 && bigEndian[0] == 0 ? 1 : 0;
    byte[] unsigned = java.util.Arrays.copyOfRange(bigEndian, start, bigEndian.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(unsigned);
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}

package io.switchboard.gateway.teams;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.fuzz.FuzzCase;
import io.switchboard.gateway.fuzz.RawHttp;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static io.switchboard.testkit.teams.BotFrameworkStandIn.APP_ID;
import static io.switchboard.testkit.teams.BotFrameworkStandIn.ISSUER;
import static io.switchboard.testkit.teams.BotFrameworkStandIn.KEY_ID;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the {@code Authorization} JWT of {@code POST /api/messages}, with activities that would
 * act if the token were good (a command from a bound Teams tenant, the bot added in a Teams tenant
 * nobody holds, a message from one nobody holds): valid tokens changed bit by bit, cut, with segments
 * added, dropped or replaced; tokens signed by the published key but wrong in one way (alg
 * {@code none}, HS256 with the public key as secret, another or no key id, expired, not yet valid,
 * another audience, issuer or service URL); a stranger's signature; other schemes, any text, NUL,
 * Unicode and huge headers. Each must be a 4xx problem that made no job; at the end no tenant was
 * created, no Teams tenant was looked up, the connector was never called, the OpenID metadata was
 * not fetched again, and the node is ready.
 */
@DisplayName("Fuzzing the Bot Framework JWT of /api/messages: every hostile token is a 4xx problem, before any lookup")
class TeamsTokensFuzzTest {

  private static final String ACME_TEAMS = TeamsBotTest.ACME_TEAMS;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private static BotFrameworkStandIn botFramework;
  private static GatewayFixture fixture;
  private static int openIdRequests;
  private static long auditEvents;

  @BeforeAll
  static void start() {
    botFramework = BotFrameworkStandIn.start();
    fixture = new GatewayFixture(botFramework.env());
    Await.result(fixture.pool().withTransaction(tx -> Installations.add(tx, "acme", "teams", ACME_TEAMS, null, null,
        InstallationProof.OPERATOR)));
    // A good token on an activity that is acknowledged and ignored: the SDK fetches the signing keys once.
    JsonObject typing = TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, TeamsBotTest.CHANNEL, "warm-up",
        TeamsBotTest.ALICE, "echo warm-up").put("type", "typing");
    assertThat(post(typing, "Bearer " + botFramework.token()).status()).isEqualTo(200);
    openIdRequests = botFramework.openIdRequests();
    auditEvents = fixture.count("SELECT count(*) FROM audit_events");
  }

  @AfterAll
  static void stop() {
    try {
      RawHttp.assertReady(fixture.baseUrl());
      assertThat(fixture.jobCount()).as("no job").isZero();
      assertThat(fixture.count("SELECT count(*) FROM tenants WHERE id LIKE 'teams-%'")).as("no tenant created").isZero();
      assertThat(fixture.count("SELECT count(*) FROM chat_installations WHERE platform = 'teams'")).isEqualTo(1);
      assertThat(fixture.count("SELECT count(*) FROM audit_events")).as("nothing audited").isEqualTo(auditEvents);
      assertThat(fixture.metric("switchboard.commands.refused", "platform", "teams", "reason", "unknown_workspace"))
          .as("no Teams tenant looked up").isZero();
      assertThat(botFramework.calls()).as("the connector never called").isEmpty();
      assertThat(botFramework.openIdRequests()).as("no key id made the gateway fetch the signing keys again")
          .isEqualTo(openIdRequests);
    } finally {
      fixture.close();
      botFramework.close();
    }
  }

  static Stream<FuzzCase> cases() {
    return FuzzCase.cases("teams-tokens");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @DisplayName("a hostile Authorization header")
  void hostileToken(FuzzCase fuzz) {
    String id = "tokens-" + fuzz.number();
    JsonObject activity = fuzz.pick(
        TeamsActivities.mention(botFramework.serviceUrl(), ACME_TEAMS, TeamsBotTest.CHANNEL, id, TeamsBotTest.ALICE,
            "echo fuzz"),
        TeamsActivities.botMembership(botFramework.serviceUrl(), "0a0b0c0d-1111-4222-8333-" + String.format("%012d",
            fuzz.number()), TeamsBotTest.CHANNEL, TeamsBotTest.ALICE, true),
        TeamsActivities.mention(botFramework.serviceUrl(), "0a0b0c0d-2222-4222-8333-444455556666", TeamsBotTest.CHANNEL,
            id, TeamsBotTest.ALICE, "echo fuzz"));
    String authorization = authorization(fuzz);
    long jobs = fixture.jobCount();
    post(activity, authorization).assertRefused(fuzz + ": Authorization: " + authorization);
    assertThat(fixture.jobCount()).as("a refused activity made no job").isEqualTo(jobs);
  }

  /** An Authorization header that must not pass: never a good token with the right scheme. */
  private static String authorization(FuzzCase fuzz) {
    return switch (fuzz.below(4)) {
      case 0 -> {
        String token = botFramework.token();
        String changed = changed(fuzz, token);
        yield "Bearer " + (changed.equals(token) ? changed + "x" : changed);
      }
      case 1 -> "Bearer " + signedButWrong(fuzz);
      case 2 -> fuzz.pick(null, "", "Bearer", "Bearer ", fuzz.text(), "Bearer " + fuzz.text(),
          "Basic " + botFramework.token(), "Token " + botFramework.token(), botFramework.token(),
          "Bearer " + botFramework.token() + " " + botFramework.token(), "Bearer\t" + botFramework.token(),
          "Bearer " + botFramework.token(APP_ID, botFramework.serviceUrl(), Instant.now().plusSeconds(600), true));
      default -> "Bearer " + segments(fuzz);
    };
  }

  /**
   * A good token changed: a bit of a segment flipped, cut, a segment dropped, added or emptied, text
   * inserted into the signed part, repeated. Not changes that keep it good: a trailing {@code .}
   * (the JWT library splits like {@link String#split}, which drops it), characters outside base64url
   * in the signature (its base64 decoder skips them), another last character of the signature with
   * the same data bits (the unused low bits are ignored).
   */
  private static String changed(FuzzCase fuzz, String token) {
    String[] parts = token.split("\\.");
    return switch (fuzz.below(7)) {
      case 0 -> {
        int segment = fuzz.below(3);
        byte[] bytes = Base64.getUrlDecoder().decode(parts[segment]);
        bytes[fuzz.below(bytes.length)] ^= (byte) (1 << fuzz.below(8));
        parts[segment] = BASE64URL.encodeToString(bytes);
        yield String.join(".", parts);
      }
      case 1 -> token.substring(0, fuzz.below(token.length()));
      case 2 -> parts[0] + "." + parts[1] + fuzz.pick(".", "", "." + parts[0], ".." + parts[2]);
      case 3 -> token + "." + fuzz.pick(parts[2], fuzz.text() + "x");
      case 4 -> parts[1] + "." + parts[0] + "." + parts[2];
      case 5 -> {
        int at = fuzz.below(token.lastIndexOf('.'));
        yield token.substring(0, at) + fuzz.text() + "!" + token.substring(at);
      }
      default -> token.repeat(fuzz.pick(2, 20, 100));
    };
  }

  /** Signed by the published key (or as it would be by an attacker), with exactly one thing wrong. */
  private static String signedButWrong(FuzzCase fuzz) {
    long now = Instant.now().getEpochSecond();
    JsonObject header = new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", KEY_ID);
    JsonObject claims = new JsonObject().put("iss", ISSUER).put("aud", APP_ID)
        .put("serviceurl", botFramework.serviceUrl()).put("iat", now - 60).put("nbf", now - 60).put("exp", now + 600);
    switch (fuzz.below(9)) {
      case 0 -> {
        String unsigned = encode(header.put("alg", fuzz.pick("none", "None", "nOnE", ""))) + "." + encode(claims);
        return unsigned + fuzz.pick(".", "", "." + BASE64URL.encodeToString(new byte[256]));
      }
      case 1 -> {
        String input = encode(header.put("alg", "HS256")) + "." + encode(claims);
        return input + "." + BASE64URL.encodeToString(hmac(botFramework.publicKeyBytes(), input));
      }
      case 2 -> {
        Object kid = fuzz.pick("standin-key-2", fuzz.text(), null, 7, new JsonArray().add(KEY_ID));
        header.put("kid", kid);
      }
      case 3 -> claims.put("exp", now - fuzz.pick(3_600L, 86_400L, 400L)).put("nbf", now - 90_000);
      case 4 -> claims.put("nbf", now + fuzz.pick(3_600L, 400L)).put("exp", now + 7_200);
      case 5 -> claims.put("aud", fuzz.pick((Object) "another-app", APP_ID.toUpperCase(), APP_ID + " ", "", 7,
          new JsonArray(), new JsonArray().add("another-app"), fuzz.text()));
      case 6 -> claims.put("iss", fuzz.pick((Object) ISSUER + "/", "https://evil.example", "HTTPS://API.BOTFRAMEWORK.COM",
          "", 7, fuzz.text()));
      case 7 -> claims.put("serviceurl", fuzz.pick((Object) "https://smba.evil.example/", botFramework.serviceUrl() + "x",
          "", 7, new JsonArray().add(botFramework.serviceUrl()), fuzz.text()));
      default -> header.put("alg", fuzz.pick("RS384", "RS512", "PS256", "ES256", "HS256", fuzz.text()));
    }
    if (fuzz.chance(20)) {
      claims.remove(fuzz.pick("iss", "aud", "serviceurl"));
    }
    return botFramework.sign(header.encode(), claims.encode());
  }

  /** One to five segments of hostile text, base64url-encoded or not. */
  private static String segments(FuzzCase fuzz) {
    StringBuilder token = new StringBuilder();
    int count = 1 + fuzz.below(5);
    for (int i = 0; i < count; i++) {
      Object part = fuzz.chance(50) ? fuzz.text() : fuzz.json();
      String text = String.valueOf(part);
      token.append(i == 0 ? "" : ".").append(fuzz.chance(60)
          ? BASE64URL.encodeToString(text.getBytes(StandardCharsets.UTF_8)) : text);
    }
    return token.toString();
  }

  private static String encode(JsonObject json) {
    return BASE64URL.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(byte[] secret, String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RawHttp.Answer post(JsonObject activity, String authorization) {
    Map<String, String> headers = new HashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Authorization", authorization);
    return RawHttp.post(fixture.baseUrl(), "/api/messages", headers, activity.encode().getBytes(StandardCharsets.UTF_8));
  }
}

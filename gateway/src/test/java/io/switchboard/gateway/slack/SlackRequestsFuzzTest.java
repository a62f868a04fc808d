package io.switchboard.gateway.slack;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.fuzz.HostileInput;
import io.switchboard.testkit.Http;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/**
 * Fuzzing of Slack's three endpoints with requests signed correctly (so they get past the signature
 * and reach the parsing): slash commands whose fields hold anything, form bodies of any bytes
 * (invalid UTF-8 included), Events API payloads and interaction payloads with hostile values. Each
 * answer must be a 4xx problem that made no job, or a normal answer; never a 5xx. 100 inputs per
 * property in a normal run, 5,000 with {@code -Pfuzz}.
 */
@Label("Fuzzing Slack's endpoints with signed hostile requests")
class SlackRequestsFuzzTest {

  private static final String[] FIELDS = {"team_id", "user_id", "channel_id", "text", "command", "trigger_id",
      "response_url", "api_app_id", "enterprise_id", "is_enterprise_install", "user_name", "channel_name", "token"};

  private static GatewayFixture fixture;

  @BeforeContainer
  static void start() {
    fixture = new GatewayFixture();
  }

  @AfterContainer
  static void stop() {
    try {
      HostileInput.assertStillReady(fixture);
    } finally {
      fixture.close();
      fixture = null;
    }
  }

  @Property
  @Label("a slash command whose fields hold anything")
  void slashCommandFields(@ForAll("fields") Map<String, String> fields) {
    long jobs = fixture.jobCount();
    SignedSlashCommand command = fixture.acmeCommand("echo fuzz");
    fields.forEach(command::field);
    HostileInput.assertRefusedCleanlyOrServed(fixture, command.post(fixture.baseUrl()), jobs);
  }

  @Property
  @Label("a slash command with any text")
  void commandText(@ForAll(supplier = HostileInput.Text.class) String text) {
    long jobs = fixture.jobCount();
    HostileInput.assertRefusedCleanlyOrServed(fixture, fixture.acmeCommand(text).post(fixture.baseUrl()), jobs);
  }

  @Property
  @Label("a signed form body of any bytes after acme's team id")
  void anyBytes(@ForAll byte[] rest) {
    long jobs = fixture.jobCount();
    byte[] team = "team_id=T0ACME&".getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[team.length + rest.length];
    System.arraycopy(team, 0, body, 0, team.length);
    System.arraycopy(rest, 0, body, team.length, rest.length);
    HostileInput.assertRefusedCleanlyOrServed(fixture, postSigned("/slack/commands", body,
        "application/x-www-form-urlencoded"), jobs);
  }

  /**
   * Events are answered before their command runs, so a job made by an earlier accepted event may
   * still appear while a later one is refused: here only the answers are checked, and
   * {@code SlackEventsTest} shows that a refused event makes no job.
   */
  @Property
  @Label("an Events API callback with hostile values")
  void events(@ForAll(supplier = HostileInput.Text.class) String text, @ForAll(supplier = HostileInput.Json.class) Object event, @ForAll(supplier = HostileInput.Text.class) String eventId) {
    JsonObject mention = SlackEvent.mention("U0USER", "C0CHANNEL", "1700000000.000100", text);
    JsonObject[] payloads = {
        SlackEvent.callback("T0ACME", "Ev" + UUID.randomUUID(), mention),
        SlackEvent.callback("T0ACME", eventId, mention),
        SlackEvent.callback("T0ACME", "Ev" + UUID.randomUUID(), mention.copy().put("user", text).put("channel", text)),
        new JsonObject().put("type", "event_callback").put("team_id", "T0ACME").put("event_id", "Ev" + UUID.randomUUID())
            .put("event", event)};
    for (JsonObject payload : payloads) {
      HostileInput.assertAnsweredCleanly(SlackEvent.signed(GatewayFixture.ACME_SECRET, payload).post(fixture.baseUrl()));
    }
  }

  @Property
  @Label("an interaction payload with hostile values")
  void interactions(@ForAll(supplier = HostileInput.Text.class) String actionId, @ForAll(supplier = HostileInput.Text.class) String value, @ForAll(supplier = HostileInput.Json.class) Object anything) {
    long jobs = fixture.jobCount();
    HostileInput.assertRefusedCleanlyOrServed(fixture, SignedClick.of(GatewayFixture.ACME_SECRET, "T0ACME", "U0USER",
        "C0CHANNEL", actionId, value, fixture.slack().responseUrl("fuzz")).post(fixture.baseUrl()), jobs);
    jobs = fixture.jobCount();
    JsonObject payload = new JsonObject().put("type", "block_actions").put("team", new JsonObject().put("id", "T0ACME"))
        .put("actions", anything).put("user", anything);
    HostileInput.assertRefusedCleanlyOrServed(fixture,
        SignedClick.payload(GatewayFixture.ACME_SECRET, "T0ACME", payload).post(fixture.baseUrl()), jobs);
  }

  @Provide
  Arbitrary<Map<String, String>> fields() {
    return Arbitraries.maps(Arbitraries.oneOf(Arbitraries.of(FIELDS), HostileInput.text()), HostileInput.text())
        .ofMinSize(1).ofMaxSize(4);
  }

  /** POSTs exactly these bytes with a correct v0 signature of acme's secret. */
  private static HttpResponse<String> postSigned(String path, byte[] body, String contentType) {
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(GatewayFixture.ACME_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
      String signature = "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
      return Http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + path))
          .header("Content-Type", contentType).header("X-Slack-Request-Timestamp", timestamp)
          .header("X-Slack-Signature", signature).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.switchboard.testkit.slack;

import io.switchboard.testkit.Http;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A slash command as Slack sends it (form fields, {@code X-Slack-Request-Timestamp},
 * {@code X-Slack-Signature}), signed here independently of the production code, with knobs to break
 * each part for negative tests.
 */
public final class SignedSlashCommand {

  private final Map<String, String> fields = new LinkedHashMap<>();
  private final Map<String, String> headers = new LinkedHashMap<>();
  private String signingSecret;
  private Instant timestamp = Instant.now();
  private String rawBody;
  private String signatureOverride;
  private String contentType = "application/x-www-form-urlencoded";
  private boolean withTimestamp = true;
  private boolean withSignature = true;
  private String path = "/slack/commands";

  private SignedSlashCommand(String signingSecret, String teamId, String text, String responseUrl) {
    this.signingSecret = signingSecret;
    fields.put("token", "deprecated-verification-token");
    fields.put("team_id", teamId);
    fields.put("team_domain", "example");
    fields.put("channel_id", "C0CHANNEL");
    fields.put("channel_name", "ops");
    fields.put("user_id", "U0USER");
    fields.put("user_name", "alice");
    fields.put("command", "/ops");
    fields.put("text", text);
    fields.put("api_app_id", "A0APP");
    fields.put("response_url", responseUrl);
    fields.put("trigger_id", UUID.randomUUID().toString());
  }

  public static SignedSlashCommand of(String signingSecret, String teamId, String text, String responseUrl) {
    return new SignedSlashCommand(signingSecret, teamId, text, responseUrl);
  }

  public SignedSlashCommand field(String name, String value) {
    if (value == null) {
      fields.remove(name);
    } else {
      fields.put(name, value);
    }
    return this;
  }

  public SignedSlashCommand signedWith(String otherSecret) {
    this.signingSecret = otherSecret;
    return this;
  }

  public SignedSlashCommand at(Instant time) {
    this.timestamp = time;
    return this;
  }

  /** Sends exactly this body (signed correctly unless the signature is overridden too). */
  public SignedSlashCommand rawBody(String body) {
    this.rawBody = body;
    return this;
  }

  public SignedSlashCommand signature(String signature) {
    this.signatureOverride = signature;
    return this;
  }

  public SignedSlashCommand contentType(String type) {
    this.contentType = type;
    return this;
  }

  public SignedSlashCommand withoutTimestamp() {
    this.withTimestamp = false;
    return this;
  }

  public SignedSlashCommand withoutSignature() {
    this.withSignature = false;
    return this;
  }

  public String body() {
    if (rawBody != null) {
      return rawBody;
    }
    StringBuilder body = new StringBuilder();
    fields.forEach((name, value) -> {
      if (body.length() > 0) {
        body.append('&');
      }
      body.append(encode(name)).append('=').append(encode(value));
    });
    return body.toString();
  }

  public String timestampHeader() {
    return Long.toString(timestamp.getEpochSecond());
  }

  public String signatureHeader() {
    if (signatureOverride != null) {
      return signatureOverride;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal(("v0:" + timestampHeader() + ":" + body()).getBytes(StandardCharsets.UTF_8));
      return "v0=" + HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends {@code name: value} along too (such as a {@code traceparent} the platform would send). */
  public SignedSlashCommand header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** Sends to another Slack endpoint of Switchboard, e.g. {@code /slack/interactions}. */
  public SignedSlashCommand to(String endpointPath) {
    this.path = endpointPath;
    return this;
  }

  /** POSTs to {@code baseUrl + /slack/commands} (or the path set with {@link #to}) and returns the answer. */
  public HttpResponse<String> post(String baseUrl) {
    return send(baseUrl, HttpRequest.BodyPublishers.ofString(body()));
  }

  /** POSTs the body chunked, without a Content-Length, as a streaming client would. */
  public HttpResponse<String> postChunked(String baseUrl) {
    byte[] bytes = body().getBytes(StandardCharsets.UTF_8);
    return send(baseUrl, HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes)));
  }

  private HttpResponse<String> send(String baseUrl, HttpRequest.BodyPublisher publisher) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Content-Type", contentType)
        .POST(publisher);
    headers.forEach(request::header);
    if (withTimestamp) {
      request.header("X-Slack-Request-Timestamp", timestampHeader());
    }
    if (withSignature) {
      request.header("X-Slack-Signature", signatureHeader());
    }
    return Http.send(request.build());
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

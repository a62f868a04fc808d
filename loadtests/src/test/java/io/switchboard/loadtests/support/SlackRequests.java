package io.switchboard.loadtests.support;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Request bodies as Slack sends them, and Slack's signature over them: {@code X-Slack-Signature:
 * v0=<hex HMAC-SHA256(signing secret, "v0:{timestamp}:{raw body}")>} with
 * {@code X-Slack-Request-Timestamp: <unix seconds>}. A body is built as a string, signed, and sent
 * exactly as signed.
 */
public final class SlackRequests {

  /** A body with the two headers that sign it. */
  public record Signed(String body, String timestamp, String signature) {
  }

  /** One Mac per thread and signing secret: the simulations sign for many tenants at once. */
  private static final ThreadLocal<Map<String, Mac>> MACS = ThreadLocal.withInitial(HashMap::new);

  private SlackRequests() {
  }

  /** Signs {@code body} with {@code signingSecret}, timestamped now. */
  public static Signed sign(String signingSecret, String body) {
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    byte[] digest = MACS.get().computeIfAbsent(signingSecret, SlackRequests::newMac)
        .doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8));
    StringBuilder hex = new StringBuilder("v0=");
    for (byte b : digest) {
      hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return new Signed(body, timestamp, hex.toString());
  }

  /**
   * The form body of a slash command {@code /ops <text>}, in Slack's field order. Every command needs
   * its own {@code triggerId}: the server takes its idempotency key from team_id + trigger_id.
   */
  public static String slashCommand(String teamId, String userId, String channelId, String text, String responseUrl,
                                    String triggerId) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("token", "loadtest-verification-token");
    fields.put("team_id", teamId);
    fields.put("team_domain", "loadtest");
    fields.put("channel_id", channelId);
    fields.put("channel_name", "loadtest");
    fields.put("user_id", userId);
    fields.put("user_name", "loadtest");
    fields.put("command", "/ops");
    fields.put("text", text);
    fields.put("api_app_id", "A0LOADTEST");
    fields.put("response_url", responseUrl);
    fields.put("trigger_id", triggerId);
    return form(fields);
  }

  /**
   * The form body {@code payload=<block_actions JSON>} of a click by {@code userId} on the button
   * {@code actionId} whose value is {@code value} (an approval's id on an approval card). Every id
   * must be plain text without quotes or backslashes: the JSON is written by hand.
   */
  public static String buttonClick(String teamId, String userId, String channelId, String actionId, String value,
                                   String responseUrl, String triggerId) {
    String payload = "{\"type\":\"block_actions\""
        + ",\"team\":{\"id\":\"" + teamId + "\",\"domain\":\"loadtest\"}"
        + ",\"user\":{\"id\":\"" + userId + "\",\"team_id\":\"" + teamId + "\"}"
        + ",\"channel\":{\"id\":\"" + channelId + "\"}"
        + ",\"api_app_id\":\"A0LOADTEST\""
        + ",\"trigger_id\":\"" + triggerId + "\""
        + ",\"response_url\":\"" + responseUrl + "\""
        + ",\"actions\":[{\"type\":\"button\",\"action_id\":\"" + actionId + "\",\"value\":\"" + value + "\""
        + ",\"action_ts\":\"" + actionTs(Instant.now()) + "\"}]}";
    return form(Map.of("payload", payload));
  }

  /** Slack's {@code action_ts}: seconds, a dot, and six digits of microseconds. */
  private static String actionTs(Instant now) {
    return now.getEpochSecond() + "." + String.format(Locale.ROOT, "%06d", now.getNano() / 1_000);
  }

  private static String form(Map<String, String> fields) {
    StringBuilder body = new StringBuilder();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (body.length() > 0) {
        body.append('&');
      }
      body.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return body.toString();
  }

  private static Mac newMac(String signingSecret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}

package io.switchboard.jmh;

import io.switchboard.gateway.slack.SlackSignature;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** A slash command's body as Slack sends it (every field Slack documents, url-encoded), and its signature. */
record SlackRequest(String body, String timestamp, String signature) {

  static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

  static SlackRequest slashCommand(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("token", "gIkuvaNzQIHg97ATvDxqgjtO");
    fields.put("team_id", "T0001");
    fields.put("team_domain", "example");
    fields.put("enterprise_id", "E0001");
    fields.put("enterprise_name", "Globular Construct Inc");
    fields.put("channel_id", "C2147483705");
    fields.put("channel_name", "deploys");
    fields.put("user_id", "U2147483697");
    fields.put("user_name", "Steve");
    fields.put("command", "/ops");
    fields.put("text", text);
    fields.put("api_app_id", "A123456");
    fields.put("is_enterprise_install", "false");
    fields.put("response_url", "https://hooks.slack.com/commands/1234/5678/abcdefghijklmnop");
    fields.put("trigger_id", "13345224609.738474920.8088930838d88f008e0");
    String body = fields.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    return new SlackRequest(body, timestamp,
        SlackSignature.sign(SIGNING_SECRET, timestamp, body.getBytes(StandardCharsets.UTF_8)));
  }
}

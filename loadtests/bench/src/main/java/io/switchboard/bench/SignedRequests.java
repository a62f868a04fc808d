package io.switchboard.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes signed Slack slash-command requests for {@code bench.lua}: one request a line,
 * {@code <timestamp> TAB <signature> TAB <url-encoded body>}, every one with its own {@code trigger_id}
 * ({@code <prefix>.<n>}). The signature is Slack's: {@code v0=} hex HMAC-SHA256 of the signing secret
 * over {@code v0:<timestamp>:<body>}. The timestamp is "now" for the whole file: run it just before
 * the load (servers refuse timestamps more than five minutes away).
 *
 * <p>Arguments are {@code key=value}: {@code out}, {@code count}, {@code text} (the command's text;
 * {@code {n}} becomes the request's number and {@code {trigger}} its trigger id), {@code prefix}
 * (trigger id prefix, unique per file), and optional {@code team} (T0DEMO), {@code user} (U0BENCH),
 * {@code channel} (C0BENCH), {@code channels} (1: request n goes to channel + (n mod channels) when more), {@code responseUrl}. The signing secret comes from the environment
 * variable {@code BENCH_SIGNING_SECRET}.
 */
public final class SignedRequests {

  private SignedRequests() {
  }

  public static void main(String[] args) throws IOException, GeneralSecurityException {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("expected key=value, got: " + arg);
      }
      options.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    String secret = System.getenv("BENCH_SIGNING_SECRET");
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("BENCH_SIGNING_SECRET is not set");
    }
    Path out = Path.of(required(options, "out"));
    int count = Integer.parseInt(required(options, "count"));
    String text = required(options, "text");
    String prefix = required(options, "prefix");
    String team = options.getOrDefault("team", "T0DEMO");
    String user = options.getOrDefault("user", "U0BENCH");
    String channel = options.getOrDefault("channel", "C0BENCH");
    int channels = Integer.parseInt(options.getOrDefault("channels", "1"));
    String responseUrl = options.getOrDefault("responseUrl", "https://hooks.slack.com/commands/T0DEMO/1/bench");

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    HexFormat hex = HexFormat.of();
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    byte[] signedPrefix = ("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8);
    String head = "token=bench&team_id=" + enc(team) + "&team_domain=bench&channel_id=";
    String constant = "&channel_name=bench&user_id=" + enc(user) + "&user_name=bench&command=%2Fops";
    String tail = "&api_app_id=A0BENCH&is_enterprise_install=false&response_url=" + enc(responseUrl);

    Files.createDirectories(out.toAbsolutePath().getParent());
    try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      StringBuilder body = new StringBuilder(512);
      for (int n = 1; n <= count; n++) {
        String trigger = prefix + "." + n;
        String commandText = text.replace("{n}", Integer.toString(n)).replace("{trigger}", trigger);
        body.setLength(0);
        body.append(head).append(enc(channels > 1 ? channel + (n % channels) : channel)).append(constant).append("&text=").append(enc(commandText)).append(tail)
            .append("&trigger_id=").append(enc(trigger));
        String bodyString = body.toString();
        mac.update(signedPrefix);
        byte[] digest = mac.doFinal(bodyString.getBytes(StandardCharsets.UTF_8));
        writer.write(timestamp);
        writer.write('\t');
        writer.write("v0=");
        writer.write(hex.formatHex(digest));
        writer.write('\t');
        writer.write(bodyString);
        writer.write('\n');
      }
    }
  }

  private static String required(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("missing " + key + "=...");
    }
    return value;
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}

package io.switchboard.bench;

import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.jetty.SlackAppServer;

/**
 * The peer: a Slack Bolt for Java app on its Jetty server ({@code bolt-jetty}) with one slash command
 * handler, {@code /ops}, that only acknowledges. It keeps Bolt's default middleware: SSL check, request
 * verification (the {@code v0} HMAC-SHA256 signature and the five-minute timestamp window, with the
 * signing secret Switchboard is given) and ignoring its own events. No bot token is configured, so
 * Bolt adds no authorization middleware (which would call Slack's {@code auth.test}, unreachable here).
 *
 * <p>Arguments: {@code <port> [path]} (path {@code /slack/commands} by default); the signing secret
 * comes from the environment variable {@code BENCH_SIGNING_SECRET}.
 */
public final class BoltAckApp {

  private BoltAckApp() {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String path = args.length > 1 ? args[1] : "/slack/commands";
    String secret = System.getenv("BENCH_SIGNING_SECRET");
    if (secret == null || secret.isBlank()) {
      System.err.println("BENCH_SIGNING_SECRET is not set: Bolt needs the signing secret to verify requests");
      System.exit(2);
    }
    App app = new App(AppConfig.builder().signingSecret(secret).build());
    app.command("/ops", (request, context) -> context.ack());
    SlackAppServer server = new SlackAppServer(app, path, port);
    System.out.println("Bolt for Java ack-only app on port " + port + ", path " + path);
    server.start();
  }
}

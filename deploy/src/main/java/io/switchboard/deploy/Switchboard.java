package io.switchboard.deploy;

import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.log.SwitchboardLogging;
import io.switchboard.deploy.cli.Cli;
import io.switchboard.deploy.cli.CliContext;
import io.switchboard.gateway.sandbox.SandboxSettings;
import io.switchboard.tenancy.DemoTenant;
import io.switchboard.tenancy.secrets.SecretStoreSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The launcher: {@code java -jar switchboard.jar [all|gateway|executor|migrate]}. Configuration comes
 * from {@code SWITCHBOARD_*} environment variables (see the README); with none, role {@code all}
 * runs on an embedded PostgreSQL under {@code ./data}. SIGTERM and Ctrl-C shut down cleanly. The
 * same jar holds the admin commands ({@code switchboard jobs list}, {@code switchboard config check},
 * ...; see {@link Cli}), subcommands beside the role.
 */
@Command(name = "switchboard", mixinStandardHelpOptions = true, version = "Switchboard 0.1.0",
    description = {"Runs a Switchboard node. Configure it with SWITCHBOARD_* environment variables.",
        "With a command, administers one over its REST API, or checks a node's configuration (docs/cli.md)."})
public final class Switchboard implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(Switchboard.class);

  @Parameters(index = "0", defaultValue = "all", paramLabel = "ROLE",
      description = "all (default), gateway, executor or migrate")
  private String role;

  public static void main(String[] args) {
    int code = Cli.commandLine(new Switchboard(), CliContext.system()).execute(args);
    SwitchboardLogging.stop();
    System.exit(code);
  }

  @Override
  public Integer call() throws InterruptedException {
    Role chosen;
    SwitchboardConfig config;
    SecretStoreSettings secrets;
    try {
      chosen = Role.valueOf(role.toUpperCase());
      NodeSettings settings = NodeSettings.read(System.getenv(), chosen);
      config = settings.config();
      secrets = settings.secrets();
    } catch (IllegalArgumentException e) {
      System.err.println("switchboard: " + (e.getMessage().startsWith("No enum") ? "unknown role '" + role
          + "' (use all, gateway, executor or migrate)" : e.getMessage()));
      return 2;
    }
    SwitchboardNode node;
    try {
      node = SwitchboardNode.start(config, secrets, chosen);
    } catch (StartupFailure | IllegalArgumentException e) {
      System.err.println("switchboard: " + e.getMessage());
      return e instanceof StartupFailure ? 1 : 2;
    } catch (RuntimeException e) {
      LOG.error("Switchboard did not start: {}", e.getMessage(), e);
      return 1;
    }
    if (chosen == Role.MIGRATE) {
      node.close();
      System.out.println("Migrations applied to " + node.databaseUrl());
      return 0;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Shutting down: no new requests; running jobs finish or go back to the queue");
      node.close();
      LOG.info("Switchboard stopped");
      SwitchboardLogging.stop();
      stopped.countDown();
    }, "switchboard-shutdown"));
    printWelcome(System.out, chosen, node, SandboxSettings.fromEnv(config.environment()).enabled(), config.demoSlackSigningSecret().isPresent(),
        config.demoAdminToken().isPresent());
    stopped.await();
    return 0;
  }

  private static void printWelcome(PrintStream out, Role role, SwitchboardNode node, boolean sandbox,
                                   boolean demoSecretGiven, boolean demoTokenGiven) {
    String base = "http://localhost:" + node.httpPort();
    out.println();
    out.println("Switchboard is running (role " + role.name().toLowerCase() + ", database "
        + (node.isEmbeddedDatabase() ? "embedded " : "") + node.databaseUrl() + ")");
    out.println("  health:  " + base + "/health    ready: " + base + "/ready    metrics: " + base + "/metrics");
    if (!role.runsGateway()) {
      return;
    }
    if (sandbox) {
      out.println("  Sandbox web chat:     " + base + "/ (open it in a browser on this machine: pick alice, bob or "
          + "carol and follow the tour in docs/sandbox.md)");
    }
    out.println("  Slack slash commands: POST " + base + "/slack/commands");
    out.println("  Admin API:            " + base + "/api/v1/openapi.json (see docs/api.md)");
    node.generatedOperatorToken().ifPresent(token -> out.println(
        "  Operator token (generated now, shown only this once; set SWITCHBOARD_OPERATOR_TOKEN to choose one): "
            + token));
    node.demo().ifPresent(demo -> printDemo(out, base, demo, demoSecretGiven, demoTokenGiven));
  }

  /**
   * Where the demo signing secret in force comes from. A secret given in the environment replaces
   * the stored one and is kept at later starts without it; only a start that made one prints it.
   */
  static String signingSecretHint(boolean givenNow) {
    return givenNow ? "<your SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET>"
        : "<the demo signing secret: the SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET given last, or else the one printed at "
            + "the first start>";
  }

  private static void printDemo(PrintStream out, String base, DemoTenant.Credentials demo, boolean demoSecretGiven,
                                boolean demoTokenGiven) {
    out.println();
    out.println("Demo tenant '" + DemoTenant.TENANT_ID + "' (Slack team " + DemoTenant.SLACK_TEAM_ID + ")");
    if (demo.signingSecretGenerated()) {
      out.println("  Slack signing secret (generated now; set SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET to choose one): "
          + demo.signingSecret());
    }
    demo.generatedAdminToken().ifPresent(token -> {
      out.println("  Admin API token (shown only this once; only its hash is stored): " + token);
    });
    String secret = demo.signingSecretGenerated() ? demo.signingSecret() : signingSecretHint(demoSecretGiven);
    String token = demo.generatedAdminToken().orElse(demoTokenGiven ? "<your SWITCHBOARD_DEMO_ADMIN_TOKEN>"
        : "<a demo admin token: one SWITCHBOARD_DEMO_ADMIN_TOKEN given, or the one printed at the first start>");
    out.println();
    out.println("Try it (bash, curl, openssl):");
    out.println("  SECRET='" + secret + "'; TOKEN='" + token + "'");
    out.println("  BODY=\"team_id=T0DEMO&user_id=U0DEMO&channel_id=C0DEMO&command=%2Fops&text=echo+hello"
        + "&trigger_id=demo.$RANDOM&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2Fdemo\"");
    out.println("  TS=$(date +%s); SIG=\"v0=$(printf 'v0:%s:%s' \"$TS\" \"$BODY\" | openssl dgst -sha256 -hmac \"$SECRET\" | sed 's/^.* //')\"");
    out.println("  curl -s " + base + "/slack/commands -H \"X-Slack-Request-Timestamp: $TS\" "
        + "-H \"X-Slack-Signature: $SIG\" --data \"$BODY\"");
    out.println("  curl -s -H \"Authorization: Bearer $TOKEN\" " + base + "/api/v1/jobs/<the job number in the answer>");
    out.println("  (the README's \"Try it\" goes on from here)");
    out.println();
  }
}

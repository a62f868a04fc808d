package io.switchboard.jmh;

import com.slack.api.app_backend.SlackSignature.Generator;
import com.slack.api.app_backend.SlackSignature.Verifier;
import com.slack.api.app_backend.slash_commands.SlashCommandPayloadParser;
import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.gateway.slack.FormBody;
import io.switchboard.gateway.slack.SlackSignature;
import io.switchboard.gateway.slack.SlashCommand;
import io.switchboard.tenancy.command.CommandParser;
import io.switchboard.tenancy.command.Catalog;
import io.switchboard.tenancy.command.ParsedCommand;
import io.switchboard.tenancy.policy.PolicyDocument;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The CPU steps of a slash command before any lookup, in the order the gateway takes them: the
 * signing secret's workspace peeked from the unverified body, the signature checked, the form decoded,
 * the command text parsed against the tenant's catalog (the demo policy's). The {@code bolt*}
 * benchmarks are the baseline: the same signature check and form decoding by Slack Bolt for Java
 * ({@code slack-app-backend}, as the bench's Bolt peer runs them).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestCheckBenchmark {

  static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  static final String TEXT = "deploy production api,web --version 1.4.2";

  String body;
  byte[] bodyBytes;
  String timestamp;
  String signature;
  Catalog catalog;
  final CommandParser parser = new CommandParser();
  final Verifier boltVerifier = new Verifier(new Generator(SIGNING_SECRET));
  final SlashCommandPayloadParser boltParser = new SlashCommandPayloadParser();

  @Setup
  public void setUp() {
    // Every field Slack documents for a slash command, the enterprise ones included.
    SignedSlashCommand command = SignedSlashCommand.of(SIGNING_SECRET, "T0001", TEXT,
            "https://hooks.slack.com/commands/1234/5678/abcdefghijklmnop")
        .field("enterprise_id", "E0001").field("enterprise_name", "Globular Construct Inc")
        .field("is_enterprise_install", "false");
    body = command.body();
    bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    timestamp = command.timestampHeader();
    signature = command.signatureHeader();
    catalog = PolicyDocument.compile(TenantFleet.demoPolicy(), 1).catalog();
  }

  @Benchmark
  public Optional<String> peekWorkspace() {
    return FormBody.peek(body, "team_id");
  }

  @Benchmark
  public boolean verifySignature() {
    return SlackSignature.matches(SIGNING_SECRET, timestamp, bodyBytes, signature);
  }

  @Benchmark
  public boolean boltVerifySignature() {
    return boltVerifier.isValid(timestamp, body, signature);
  }

  @Benchmark
  public SlashCommandPayload boltDecodeForm() {
    return boltParser.parse(body);
  }

  @Benchmark
  public SlashCommand decodeForm() {
    return SlashCommand.from(FormBody.parse(body));
  }

  @Benchmark
  public ParsedCommand parseCommand() {
    return parser.parse(catalog, TEXT);
  }
}

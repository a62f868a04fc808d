package io.switchboard.jmh;

import com.slack.api.app_backend.SlackSignature.Generator;
import com.slack.api.app_backend.SlackSignature.Verifier;
import com.slack.api.app_backend.slash_commands.SlashCommandPayloadParser;
import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
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

  SlackRequest request;
  byte[] body;
  Catalog catalog;
  final CommandParser parser = new CommandParser();
  final Verifier boltVerifier = new Verifier(new Generator(SlackRequest.SIGNING_SECRET));
  final SlashCommandPayloadParser boltParser = new SlashCommandPayloadParser();

  @Setup
  public void setUp() {
    request = SlackRequest.slashCommand("deploy production api,web --version 1.4.2");
    body = request.body().getBytes(StandardCharsets.UTF_8);
    catalog = PolicyDocument.compile(TenantFleet.demoPolicy(), 1).catalog();
  }

  @Benchmark
  public Optional<String> peekWorkspace() {
    return FormBody.peek(request.body(), "team_id");
  }

  @Benchmark
  public boolean verifySignature() {
    return SlackSignature.matches(SlackRequest.SIGNING_SECRET, request.timestamp(), body, request.signature());
  }

  @Benchmark
  public boolean boltVerifySignature() {
    return boltVerifier.isValid(request.timestamp(), request.body(), request.signature());
  }

  @Benchmark
  public SlashCommandPayload boltDecodeForm() {
    return boltParser.parse(request.body());
  }

  @Benchmark
  public SlashCommand decodeForm() {
    return SlashCommand.from(FormBody.parse(request.body()));
  }

  @Benchmark
  public ParsedCommand parseCommand() {
    return parser.parse(catalog, "deploy production api,web --version 1.4.2");
  }
}

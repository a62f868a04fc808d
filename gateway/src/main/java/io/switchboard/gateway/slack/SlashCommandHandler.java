package io.switchboard.gateway.slack;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.job.NewJob;
import io.switchboard.gateway.CommandRefusals;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.JobCancellations;
import io.switchboard.gateway.JobEnqueuer;
import io.switchboard.tenancy.SlackInstallation;
import io.switchboard.tenancy.command.BuiltinCommand;
import io.switchboard.tenancy.command.CommandParser;
import io.switchboard.tenancy.command.ParsedCommand;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.Decision;
import io.switchboard.tenancy.policy.PolicyDecider;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.apache.commons.codec.digest.DigestUtils;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code POST /slack/commands}: the path of one slash command, step by step, in this order:
 * <ol>
 *   <li>read the raw body (at most 64 KiB);</li>
 *   <li>authenticate it: signature, timestamp, installed team ({@link SlackRequestAuthenticator});</li>
 *   <li>parse the form and the command text ({@link CommandParser});</li>
 *   <li>decide ({@link PolicyDecider}); a refusal is audited and told to the user; {@code help} and
 *       {@code cancel} are answered here;</li>
 *   <li>queue the job with its audit records ({@link JobEnqueuer});</li>
 *   <li>acknowledge with an ephemeral message. The result is posted later to {@code response_url}.</li>
 * </ol>
 */
public final class SlashCommandHandler implements Handler<RoutingContext> {

  public static final int MAX_BODY_BYTES = 64 * 1024;
  private static final String PLATFORM = "slack";
  private static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

  private final SlackRequestAuthenticator authenticator;
  private final CommandParser parser;
  private final PolicyDecider policy;
  private final JobEnqueuer enqueuer;
  private final JobCancellations cancellations;
  private final CommandRefusals refusals;
  private final List<String> responseUrlPrefixes;
  private final GatewayMetrics metrics;

  public SlashCommandHandler(SlackRequestAuthenticator authenticator, CommandParser parser, PolicyDecider policy,
                             JobEnqueuer enqueuer, JobCancellations cancellations, CommandRefusals refusals,
                             List<String> responseUrlPrefixes, GatewayMetrics metrics) {
    this.authenticator = authenticator;
    this.parser = parser;
    this.policy = policy;
    this.enqueuer = enqueuer;
    this.cancellations = cancellations;
    this.refusals = refusals;
    this.responseUrlPrefixes = responseUrlPrefixes;
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    metrics.received(PLATFORM);
    RawBody.read(ctx.request(), MAX_BODY_BYTES)
        .compose(body -> authenticator.authenticate(ctx.request().headers(), body)
            .compose(installation -> answer(ctx, installation, body)))
        .onSuccess(reply -> {
          ctx.json(reply);
          metrics.acknowledged(start);
        })
        .onFailure(failure -> {
          if (failure instanceof SwitchboardException refusal) {
            metrics.refused(PLATFORM, refusal.code().wire());
          }
          ctx.fail(failure);
        });
  }

  private Future<JsonObject> answer(RoutingContext ctx, SlackInstallation installation, Buffer body) {
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase().startsWith(FORM_CONTENT_TYPE)) {
      throw new SwitchboardException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "slash commands must be " + FORM_CONTENT_TYPE);
    }
    SlashCommand command = parseForm(body.toString());
    if (!command.teamId().equals(installation.teamId())) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the body names two Slack teams");
    }
    checkResponseUrl(command.responseUrl());
    CommandRequest request = new CommandRequest(installation.tenantId(), PLATFORM, command.userId(), command.channelId());
    ParsedCommand parsed = parser.parse(command.text());
    if (parsed instanceof ParsedCommand.HelpRequest) {
      return Future.succeededFuture(SlackText.ephemeral(help(request, command.command())));
    }
    if (parsed instanceof ParsedCommand.Unrecognised unrecognised) {
      return refuse(request, command, "unknown_command", unrecognised.message());
    }
    if (parsed instanceof ParsedCommand.CancelRequest cancel) {
      return cancel(request, command, cancel.jobId());
    }
    ParsedCommand.Invocation invocation = (ParsedCommand.Invocation) parsed;
    Decision decision = policy.decide(request, invocation.command());
    if (!decision.allowed()) {
      return refuse(request, command, "denied", decision.reason());
    }
    return enqueuer.enqueue(newJob(request, command, invocation)).map(enqueued -> {
      if (enqueued.duplicate()) {
        metrics.refused(PLATFORM, "duplicate_delivery");
        return SlackText.ephemeral("Already queued as job " + enqueued.jobId() + " (this request arrived twice).");
      }
      metrics.queued(PLATFORM);
      return SlackText.ephemeral("Queued as job " + enqueued.jobId() + ": " + SlackText.code(command.text().strip())
          + ". The result will be posted here.");
    });
  }

  /** Chat users may cancel only the jobs they started (until roles say otherwise). */
  private Future<JsonObject> cancel(CommandRequest request, SlashCommand command, long jobId) {
    Decision decision = policy.decide(request, BuiltinCommand.CANCEL);
    if (!decision.allowed()) {
      return refuse(request, command, "denied", decision.reason());
    }
    return cancellations.cancel(request.tenantId(), jobId, request.userId(), true).map(outcome -> SlackText.ephemeral(
        switch (outcome) {
          case CANCELLED -> "Cancelled job " + jobId + " before it started.";
          case STOPPING -> "Stopping job " + jobId + "; its result will say when it has stopped.";
          case ALREADY_FINISHED -> "Job " + jobId + " has already ended (or is already being cancelled).";
          case NOT_YOURS -> "Job " + jobId + " was started by someone else; you can cancel only your own jobs.";
          case NOT_FOUND -> "There is no job " + jobId + " here.";
        }));
  }

  private static SlashCommand parseForm(String body) {
    try {
      return SlashCommand.from(FormBody.parse(body));
    } catch (IllegalArgumentException e) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "malformed slash command: " + e.getMessage());
    }
  }

  private void checkResponseUrl(String responseUrl) {
    boolean allowed = responseUrlPrefixes.stream().anyMatch(responseUrl::startsWith);
    boolean wellFormed;
    try {
      URI uri = new URI(responseUrl);
      wellFormed = ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (java.net.URISyntaxException e) {
      wellFormed = false;
    }
    if (!allowed || !wellFormed) {
      throw new SwitchboardException(ErrorCode.INVALID_RESPONSE_URL,
          "response_url must be a Slack response URL (" + String.join(", ", responseUrlPrefixes) + ")");
    }
  }

  private Future<JsonObject> refuse(CommandRequest request, SlashCommand command, String reason, String message) {
    metrics.refused(PLATFORM, reason);
    return refusals.record(request, command.text(), message).map(v -> SlackText.ephemeral(message));
  }

  private String help(CommandRequest request, String slashCommand) {
    String lines = Arrays.stream(BuiltinCommand.values())
        .filter(c -> policy.decide(request, c).allowed())
        .map(c -> "• " + SlackText.code(slashCommand + " " + c.usage()) + " — " + c.description())
        .collect(Collectors.joining("\n"));
    return "Commands you can run here:\n" + lines;
  }

  private static NewJob newJob(CommandRequest request, SlashCommand command, ParsedCommand.Invocation invocation) {
    String delivery = command.triggerId().isEmpty()
        ? DigestUtils.sha256Hex(command.responseUrl())
        : DigestUtils.sha256Hex(command.teamId() + "\n" + command.triggerId());
    JsonObject replyTo = new JsonObject().put("kind", "slack_response_url").put("url", command.responseUrl());
    return new NewJob(request.tenantId(), "slack:" + delivery, PLATFORM, request.userId(), request.channelId(),
        invocation.command().word(), (command.command() + " " + command.text()).strip(), invocation.action(),
        invocation.arguments(), replyTo);
  }
}

package io.switchboard.gateway.slack;

import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.switchboard.tenancy.SlackInstallation;
import io.switchboard.tenancy.command.CommandParser;
import io.switchboard.tenancy.command.ParsedCommand;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Offers a form for a slash command that names a catalog command but lacks required arguments: opens
 * the command's modal ({@link CommandForms}) with {@code views.open} and the command's
 * {@code trigger_id} (which Slack honours for 3 s, so this happens first, on the Web API worker pool)
 * and answers what to tell the user. Answers empty, so that the command takes its usual path and gets
 * its precise parse error, when the command is complete or wrong rather than incomplete, when it
 * carries no trigger, or when the modal could not be opened (no bot token, an expired trigger, Slack
 * unreachable).
 */
public final class CommandFormOpener {

  private static final Logger LOG = LoggerFactory.getLogger(CommandFormOpener.class);
  /** Past this, the slash command's own 3 s would run out; the parse error is answered instead. */
  private static final Duration OPEN_TIMEOUT = Duration.ofMillis(2000);

  private final PolicyDirectory policies;
  private final CommandParser parser;
  private final SlackWebApi slackApi;
  private final SlackBotTokens botTokens;

  public CommandFormOpener(PolicyDirectory policies, CommandParser parser, SlackWebApi slackApi,
                           SlackBotTokens botTokens) {
    this.policies = policies;
    this.parser = parser;
    this.slackApi = slackApi;
    this.botTokens = botTokens;
  }

  /** The answer to the slash command when a form was opened for it; empty otherwise. */
  Future<Optional<JsonObject>> offer(SlackInstallation installation, SlashCommand command) {
    if (command.triggerId().isBlank()) {
      return Future.succeededFuture(Optional.empty());
    }
    return policies.policyOf(installation.tenantId()).compose(policy -> {
      ParsedCommand parsed = parser.parse(policy.catalog(), command.text());
      Optional<ParsedCommand.Incomplete> incomplete = parsed instanceof ParsedCommand.Unrecognised unrecognised
          ? unrecognised.incomplete() : Optional.empty();
      Optional<JsonObject> modal = incomplete.flatMap(found -> CommandForms.modal(found.command(), command.command(),
          found.written(), new FormMetadata(found.command().name(), command.command(), command.channelId(),
              command.responseUrl())));
      if (modal.isEmpty()) {
        return Future.succeededFuture(Optional.<JsonObject>empty());
      }
      String name = incomplete.get().command().name();
      return botTokens.require(installation.tenantId(), installation.teamId())
          .compose(token -> slackApi.openView(token, command.triggerId(), modal.get()))
          .timeout(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .map(viewId -> Optional.of(SlackText.ephemeral("I opened a form for the rest of "
              + SlackText.code(command.command() + " " + name) + "; the answer will be posted here.")))
          .otherwise(failure -> {
            LOG.info("Could not open the form for {} {} in {}: {}", command.command(), name, installation.teamId(),
                failure.toString());
            return Optional.empty();
          });
    });
  }
}

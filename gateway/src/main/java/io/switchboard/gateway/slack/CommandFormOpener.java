package io.switchboard.gateway.slack;

import io.switchboard.gateway.command.IncompleteCommands;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.message.ChatText;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.switchboard.tenancy.SlackInstallation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Offers a form for a slash command that names a catalog command but lacks required arguments: the
 * command pipeline, having parsed the command, asks ({@link IncompleteCommands}); this opens the
 * command's modal ({@link CommandForms}) with {@code views.open} and the command's {@code trigger_id}
 * (which Slack honours for 3 s) and answers what to tell the user. Answers empty, so that the command
 * gets its precise parse error, when the command carries no trigger or the modal could not be opened
 * (no bot token, an expired trigger, Slack unreachable).
 */
public final class CommandFormOpener {

  private static final Logger LOG = LoggerFactory.getLogger(CommandFormOpener.class);
  /** Past this, the slash command's own 3 s would run out; the parse error is answered instead. */
  private static final Duration OPEN_TIMEOUT = Duration.ofMillis(2000);

  private final SlackWebApi slackApi;
  private final SlackBotTokens botTokens;

  public CommandFormOpener(SlackWebApi slackApi, SlackBotTokens botTokens) {
    this.slackApi = slackApi;
    this.botTokens = botTokens;
  }

  /** The forms of one slash command's delivery. */
  IncompleteCommands forCommand(SlackInstallation installation, SlashCommand command) {
    if (command.triggerId().isBlank()) {
      return IncompleteCommands.NONE;
    }
    return incomplete -> {
      Optional<JsonObject> modal = CommandForms.modal(incomplete.command(), command.command(), incomplete.written(),
          new FormMetadata(incomplete.command().name(), command.command(), command.channelId(), command.responseUrl()));
      if (modal.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      String name = incomplete.command().name();
      return botTokens.require(installation.tenantId(), installation.teamId())
          .compose(token -> slackApi.openView(token, command.triggerId(), modal.get()))
          .timeout(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .map(viewId -> Optional.of(ChatMessage.ephemeral(ChatText.builder().plain("I opened a form for the rest of ")
              .code(command.command() + " " + name).plain("; the answer will be posted here.").build())))
          .otherwise(failure -> {
            LOG.info("Could not open the form for {} {} in {}: {}", command.command(), name, installation.teamId(),
                failure.toString());
            return Optional.empty();
          });
    };
  }
}

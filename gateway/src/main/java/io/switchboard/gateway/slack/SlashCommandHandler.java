package io.switchboard.gateway.slack;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.command.ChatCommand;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.tenancy.SlackInstallation;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.apache.commons.codec.digest.DigestUtils;

import java.util.Optional;

/**
 * {@code POST /slack/commands}: a slash command. The front ({@link SignedSlackEndpoint}) reads and
 * authenticates the request; this class parses the form, checks the {@code response_url}, and runs
 * the command through the {@link CommandPipeline} (parse, decide, limit, enqueue or hold). The
 * pipeline's message is the ephemeral acknowledgement (with a Cancel button when a job was queued);
 * the result, with a Rerun button, is posted later to {@code response_url}. A command that names a
 * catalog command but lacks required arguments is first offered a form for them
 * ({@link CommandFormOpener}); only if none could be opened does it get its parse error.
 */
public final class SlashCommandHandler extends SignedSlackEndpoint {

  private final CommandPipeline pipeline;
  private final SlackResponseUrls responseUrls;
  private final CommandFormOpener forms;

  public SlashCommandHandler(SlackRequestAuthenticator authenticator, CommandPipeline pipeline,
                             SlackResponseUrls responseUrls, CommandFormOpener forms, GatewayMetrics metrics) {
    super(authenticator, metrics);
    this.pipeline = pipeline;
    this.responseUrls = responseUrls;
    this.forms = forms;
  }

  /**
   * The workspace the unverified body names: the team, or for an Enterprise Grid org-wide install
   * ({@code is_enterprise_install=true}) the organisation, which is what such an installation binds.
   */
  @Override
  protected Optional<String> claimedTeam(Buffer body) {
    String form = body.toString();
    return FormBody.peek(form, "is_enterprise_install").filter("true"::equals).isPresent()
        ? FormBody.peek(form, "enterprise_id")
        : FormBody.peek(form, "team_id");
  }

  @Override
  protected Future<JsonObject> answer(SlackInstallation installation, Buffer body) {
    SlashCommand command = parseForm(body.toString());
    if (!command.teamId().equals(installation.teamId()) && !claimedTeam(body).equals(Optional.of(installation.teamId()))) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the body names two Slack teams");
    }
    responseUrls.check(command.responseUrl());
    return run(installation, command);
  }

  private Future<JsonObject> run(SlackInstallation installation, SlashCommand command) {
    JsonObject replyTo = new JsonObject().put("kind", SlackResponseUrlResults.KIND).put("url", command.responseUrl());
    return pipeline.run(new ChatCommand(installation.tenantId(), installation.teamId(), command.userId(),
        command.channelId(), command.command(), command.text(), deliveryKey(command), replyTo),
        forms.forCommand(installation, command)).map(SlackMessages::answer);
  }

  /** Slack's {@code trigger_id} names one delivery of a command; old payloads without it have their response_url. */
  private static String deliveryKey(SlashCommand command) {
    return command.triggerId().isEmpty()
        ? DigestUtils.sha256Hex(command.responseUrl())
        : DigestUtils.sha256Hex(command.teamId() + "\n" + command.triggerId());
  }

  private static SlashCommand parseForm(String body) {
    try {
      return SlashCommand.from(FormBody.parse(body));
    } catch (IllegalArgumentException e) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "malformed slash command: " + e.getMessage());
    }
  }
}

package io.switchboard.gateway.mattermost;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.http.MediaTypes;
import io.switchboard.core.http.RawBody;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.command.ChatCommand;
import io.switchboard.gateway.command.CommandAnswer;
import io.switchboard.gateway.command.CommandPipeline;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code POST /mattermost/commands}, a Mattermost custom slash command (form-encoded), in this order:
 * the body is read (at most {@link #MAX_BODY_BYTES}; declared as anything but a form: 415), its
 * {@code team_id} and {@code token} authenticate it ({@link MattermostRequestAuthenticator}: 401
 * before anything runs), the other fields it needs are there ({@code channel_id}, {@code user_id},
 * {@code command}, {@code trigger_id}; else 400), then it runs through the shared command pipeline
 * for the team's tenant as {@code mattermost:user:<user_id>}. A queued job is answered with no post
 * of the response's own: the team's bot posts the job's message, which its progress and result then
 * edit ({@link MattermostJobPosts}). Anything else is the response: shown only to the user
 * ({@code ephemeral}) or to the channel ({@code in_channel}, an approval card with its buttons) as the
 * pipeline's message says. The {@code trigger_id}, unique per invocation, is the delivery key, so the
 * same request delivered twice queues one job.
 */
public final class MattermostCommands implements Handler<RoutingContext> {

  static final int MAX_BODY_BYTES = 64 * 1024;

  private final MattermostRequestAuthenticator authenticator;
  private final CommandPipeline pipeline;
  private final MattermostJobPosts posts;
  private final Optional<String> actionsUrl;
  private final GatewayMetrics metrics;

  public MattermostCommands(MattermostRequestAuthenticator authenticator, CommandPipeline pipeline,
                            MattermostJobPosts posts, Optional<String> actionsUrl, GatewayMetrics metrics) {
    this.authenticator = authenticator;
    this.pipeline = pipeline;
    this.posts = posts;
    this.actionsUrl = actionsUrl;
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    metrics.received(MattermostSettings.PLATFORM);
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && !"application/x-www-form-urlencoded".equals(MediaTypes.of(type))) {
      MattermostAnswer.refuse(ctx, metrics, new SwitchboardException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "a Mattermost slash command is application/x-www-form-urlencoded"));
      return;
    }
    MattermostAnswer.send(ctx, start, metrics, RawBody.read(ctx.request(), MAX_BODY_BYTES)
        .map(body -> FormFields.parse(body.toString(StandardCharsets.UTF_8)))
        .compose(form -> authenticator.command(form.get("team_id"), form.get("token"))
            .compose(team -> run(team, form))), "Posting the message of a Mattermost command's job");
  }

  private Future<MattermostAnswer> run(VerifiedTeam team, FormFields form) {
    String channelId = id(form, "channel_id");
    String userId = id(form, "user_id");
    String command = form.required("command").strip();
    String triggerId = form.required("trigger_id");
    String text = form.get("text").orElse("").strip();
    MattermostReplyTo to = new MattermostReplyTo(team.teamId(), channelId, userId);
    ChatCommand chat = new ChatCommand(team.tenantId(), team.teamId(), userId, channelId,
        command.startsWith("/") ? command : "/" + command, text, team.teamId() + ":" + triggerId, to.toJson());
    return pipeline.run(chat).map(answer -> answer(team, to, answer));
  }

  private MattermostAnswer answer(VerifiedTeam team, MattermostReplyTo to, CommandAnswer answer) {
    if (answer.queuedJob().isPresent()) {
      long jobId = answer.queuedJob().get();
      return new MattermostAnswer(new JsonObject(),
          () -> posts.acknowledge(team.tenantId(), jobId, to, answer.message()));
    }
    MattermostButtons buttons = new MattermostButtons(actionsUrl, team.teamId(), team.credentials().actionKey());
    return MattermostAnswer.of(MattermostPosts.commandResponse(MattermostPosts.of(answer.message(), buttons),
        answer.ephemeral()));
  }

  /** A Mattermost id field: present and shaped like an id, else a 400 naming it. */
  static String id(FormFields form, String name) {
    String value = form.required(name);
    if (!MattermostReplyTo.isId(value)) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the slash command's " + name + " is not an id");
    }
    return value;
  }
}

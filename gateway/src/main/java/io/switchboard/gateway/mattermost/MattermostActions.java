package io.switchboard.gateway.mattermost;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.http.MediaTypes;
import io.switchboard.core.http.UnstorableCharacters;
import io.switchboard.core.http.RawBody;
import io.switchboard.core.job.Job;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.GroupMemberships;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.approval.Approvals;
import io.switchboard.gateway.command.CancelMessages;
import io.switchboard.gateway.command.ChatCommand;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.jobs.JobCancellations;
import io.switchboard.jobs.JobStore;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code POST /mattermost/actions}: a click on one of Switchboard's buttons, which the team's Mattermost
 * server sends as JSON with the button's context. In this order: the body is read (at most
 * {@link MattermostCommands#MAX_BODY_BYTES}; declared as anything but JSON: 415; empty: 401; not a JSON
 * object: 400), the
 * context's proof is checked against the team's button key ({@link MattermostRequestAuthenticator#click}:
 * 401 before anything else is looked up), the request's own {@code team_id}, when given, is the
 * context's team (else 401), and the clicking user and channel are ids (else 400). Then, as the
 * clicking user of the team's tenant:
 * <ul>
 *   <li>Approve / Deny votes through {@link Approvals#vote} (the requester's own vote and a vote by
 *       someone who may not approve are refused there, told only to the voter); a counted vote replaces
 *       the card, and the vote that approves posts the queued job's message ({@link MattermostJobPosts});</li>
 *   <li>Cancel stops only the user's own job, told only to them;</li>
 *   <li>Rerun runs the job's command again through the command pipeline as the clicking user (its
 *       policy, limits and approvals), its delivery key the click's {@code trigger_id}.</li>
 * </ul>
 * A job or approval of another tenant or platform does not exist.
 */
public final class MattermostActions implements Handler<RoutingContext> {

  private final MattermostRequestAuthenticator authenticator;
  private final PolicyDirectory policies;
  private final GroupMemberships groups;
  private final Approvals approvals;
  private final JobCancellations cancellations;
  private final CommandPipeline pipeline;
  private final MattermostJobPosts posts;
  private final Pool pool;
  private final Optional<String> actionsUrl;
  private final GatewayMetrics metrics;
  private final Clock clock;

  public MattermostActions(MattermostRequestAuthenticator authenticator, PolicyDirectory policies,
                           GroupMemberships groups, Approvals approvals, JobCancellations cancellations,
                           CommandPipeline pipeline, MattermostJobPosts posts, Pool pool, Optional<String> actionsUrl,
                           GatewayMetrics metrics, Clock clock) {
    this.authenticator = authenticator;
    this.policies = policies;
    this.groups = groups;
    this.approvals = approvals;
    this.cancellations = cancellations;
    this.pipeline = pipeline;
    this.posts = posts;
    this.pool = pool;
    this.actionsUrl = actionsUrl;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** One click, once its JSON is read: who clicked where, and the button's context. */
  record Click(JsonObject request, String team, String action, String value, Optional<String> proof) {

    static Click parse(Buffer body) {
      if (body.length() == 0) {
        throw new SwitchboardException(ErrorCode.MISSING_SIGNATURE, "the click has no button context");
      }
      Object parsed;
      try {
        parsed = Json.decodeValue(body);
      } catch (DecodeException e) {
        throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the click is not JSON");
      }
      if (!(parsed instanceof JsonObject request)) {
        throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the click is not a JSON object");
      }
      UnstorableCharacters.refuseIn(request);
      if (!(request.getValue("context") instanceof JsonObject context)) {
        throw new SwitchboardException(ErrorCode.MISSING_SIGNATURE, "the click has no button context");
      }
      Object team = context.getValue(MattermostButtons.TEAM);
      Object action = context.getValue(MattermostButtons.ACTION);
      Object value = context.getValue(MattermostButtons.VALUE);
      Object proof = context.getValue(MattermostButtons.PROOF);
      if (!(team instanceof String t) || !(action instanceof String a) || !(value instanceof String v)) {
        throw new SwitchboardException(ErrorCode.MISSING_SIGNATURE, "the button context is not Switchboard's");
      }
      return new Click(request, t, a, v, proof instanceof String p && !p.isEmpty() ? Optional.of(p) : Optional.empty());
    }

    String field(String name) {
      Object found = request.getValue(name);
      if (!MattermostReplyTo.isId(found)) {
        throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the click's " + name + " is missing or not an id");
      }
      return (String) found;
    }

    long target() {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the button's value is not an id");
      }
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    metrics.received(MattermostSettings.PLATFORM);
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && !MediaTypes.isJson(type)) {
      MattermostAnswer.refuse(ctx, metrics,
          new SwitchboardException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "a Mattermost button click is JSON"));
      return;
    }
    MattermostAnswer.send(ctx, start, metrics, RawBody.read(ctx.request(), MattermostCommands.MAX_BODY_BYTES)
        .map(Click::parse)
        .compose(click -> authenticator.click(Optional.of(click.team()), click.action(), click.value(), click.proof())
            .compose(team -> answer(team, click))), "Following up a Mattermost button click");
  }

  private Future<MattermostAnswer> answer(VerifiedTeam team, Click click) {
    Object requestTeam = click.request().getValue("team_id");
    if (requestTeam != null && !team.teamId().equals(requestTeam)) {
      throw new SwitchboardException(ErrorCode.UNKNOWN_WORKSPACE, "the click comes from another team than its button");
    }
    String userId = click.field("user_id");
    String channelId = click.field("channel_id");
    long target = click.target();
    MattermostReplyTo to = new MattermostReplyTo(team.teamId(), channelId, userId);
    return switch (click.action()) {
      case ApprovalMessages.APPROVE, ApprovalMessages.DENY -> vote(team, to, target,
          ApprovalMessages.APPROVE.equals(click.action()));
      case JobButtons.CANCEL -> cancellations.cancel(team.tenantId(), target, userId, true)
          .map(outcome -> told(CancelMessages.of(outcome, target)));
      case JobButtons.RERUN -> rerun(team, to, target, click);
      default -> throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "no such button");
    };
  }

  private Future<MattermostAnswer> vote(VerifiedTeam team, MattermostReplyTo to, long approvalId,
                                                 boolean approve) {
    CommandRequest voter = new CommandRequest(team.tenantId(), MattermostSettings.PLATFORM, team.teamId(),
        to.userId(), to.channelId());
    return policies.policyOf(team.tenantId())
        .compose(policy -> groups.groupsOf(policy, voter)
            .compose(found -> approvals.vote(voter.withGroups(found), approvalId, approve, policy, to.toJson(),
                clock.instant())))
        .map(result -> switch (result.outcome()) {
          case RECORDED, DENIED, EXPIRED, CLOSED -> replaced(team, ApprovalMessages.afterVote(result), () ->
              Future.succeededFuture());
          case APPROVED -> replaced(team, ApprovalMessages.afterVote(result), () -> result.approval().jobId()
              .map(jobId -> posts.acknowledge(team.tenantId(), jobId, to, ChatMessage.ephemeral(
                  "Approved: queued as job " + jobId + ". The result will be posted here.")))
              .orElseGet(Future::succeededFuture));
          case ALREADY_VOTED, OWN_REQUEST, NOT_APPROVER, NOT_FOUND ->
              told(ApprovalMessages.voteRefused(result, approvalId).orElseThrow());
        });
  }

  private Future<MattermostAnswer> rerun(VerifiedTeam team, MattermostReplyTo to, long jobId, Click click) {
    Object trigger = click.request().getValue("trigger_id");
    if (!(trigger instanceof String triggerId) || triggerId.isBlank()) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the click has no trigger_id");
    }
    return JobStore.find(pool, team.tenantId(), jobId).compose(found -> {
      Optional<Job> job = found.filter(j -> MattermostSettings.PLATFORM.equals(j.platform()));
      if (job.isEmpty()) {
        return Future.succeededFuture(told(CancelMessages.noSuchJob(jobId)));
      }
      ChatCommand chat = ChatCommand.rerun(job.get(), team.teamId(), to.userId(), to.channelId(),
          team.teamId() + ":" + triggerId, to.toJson(), Set.of());
      return pipeline.run(chat).map(answer -> answer.queuedJob().isPresent()
          ? new MattermostAnswer(new JsonObject(),
              () -> posts.acknowledge(team.tenantId(), answer.queuedJob().get(), to, answer.message()))
          : answer.ephemeral() ? told(answer.message())
          : new MattermostAnswer(new JsonObject(), () -> posts.post(team.tenantId(), to, answer.message())));
    });
  }

  /** The clicked post becomes {@code message}; then {@code after} runs. */
  private MattermostAnswer replaced(VerifiedTeam team, ChatMessage message, Supplier<Future<Void>> after) {
    MattermostButtons buttons = new MattermostButtons(actionsUrl, team.teamId(), team.credentials().actionKey());
    return new MattermostAnswer(MattermostPosts.update(MattermostPosts.of(message, buttons)), after);
  }

  private static MattermostAnswer told(ChatMessage message) {
    return MattermostAnswer.of(MattermostPosts.ephemeral(message));
  }
}

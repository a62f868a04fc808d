package io.switchboard.gateway.slack;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.GroupMemberships;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.approval.Approvals;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.tenancy.SlackInstallation;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /slack/interactions}: button clicks on Switchboard's messages and submissions of its
 * command forms. The request is authenticated exactly like a slash command
 * ({@link SignedSlackEndpoint}); then a click on Approve or Deny of an approval card is a vote by the
 * clicking user, checked and counted by {@link Approvals}, a click on Cancel or Rerun of a job's
 * message goes to {@link SlackJobClicks}, and a {@code view_submission} of a command form goes to
 * {@link SlackViewSubmissions} ({@code view_closed} needs nothing). Any other action, callback or
 * payload type is a 400. Slack gets its 200 once the effect is durable; the card is updated, or the
 * user told what happened, through the payload's {@code response_url} (for a form, the slash
 * command's).
 */
public final class SlackInteractionHandler extends SignedSlackEndpoint {

  private static final Set<String> JOB_ACTIONS = Set.of(JobButtons.CANCEL, JobButtons.RERUN);

  private final PolicyDirectory policies;
  private final Approvals approvals;
  private final SlackResponseUrls responseUrls;
  private final SlackMessagePoster poster;
  private final Clock clock;
  private final GroupMemberships groups;
  private final SlackJobClicks jobClicks;
  private final SlackViewSubmissions viewSubmissions;

  public SlackInteractionHandler(SlackRequestAuthenticator authenticator, PolicyDirectory policies, Approvals approvals,
                                 SlackResponseUrls responseUrls, SlackMessagePoster poster, GatewayMetrics metrics,
                                 Clock clock, GroupMemberships groups, SlackJobClicks jobClicks,
                                 CommandPipeline pipeline) {
    super(authenticator, metrics);
    this.jobClicks = jobClicks;
    this.viewSubmissions = new SlackViewSubmissions(policies, pipeline, responseUrls, poster);
    this.policies = policies;
    this.approvals = approvals;
    this.responseUrls = responseUrls;
    this.poster = poster;
    this.clock = clock;
    this.groups = groups;
  }

  @Override
  protected Future<JsonObject> answer(SlackInstallation installation, Buffer body) {
    JsonObject payload = payload(body);
    String type = String.valueOf(payload.getValue("type"));
    if (type.equals("view_submission") || type.equals("view_closed")) {
      return view(installation, payload, type.equals("view_submission"));
    }
    if (!type.equals("block_actions")) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "unsupported interaction type '" + type + "'");
    }
    SlackClick click = parse(payload);
    if (!click.teamId().equals(installation.teamId())) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the payload names two Slack teams");
    }
    responseUrls.check(click.responseUrl());
    if (JOB_ACTIONS.contains(click.actionId())) {
      return jobClicks.click(installation, click).map(v -> null);
    }
    CommandRequest voter = new CommandRequest(installation.tenantId(), PLATFORM, installation.teamId(), click.userId(),
        click.channelId());
    boolean approve = click.actionId().equals(ApprovalMessages.APPROVE);
    return policies.policyOf(installation.tenantId())
        .compose(policy -> groups.groupsOf(policy, voter).compose(userGroups -> approvals.vote(
            voter.withGroups(userGroups), click.targetId(), approve, policy,
            new JsonObject().put("kind", SlackResponseUrlResults.KIND).put("url", click.responseUrl()), clock.instant())))
        .map(result -> {
          poster.post(click.responseUrl(), message(result, click));
          return (JsonObject) null;
        });
  }

  /** A command form submitted (or closed, which needs nothing) by the payload's user, in the installation's team. */
  private Future<JsonObject> view(SlackInstallation installation, JsonObject payload, boolean submitted) {
    try {
      String team = teamOf(payload).orElseThrow(() -> new IllegalArgumentException("team.id is missing"));
      JsonObject view = object(payload, "view");
      if (!team.equals(installation.teamId())) {
        throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the payload names two Slack teams");
      }
      if (!CommandForms.CALLBACK_ID.equals(view.getValue("callback_id"))) {
        throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST,
            "unknown callback_id '" + view.getValue("callback_id") + "'");
      }
      String userId = required(object(payload, "user").getString("id"), "user.id");
      return submitted ? viewSubmissions.submit(installation, userId, view) : Future.succeededFuture();
    } catch (ClassCastException | IllegalArgumentException e) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "malformed view payload: " + e.getMessage());
    }
  }

  private static JsonObject message(Approvals.VoteResult result, SlackClick click) {
    return SlackMessages.of(ApprovalMessages.voteRefused(result, click.targetId())
        .map(refused -> refused.placed(ChatMessage.Placement.NEW))
        .orElseGet(() -> ApprovalMessages.afterVote(result)));
  }

  @Override
  protected Optional<String> claimedTeam(Buffer body) {
    try {
      return FormBody.peek(body.toString(), "payload").map(JsonObject::new).flatMap(SlackInteractionHandler::teamOf);
    } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> teamOf(JsonObject payload) {
    JsonObject enterprise = payload.getValue("enterprise") instanceof JsonObject e ? e : null;
    if (payload.getBoolean("is_enterprise_install", false) && enterprise != null && enterprise.getString("id") != null) {
      return Optional.of(enterprise.getString("id"));
    }
    JsonObject team = payload.getJsonObject("team");
    if (team != null && team.getString("id") != null) {
      return Optional.of(team.getString("id"));
    }
    JsonObject user = payload.getJsonObject("user");
    return Optional.ofNullable(user == null ? null : user.getString("team_id"));
  }

  private static JsonObject payload(Buffer body) {
    try {
      return new JsonObject(FormBody.parse(body.toString()).require("payload"));
    } catch (DecodeException | IllegalArgumentException e) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "malformed interaction payload: " + e.getMessage());
    }
  }

  private static SlackClick parse(JsonObject payload) {
    try {
      JsonArray actions = payload.getJsonArray("actions");
      if (actions == null || actions.size() != 1) {
        throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "a click carries exactly one action");
      }
      JsonObject action = actions.getJsonObject(0);
      if (action == null) {
        throw new IllegalArgumentException("actions[0] is not an object");
      }
      // Required before the lookups below: an immutable set's contains(null) throws.
      String actionId = required(action.getString("action_id"), "actions[0].action_id");
      if (!ApprovalMessages.APPROVE.equals(actionId) && !ApprovalMessages.DENY.equals(actionId)
          && !JOB_ACTIONS.contains(actionId)) {
        throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "unknown action '" + actionId + "'");
      }
      long targetId = Long.parseLong(required(action.getString("value"), "actions[0].value"));
      if (targetId <= 0) {
        throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "actions[0].value is not an id");
      }
      String team = teamOf(payload).orElseThrow(() -> new IllegalArgumentException("team.id is missing"));
      String triggerId = payload.getString("trigger_id", "");
      String actionTs = action.getString("action_ts", "");
      if (JOB_ACTIONS.contains(actionId) && triggerId.isBlank() && actionTs.isBlank()) {
        throw new IllegalArgumentException("trigger_id and actions[0].action_ts are missing");
      }
      return new SlackClick(team, required(object(payload, "user").getString("id"), "user.id"),
          required(object(payload, "channel").getString("id"), "channel.id"), actionId, targetId,
          required(payload.getString("response_url"), "response_url"), triggerId + "\n" + actionTs);
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "malformed interaction payload: " + e.getMessage());
    }
  }

  private static JsonObject object(JsonObject payload, String name) {
    JsonObject object = payload.getJsonObject(name);
    if (object == null) {
      throw new IllegalArgumentException(name + " is missing");
    }
    return object;
  }

  private static String required(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is missing");
    }
    return value;
  }
}

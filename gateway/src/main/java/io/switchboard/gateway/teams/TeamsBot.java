package io.switchboard.gateway.teams;

import io.switchboard.core.config.TeamsApp;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.http.Problems;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.JobCancellations;
import io.switchboard.gateway.WorkspaceClaimVerification;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.approval.Approval;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.approval.Approvals;
import io.switchboard.gateway.progress.JobProgressRelay;
import io.switchboard.gateway.reply.AnswerOutbox;
import io.switchboard.gateway.reply.ReplyChannel;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.ReplyMessage;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.tenancy.InstallationChanges;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The Microsoft Teams adapter, assembled: {@code POST /api/messages} ({@link TeamsMessagesHandler}),
 * the {@link ReplyChannel} for results of jobs started from Teams ({@value TeamsReplyTo#KIND}), the
 * progress relay, notices for approvals that expired, and group membership from Microsoft Graph for
 * {@code teams:group:} bindings of commands and approval votes ({@link TeamsGroupMemberships}), and
 * administrators' {@code verify <claim code>} ({@link TeamsWorkspaceClaims}).
 * Without a configured app ({@link TeamsApp#enabled()}) the endpoint answers 503 and nothing else starts.
 */
public final class TeamsBot {

  private static final Logger LOG = LoggerFactory.getLogger(TeamsBot.class);

  private final TeamsRequestAuthenticator authenticator;
  private final TeamsJobActivities jobActivities;
  private final TeamsAnswers answers;
  private final JobProgressRelay progressRelay;
  private final TeamsMessagesHandler handler;

  private TeamsBot(TeamsRequestAuthenticator authenticator, TeamsJobActivities jobActivities, TeamsAnswers answers,
                   JobProgressRelay progressRelay, TeamsMessagesHandler handler) {
    this.authenticator = authenticator;
    this.jobActivities = jobActivities;
    this.answers = answers;
    this.progressRelay = progressRelay;
    this.handler = handler;
  }

  /** The adapter, or empty when the app is not configured. */
  public static Optional<TeamsBot> create(Vertx vertx, Pool pool, WebClient client, TeamsApp app,
                                          CommandPipeline pipeline, PolicyDirectory policies,
                                          Approvals approvals, GatewayMetrics metrics, ChannelPacer pacer,
                                          InstallationChanges installationChanges, AnswerOutbox answerOutbox,
                                          WorkspaceClaimVerification claims, JobCancellations cancellations) {
    if (!app.enabled()) {
      return Optional.empty();
    }
    TeamsConnector connector = new TeamsConnector(vertx, client, new TeamsBotTokens(client, app, Clock.systemUTC()));
    GraphRequests graph = new GraphRequests(vertx, client, new TeamsGraphTokens(client, app, Clock.systemUTC()), metrics);
    TeamsGroupMemberships groups = new TeamsGroupMemberships(new GraphMemberGroups(graph, app.graphUrl()),
        Clock.systemUTC());
    TeamsJobActivities jobActivities = new TeamsJobActivities(pool, connector, metrics, pacer);
    TeamsAnswers answers = new TeamsAnswers(connector, jobActivities, answerOutbox);
    TeamsInstallationDirectory directory = new TeamsInstallationDirectory(pool, TeamsInstallationDirectory.DEFAULT_TTL);
    installationChanges.keepFresh(TeamsJobActivities.PLATFORM, directory::evict, directory::evictAll);
    TeamsRequestAuthenticator authenticator = new TeamsRequestAuthenticator(vertx, app);
    CommandPipeline grouped = pipeline.withGroupMemberships(groups);
    TeamsCommands commands = new TeamsCommands(grouped, answers,
        new TeamsApprovalVotes(policies, approvals, connector, groups, Clock.systemUTC()),
        new TeamsJobClicks(pool, cancellations, grouped, answers, connector));
    TeamsMessagesHandler handler = new TeamsMessagesHandler(authenticator, directory,
        new TeamsInstallations(pool, installationChanges, app.appId().orElseThrow()), commands,
        new TeamsWorkspaceClaims(new GraphDirectoryRoles(graph, app.graphUrl()), claims, connector), metrics);
    return Optional.of(new TeamsBot(authenticator, jobActivities, answers, new JobProgressRelay(vertx, TeamsJobActivities.PLATFORM,
        jobActivities::progress),
        handler));
  }

  /** Mounts {@code POST /api/messages}: the adapter's handler, or a 503 when there is no adapter. */
  public static void mount(Router router, Optional<TeamsBot> bot) {
    Handler<RoutingContext> notConfigured = ctx -> Problems.send(ctx, ErrorCode.NOT_CONFIGURED,
        "the Teams bot is not configured (SWITCHBOARD_TEAMS_APP_ID, SWITCHBOARD_TEAMS_APP_PASSWORD)");
    router.post("/api/messages").handler(bot.<Handler<RoutingContext>>map(b -> b.handler).orElse(notConfigured));
  }

  /** Delivers results of jobs started from Teams as the job's card, replaced in place. */
  public ReplyChannel replyChannel() {
    return job -> jobActivities.show(job.tenantId(), job.id(), TeamsReplyTo.fromJson(job.replyTo()),
        TeamsCards.reply(ReplyMessage.result(job).withButtons(JobButtons.forJob(job.id(), job.status()))));
  }

  /** Tells the command's thread that its approval expired. */
  public void expired(Approval approval) {
    answers.reply(approval.tenantId(), approval.requester(), TeamsReplyTo.fromJson(approval.replyTo()),
            TeamsCards.of(ApprovalMessages.decided(approval, List.of())))
        .onFailure(e -> LOG.warn("Posting the expiry of approval {} to Teams failed: {}", approval.id(), e.toString()));
  }

  public Future<Void> start() {
    return progressRelay.start();
  }

  public Future<Void> stop() {
    return progressRelay.stop().onComplete(ar -> authenticator.close());
  }
}

package io.switchboard.gateway.teams;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.http.Problems;
import io.switchboard.gateway.approval.Approval;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.progress.JobMessageProgress;
import io.switchboard.gateway.notify.BotTokens;
import io.switchboard.gateway.notify.ChannelNotificationDelivery;
import io.switchboard.gateway.notify.ChannelNotifications;
import io.switchboard.gateway.notify.NotificationOutbox;
import io.switchboard.gateway.reply.ReplyChannel;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.ReplyMessage;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.gateway.platform.GatewayServices;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The Microsoft Teams adapter, assembled: {@code POST /api/messages} ({@link TeamsMessagesHandler}),
 * the {@link ReplyChannel} for results of jobs started from Teams ({@value TeamsReplyTo#KIND}), the
 * editor of progress lines, notices for approvals that expired, and group membership from Microsoft Graph for
 * {@code teams:group:} bindings of commands and approval votes ({@link TeamsGroupMemberships}), and
 * administrators' {@code verify <claim code>} ({@link TeamsWorkspaceClaims}), and notifications to channels
 * ({@link TeamsNotificationChannel}).
 * Without a configured app ({@link TeamsApp#enabled()}) the endpoint answers 503 and nothing else starts.
 */
final class TeamsBot {

  private final TeamsRequestAuthenticator authenticator;
  private final TeamsJobActivities jobActivities;
  private final TeamsAnswers answers;
  private final TeamsMessagesHandler handler;
  private final TeamsConnector connector;
  private final TeamsServiceUrls serviceUrls;
  private final GatewayServices services;

  private TeamsBot(TeamsRequestAuthenticator authenticator, TeamsJobActivities jobActivities, TeamsAnswers answers,
                   TeamsMessagesHandler handler, TeamsConnector connector, TeamsServiceUrls serviceUrls,
                   GatewayServices services) {
    this.authenticator = authenticator;
    this.jobActivities = jobActivities;
    this.answers = answers;
    this.handler = handler;
    this.connector = connector;
    this.serviceUrls = serviceUrls;
    this.services = services;
  }

  /** The adapter, or empty when the app is not configured. */
  static Optional<TeamsBot> create(TeamsApp app, GatewayServices services) {
    if (!app.enabled()) {
      return Optional.empty();
    }
    Vertx vertx = services.vertx();
    WebClient client = services.http();
    Pool pool = services.pool();
    TeamsConnector connector = new TeamsConnector(vertx, client, new TeamsBotTokens(client, app, services.clock()),
        services.metrics());
    GraphRequests graph = new GraphRequests(vertx, client, new TeamsGraphTokens(client, app, services.clock()),
        services.metrics());
    TeamsGroupMemberships groups = new TeamsGroupMemberships(new GraphMemberGroups(graph, app.graphUrl()),
        services.clock());
    TeamsJobActivities jobActivities = new TeamsJobActivities(services.jobMessages(), services.jobMessageSteps(),
        connector, services.pacer());
    TeamsAnswers answers = new TeamsAnswers(connector, jobActivities, services.answers());
    TeamsInstallationDirectory directory = new TeamsInstallationDirectory(pool, TeamsInstallationDirectory.DEFAULT_TTL);
    services.installationChanges().keepFresh(TeamsJobActivities.PLATFORM, directory::evict, directory::evictAll);
    TeamsRequestAuthenticator authenticator = new TeamsRequestAuthenticator(vertx, app);
    CommandPipeline grouped = services.pipelines().forPlatform(TeamsJobActivities.PLATFORM).withGroupMemberships(groups);
    TeamsCommands commands = new TeamsCommands(grouped, answers,
        new TeamsApprovalVotes(services.policies(), services.approvals(), connector, groups, services.clock()),
        new TeamsJobClicks(pool, services.cancellations(), grouped, answers, connector));
    TeamsServiceUrls serviceUrls = new TeamsServiceUrls(pool);
    TeamsMessagesHandler handler = new TeamsMessagesHandler(authenticator, directory, serviceUrls,
        new TeamsInstallations(pool, services.installationChanges(), app.appId().orElseThrow()), commands,
        new TeamsWorkspaceClaims(new GraphDirectoryRoles(graph, app.graphUrl()), services.claims(), connector),
        services.metrics());
    return Optional.of(new TeamsBot(authenticator, jobActivities, answers, handler, connector, serviceUrls,
        services));  }

  /** Mounts {@code POST /api/messages}: the adapter's handler, or a 503 when there is no adapter. */
  static void mount(Router router, Optional<TeamsBot> bot) {
    Handler<RoutingContext> notConfigured = ctx -> Problems.send(ctx, ErrorCode.NOT_CONFIGURED,
        "the Teams bot is not configured (SWITCHBOARD_TEAMS_APP_ID, SWITCHBOARD_TEAMS_APP_PASSWORD)");
    router.post("/api/messages").handler(bot.<Handler<RoutingContext>>map(b -> b.handler).orElse(notConfigured));
  }

  /** Delivers results of jobs started from Teams as the job's card, replaced in place. */
  ReplyChannel replyChannel() {
    return job -> jobActivities.show(job.tenantId(), job.id(), TeamsReplyTo.fromJson(job.replyTo()),
        TeamsCards.reply(ReplyMessage.result(job).withButtons(JobButtons.forJob(job.id(), job.status()))));
  }

  /**
   * Notifications as proactive messages to channels, at the connector URL signed activities of the
   * Teams tenant named (a Teams tenant not heard from yet is refused).
   */
  ChannelNotifications notifications(NotificationOutbox outbox, Clock clock) {
    return new ChannelNotifications(new ChannelNotificationDelivery<>(
        new TeamsNotificationChannel(connector, serviceUrls), outbox, services.pacer(), services.metrics(), clock),
        BotTokens.of(serviceUrls::find, "has no known Bot Framework serviceUrl yet: Switchboard learns it from a "
            + "signed activity of that Teams tenant (add the bot to a team, or send it a message), then try again"));
  }

  /** Tells the command's thread that its approval expired. */
  Future<Void> expired(Approval approval) {
    return answers.reply(approval.tenantId(), approval.requester(), TeamsReplyTo.fromJson(approval.replyTo()),
        TeamsCards.of(ApprovalMessages.decided(approval, List.of())));
  }

  /** Replaces a job's card with a progress line that {@link JobMessageProgress} took for it. */
  JobMessageProgress.Editor progressEditor() {
    return jobActivities::progress;
  }

  Future<Void> stop() {
    authenticator.close();
    return Future.succeededFuture();
  }
}

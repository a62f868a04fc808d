package io.switchboard.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.audit.AuditAnchoring;
import io.switchboard.audit.AuditAnchors;
import io.switchboard.audit.AuditKey;
import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.http.OperationsRoutes;
import io.switchboard.core.http.Problems;
import io.switchboard.gateway.api.AdminApi;
import io.switchboard.gateway.api.NotificationsApi;
import io.switchboard.gateway.api.SlackInstallLinksApi;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.approval.Approvals;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.discord.DiscordAnswers;
import io.switchboard.gateway.discord.DiscordApi;
import io.switchboard.gateway.discord.DiscordApprovalClicks;
import io.switchboard.gateway.discord.DiscordBotTokens;
import io.switchboard.gateway.discord.DiscordCommands;
import io.switchboard.gateway.discord.DiscordEmbeds;
import io.switchboard.gateway.discord.DiscordGuilds;
import io.switchboard.gateway.discord.DiscordInteractionsHandler;
import io.switchboard.gateway.discord.DiscordJobClicks;
import io.switchboard.gateway.discord.DiscordJobMessages;
import io.switchboard.gateway.discord.DiscordRequestAuthenticator;
import io.switchboard.gateway.discord.DiscordText;
import io.switchboard.gateway.discord.InteractionWebhook;
import io.switchboard.gateway.notify.NotificationInbox;
import io.switchboard.gateway.notify.NotificationOutbox;
import io.switchboard.gateway.notify.NotificationSweeper;
import io.switchboard.gateway.notify.NotificationTargets;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.pacing.PacerTimers;
import io.switchboard.gateway.progress.JobProgressRelay;
import io.switchboard.gateway.reply.AnswerOutbox;
import io.switchboard.gateway.reply.ReplyChannel;
import io.switchboard.gateway.reply.ReplyMessage;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.JobResultReplier;
import io.switchboard.gateway.reply.ReplyOutbox;
import io.switchboard.gateway.sandbox.SandboxAccess;
import io.switchboard.gateway.sandbox.SandboxChat;
import io.switchboard.gateway.sandbox.SandboxCleanup;
import io.switchboard.gateway.sandbox.SandboxMessages;
import io.switchboard.gateway.sandbox.SandboxRendering;
import io.switchboard.gateway.sandbox.SandboxSession;
import io.switchboard.gateway.sandbox.SandboxSessions;
import io.switchboard.gateway.sandbox.SandboxVotes;
import io.switchboard.gateway.slack.SlackMessages;
import io.switchboard.gateway.slack.SlackNotificationDelivery;
import io.switchboard.gateway.slack.SlackResponseUrlResults;
import io.switchboard.gateway.slack.CommandFormOpener;
import io.switchboard.gateway.slack.SlackBotTokens;
import io.switchboard.gateway.slack.SlackOwnAppProof;
import io.switchboard.gateway.command.ChatBuiltins;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.gateway.slack.SlackEventAnswers;
import io.switchboard.gateway.slack.SlackEventLog;
import io.switchboard.gateway.slack.SlackEventsHandler;
import io.switchboard.gateway.slack.SlackGroupMemberships;
import io.switchboard.gateway.slack.SlackInteractionHandler;
import io.switchboard.gateway.slack.SlackJobClicks;
import io.switchboard.gateway.slack.SlackJobFiles;
import io.switchboard.gateway.slack.SlackJobMessages;
import io.switchboard.gateway.slack.SlackJobResults;
import io.switchboard.gateway.slack.SlackMessagePoster;
import io.switchboard.gateway.slack.SlackRequestAuthenticator;
import io.switchboard.gateway.slack.SlackResponseUrls;
import io.switchboard.gateway.slack.SlackUninstalls;
import io.switchboard.gateway.slack.SlashCommandHandler;
import io.switchboard.gateway.slack.oauth.OAuthState;
import io.switchboard.gateway.slack.oauth.OAuthStateRedemptions;
import io.switchboard.gateway.slack.oauth.SlackInstallHandler;
import io.switchboard.gateway.slack.oauth.SlackInstaller;
import io.switchboard.gateway.slack.oauth.SlackOAuthCallbackHandler;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.switchboard.gateway.teams.TeamsBot;
import io.switchboard.gateway.teams.TeamsReplyTo;
import io.switchboard.tenancy.InstallationChanges;
import io.switchboard.tenancy.InstallationDirectory;
import io.switchboard.tenancy.SlackInstallation;
import io.switchboard.tenancy.SlackSigningSecrets;
import io.switchboard.tenancy.command.CommandParser;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.switchboard.tenancy.secrets.SecretStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP edge: the Slack endpoints (slash commands, interactions, Events API, OAuth installation),
 * the Teams bot ({@code /api/messages}), Discord interactions ({@code /discord/interactions}),
 * the sandbox web chat ({@code /} and {@code /sandbox/api/}, when enabled), the admin API, the operations endpoints, the reply path that answers finished jobs (and shows
 * progress of jobs started from Slack events), and the sweep that delivers notifications. On undeploy it stops taking requests and lets
 * requests in flight finish.
 */
public final class GatewayVerticle extends VerticleBase {

  /** How often the reply path looks for replies still owed. */
  public static final Duration REPLY_SWEEP_INTERVAL = Duration.ofSeconds(5);

  /** How often chat answers still owed (refusals, built-ins, approval cards, notices) are sent again. */
  public static final Duration ANSWER_SWEEP_INTERVAL = Duration.ofSeconds(5);

  /** How often approvals past their deadline are closed (a vote after the deadline is refused anyway). */
  public static final Duration APPROVAL_SWEEP_INTERVAL = Duration.ofSeconds(15);

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  private final SwitchboardConfig config;
  private final Pool pool;
  private final PrometheusMeterRegistry registry;
  private PolicyDirectory policies;
  private final SecretStore secrets;
  private HttpServer server;
  private Router router;
  private Approvals approvals;
  private JobResultReplier replier;
  private SlackWebApi slackApi;
  private List<JobProgressRelay> progressRelays = List.of();
  private Optional<TeamsBot> teams = Optional.empty();
  private final Clock notificationClock;
  private NotificationSweeper notifications;
  private Optional<AuditAnchoring> auditAnchoring = Optional.empty();

  public GatewayVerticle(SwitchboardConfig config, Pool pool, PrometheusMeterRegistry registry,
                         SecretStore secrets) {
    this(config, pool, registry, secrets, Clock.systemUTC());
  }

  /** @param notificationClock the clock of notification dedup windows, group waits and retries (tests move it) */
  public GatewayVerticle(SwitchboardConfig config, Pool pool, PrometheusMeterRegistry registry,
                         SecretStore secrets, Clock notificationClock) {
    this.config = config;
    this.pool = pool;
    this.registry = registry;
    this.secrets = secrets;
    this.notificationClock = notificationClock;
  }

  /**
   * Assembles the gateway on a worker thread, in this verticle's context: doing so loads and
   * initialises large libraries (Slack's client with OkHttp, the Bot Framework, Jackson, Vert.x Web),
   * which takes seconds on a slow machine and would block the event loop. Consumers and timers it
   * registers still belong to this verticle's context and run on its event loop.
   */
  @Override
  public Future<?> start() {
    return vertx.<Future<?>>executeBlocking(this::assemble, false).compose(started -> started);
  }

  /** Builds every part and mounts the routes; the future completes when the server listens. */
  private Future<?> assemble() {
    GatewayMetrics metrics = new GatewayMetrics(registry);
    policies = new PolicyDirectory(vertx, pool, PolicyDirectory.DEFAULT_RECHECK_INTERVAL);
    WebClient client = WebClient.create(vertx, new WebClientOptions().setUserAgent("Switchboard"));
    SlackMessagePoster poster = new SlackMessagePoster(client);
    slackApi = new SlackWebApi(vertx, config.slackApp().apiUrl(), metrics);
    SlackBotTokens botTokens = new SlackBotTokens(secrets);
    SlackSigningSecrets signingSecrets = new SlackSigningSecrets(secrets);
    ChannelPacer pacer = new ChannelPacer(PacerTimers.of(vertx), config.pacing().intervals(),
        config.pacing().workspaceRates(), config.pacing().queueCapacity(), metrics);
    SlackJobMessages jobMessages = new SlackJobMessages(pool, slackApi, botTokens, metrics, pacer);
    AnswerOutbox answerOutbox = new AnswerOutbox(vertx, pool, metrics, ANSWER_SWEEP_INTERVAL);
    SlackEventAnswers eventAnswers = new SlackEventAnswers(slackApi, botTokens, jobMessages, answerOutbox);
    DiscordApi discordApi = new DiscordApi(vertx, client, config.discordApp().apiUrl(), metrics);
    DiscordAnswers discordAnswers = new DiscordAnswers(discordApi, answerOutbox, Clock.systemUTC());
    DiscordJobMessages discordMessages = new DiscordJobMessages(pool, discordApi, new DiscordBotTokens(secrets),
        metrics, Clock.systemUTC(), pacer);
    SandboxMessages sandboxMessages = new SandboxMessages(pool);
    GroupCommit commits = new GroupCommit(pool, vertx.eventBus(), metrics);
    JobEnqueuer enqueuer = new JobEnqueuer(commits, vertx.eventBus());
    CommandRefusals refusals = new CommandRefusals(commits);
    RateLimiter rateLimiter = new RateLimiter(pool);
    approvals = new Approvals(vertx, pool, enqueuer, APPROVAL_SWEEP_INTERVAL, expired -> {
      ChatMessage card = ApprovalMessages.decided(expired, List.of());
      String kind = expired.replyTo().getString("kind");
      if (TeamsReplyTo.KIND.equals(kind)) {
        teams.ifPresent(bot -> bot.expired(expired));
      } else if (SandboxSession.REPLY_KIND.equals(kind)) {
        sandboxMessages.approvalChanged(expired, SandboxRendering.of(card));
      } else if (SlackJobMessages.REPLY_KIND.equals(kind)) {
        eventAnswers.post(expired.tenantId(), expired.replyTo(), card)
            .onFailure(e -> LOG.warn("Storing the expiry notice of approval {} failed: {}", expired.id(), e.toString()));
      } else if (InteractionWebhook.REPLY_KIND.equals(kind)) {
        discordAnswers.edit(expired.tenantId(), expired.requester(), expired.replyTo(), DiscordText.of(card))
            .onFailure(e -> LOG.warn("Storing the expiry notice of approval {} failed: {}", expired.id(), e.toString()));
      } else {
        poster.post(expired.replyTo().getString("url"), SlackMessages.of(card));
      }
    });
    SlackResponseUrls responseUrls = new SlackResponseUrls(config.slackResponseUrlPrefixes());
    InstallationChanges installationChanges = new InstallationChanges(vertx.eventBus());
    WorkspaceClaimVerification claims = new WorkspaceClaimVerification(pool, installationChanges);
    InstallationDirectory directory =
        new InstallationDirectory(pool, signingSecrets, InstallationDirectory.DEFAULT_TTL);
    installationChanges.keepFresh(SlackInstallation.PLATFORM, directory::evictSlackTeam, directory::evictAll);
    SlackRequestAuthenticator authenticator = new SlackRequestAuthenticator(directory, config.slackSigningSecret(),
        Clock.systemUTC());
    JobCancellations cancellations = new JobCancellations(pool, vertx.eventBus());

    router = Router.router(vertx);
    router.route().handler(SecurityHeaders::add);
    SlackGroupMemberships slackGroups = new SlackGroupMemberships(slackApi, botTokens, Clock.systemUTC());
    CommandPipeline pipeline = new CommandPipeline(new CommandParser(), policies, new ChatBuiltins(pool),
        rateLimiter, approvals, enqueuer, cancellations, refusals, metrics,
        Clock.systemUTC()).withGroupMemberships(slackGroups);
    router.post("/slack/commands").handler(new SlashCommandHandler(authenticator, pipeline, responseUrls,
        new CommandFormOpener(policies, new CommandParser(), slackApi, botTokens), metrics));
    router.post("/slack/interactions").handler(new SlackInteractionHandler(authenticator, policies, approvals,
        responseUrls, poster, metrics, Clock.systemUTC(), slackGroups,
        new SlackJobClicks(pool, cancellations, pipeline, eventAnswers, poster), pipeline));
    router.post("/slack/events").handler(new SlackEventsHandler(authenticator, new SlackEventLog(pool), pipeline,
        eventAnswers, new SlackUninstalls(pool, botTokens, signingSecrets, installationChanges), metrics));
    teams = TeamsBot.create(vertx, pool, client, config.teamsApp(), new CommandPipeline("teams",
        new CommandParser(), policies, new ChatBuiltins(pool), rateLimiter, approvals, enqueuer,
        cancellations, refusals, metrics, Clock.systemUTC()), policies, approvals, metrics, pacer,
        installationChanges, answerOutbox, claims, cancellations);
    TeamsBot.mount(router, teams);
    mountDiscord(router, discordAnswers, discordMessages, enqueuer, rateLimiter, refusals, cancellations, metrics,
        installationChanges, claims);
    if (config.sandboxEnabled()) {
      mountSandbox(router, sandboxMessages, enqueuer, rateLimiter, refusals, cancellations, metrics);
    }
    OAuthState installStates = new OAuthState(config.slackApp().stateSecret().orElse(""));
    mountSlackInstall(router, installStates, installationChanges, botTokens, signingSecrets);
    OperationsRoutes.mount(router, pool, registry, config.metricsToken());
    router.route().failureHandler(Problems.failureHandler());
    router.errorHandler(404, ctx -> Problems.send(ctx, ErrorCode.NOT_FOUND, "no such resource"));
    router.errorHandler(405, ctx -> Problems.send(ctx, ErrorCode.METHOD_NOT_ALLOWED, "method not allowed here"));

    Map<String, ReplyChannel> replyChannels = new HashMap<>(Map.of(SlackJobMessages.REPLY_KIND,
        new SlackJobResults(jobMessages, new SlackJobFiles(pool, slackApi, botTokens, pacer)),
        SlackResponseUrlResults.KIND, new SlackResponseUrlResults(client, pacer)));
    replyChannels.put(InteractionWebhook.REPLY_KIND, job -> InteractionWebhook.fromReplyTo(job.replyTo())
        .map(webhook -> discordMessages.show(job.tenantId(), job.id(), webhook,
            DiscordEmbeds.of(ReplyMessage.result(job).withButtons(JobButtons.forJob(job.id(), job.status())))))
        .orElseGet(() -> Future.failedFuture("job " + job.id() + " has a malformed Discord reply_to")));
    teams.ifPresent(bot -> replyChannels.put(TeamsReplyTo.KIND, bot.replyChannel()));
    replyChannels.put(SandboxSession.REPLY_KIND, sandboxMessages);
    replier = new JobResultReplier(vertx, new ReplyOutbox(pool), metrics, REPLY_SWEEP_INTERVAL, replyChannels, pacer);
    progressRelays = new ArrayList<>(List.of(new JobProgressRelay(vertx, "slack", jobMessages::progress),
        new JobProgressRelay(vertx, "discord", discordMessages::progress)));
    if (config.sandboxEnabled()) {
      progressRelays.add(new JobProgressRelay(vertx, SandboxChat.PLATFORM, sandboxMessages::progress));
      new SandboxCleanup(vertx, pool, config.sandboxSessionIdle(), Clock.systemUTC()).start();
    }
    // No cleartext HTTP/2 upgrade: chat platforms and proxies speak HTTP/1.1 here, and an upgrade
    // request over the header limit hung the connection or got a bare 431 instead of a problem document.
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.httpHost()).setPort(config.httpPort())
            .setHttp2ClearTextEnabled(false))
        .invalidRequestHandler(Problems::invalidRequest)
        .requestHandler(router);
    NotificationOutbox notificationOutbox = new NotificationOutbox(pool);
    notifications = new NotificationSweeper(vertx, notificationOutbox, new SlackNotificationDelivery(
        notificationOutbox, slackApi, botTokens, pacer, metrics, notificationClock), notificationClock);
    approvals.start();
    answerOutbox.start();
    Optional<AuditAnchors> auditAnchors = AuditKey.installed()
        .map(key -> new AuditAnchors(config.auditAnchors().file(), key));
    auditAnchoring = auditAnchors.map(anchors -> new AuditAnchoring(vertx, pool, anchors,
        config.auditAnchors().interval(), Clock.systemUTC()));
    return AdminApi.load(vertx, pool, config.operatorToken(), secrets, cancellations, new SlackOwnAppProof(slackApi),
            auditAnchors)
        .onSuccess(api -> {
          api.mount(router);
          new SlackInstallLinksApi(config.slackApp(), installStates, Clock.systemUTC()).mount(router);
          new NotificationsApi(new NotificationInbox(pool, config.notifications(), notificationClock), notificationOutbox,
              new NotificationTargets(pool, botTokens::find), metrics).mount(router);
        })
        .compose(api -> policies.start()).compose(v -> replier.start()).compose(v -> Future.all(progressRelays.stream().map(JobProgressRelay::start).toList()))
        .compose(v -> teams.map(TeamsBot::start).orElse(Future.succeededFuture()))
        .compose(v -> notifications.start())
        .compose(v -> auditAnchoring.map(AuditAnchoring::start).orElse(Future.succeededFuture()))
        .compose(v -> server.listen());
  }

  /** {@code POST /discord/interactions}: Discord commands through the same pipeline as Slack's, and approval clicks. */
  private void mountDiscord(Router router, DiscordAnswers discordAnswers, DiscordJobMessages discordMessages,
                            JobEnqueuer enqueuer, RateLimiter rateLimiter, CommandRefusals refusals,
                            JobCancellations cancellations, GatewayMetrics metrics,
                            InstallationChanges installationChanges, WorkspaceClaimVerification claims) {
    CommandPipeline pipeline = new CommandPipeline(DiscordCommands.PLATFORM, new CommandParser(), policies,
        new ChatBuiltins(pool), rateLimiter, approvals, enqueuer, cancellations, refusals,
        metrics, Clock.systemUTC());
    DiscordGuilds guilds = new DiscordGuilds(pool, InstallationDirectory.DEFAULT_TTL);
    installationChanges.keepFresh(DiscordCommands.PLATFORM, guilds::evict, guilds::evictAll);
    DiscordRequestAuthenticator authenticator = new DiscordRequestAuthenticator(guilds, config.discordApp().applicationId(),
        config.discordApp().publicKey(), Clock.systemUTC());
    DiscordCommands commands = new DiscordCommands(pipeline, discordAnswers, discordMessages, claims, Clock.systemUTC());
    router.post("/discord/interactions").handler(new DiscordInteractionsHandler(authenticator, commands,
        new DiscordApprovalClicks(policies, approvals, discordAnswers, discordMessages, Clock.systemUTC()),
        new DiscordJobClicks(pool, cancellations, commands), metrics));
  }

  /** The sandbox web chat: its page and API, commands through the same pipeline as every platform's. */
  private void mountSandbox(Router router, SandboxMessages messages, JobEnqueuer enqueuer, RateLimiter rateLimiter,
                            CommandRefusals refusals, JobCancellations cancellations, GatewayMetrics metrics) {
    CommandPipeline pipeline = new CommandPipeline(SandboxChat.PLATFORM, new CommandParser(), policies,
        new ChatBuiltins(pool), rateLimiter, approvals, enqueuer, cancellations, refusals,
        metrics, Clock.systemUTC());
    new SandboxChat(new SandboxSessions(pool), messages,
        new SandboxVotes(policies, approvals, messages, Clock.systemUTC()), pipeline, metrics,
        new SandboxAccess(config.sandboxAllowRemote())).mount(router);
  }

  /** OAuth v2 installation of the shared Slack app: {@code /slack/install} and its callback. */
  private void mountSlackInstall(Router router, OAuthState states, InstallationChanges installationChanges,
                                 SlackBotTokens botTokens, SlackSigningSecrets signingSecrets) {
    SwitchboardConfig.SlackApp app = config.slackApp();
    router.get("/slack/install").handler(new SlackInstallHandler(app, states, Clock.systemUTC()));
    SlackInstaller installer = new SlackInstaller(pool, botTokens, signingSecrets, installationChanges);
    router.get("/slack/oauth/callback").handler(new SlackOAuthCallbackHandler(app, states,
        new OAuthStateRedemptions(pool), slackApi, installer, Clock.systemUTC()));
  }

  @Override
  public Future<?> stop() {
    return server.shutdown(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)
        .compose(v -> replier.stop()).compose(v -> notifications.stop()).compose(v -> Future.all(progressRelays.stream().map(JobProgressRelay::stop).toList()))
        .compose(v -> teams.map(TeamsBot::stop).orElse(Future.succeededFuture())).compose(v -> policies.stop())
        .compose(v -> auditAnchoring.map(AuditAnchoring::stop).orElse(Future.succeededFuture()))
        .onComplete(ar -> approvals.stop())
        .eventually(() -> slackApi.close());
  }

  /**
   * Every route as mounted, {@code "METHOD path"} ({@code "ANY path"} for a route of every method,
   * {@code "ANY *"} for one without a path): what the route matrix test checks against its table.
   */
  public List<String> routes() {
    List<String> routes = new ArrayList<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath() == null ? "*" : route.getPath() + (route.isExactPath() ? "" : "*");
      if (route.methods() == null || route.methods().isEmpty()) {
        routes.add("ANY " + path);
      } else {
        route.methods().forEach(method -> routes.add(method.name() + " " + path));
      }
    }
    return routes;
  }

  /** The port the server listens on (useful when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}

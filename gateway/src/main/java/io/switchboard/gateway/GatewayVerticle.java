package io.switchboard.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.audit.AnchorSink;
import io.switchboard.audit.AuditAnchoring;
import io.switchboard.audit.AuditAnchors;
import io.switchboard.audit.AuditKey;
import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.config.WorkspaceRate;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.http.OperationsRoutes;
import io.switchboard.core.http.Problems;
import io.switchboard.gateway.api.AdminApi;
import io.switchboard.gateway.api.NotificationsApi;
import io.switchboard.gateway.audit.AnchorChannelPoster;
import io.switchboard.gateway.audit.AnchorWebhook;
import io.switchboard.gateway.audit.AuditForwarder;
import io.switchboard.gateway.audit.AuditRecordSinks;
import io.switchboard.gateway.approval.Approval;
import io.switchboard.gateway.approval.Approvals;
import io.switchboard.gateway.command.ChatBuiltins;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.gateway.notify.BotTokens;
import io.switchboard.gateway.notify.ChannelNotifications;
import io.switchboard.gateway.notify.NotificationDeliveries;
import io.switchboard.gateway.notify.NotificationDelivery;
import io.switchboard.gateway.notify.NotificationInbox;
import io.switchboard.gateway.notify.NotificationOutbox;
import io.switchboard.gateway.notify.NotificationSweeper;
import io.switchboard.gateway.notify.NotificationTargets;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.pacing.PacerTimers;
import io.switchboard.gateway.platform.ChatPlatform;
import io.switchboard.gateway.platform.ChatPlatforms;
import io.switchboard.gateway.platform.OwnAppCredentials;
import io.switchboard.gateway.platform.GatewayServices;
import io.switchboard.gateway.platform.PlatformSettings;
import io.switchboard.gateway.platform.ReplyDestination;
import io.switchboard.gateway.platform.WorkspaceOwnership;
import io.switchboard.gateway.progress.JobMessageProgress;
import io.switchboard.gateway.progress.JobMessageSteps;
import io.switchboard.gateway.progress.JobMessageStore;
import io.switchboard.gateway.progress.JobProgressRelay;
import io.switchboard.gateway.reply.AnswerOutbox;
import io.switchboard.gateway.reply.JobResultReplier;
import io.switchboard.gateway.reply.ReplyChannel;
import io.switchboard.jobs.JobCancellations;
import io.switchboard.jobs.ReplyOutbox;
import io.switchboard.tenancy.InstallationChanges;
import io.switchboard.tenancy.command.CommandParser;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.core.log.LogContext;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP edge: every installed chat platform ({@link ChatPlatforms}: Slack, Teams, Discord, Mattermost, the
 * sandbox web chat when enabled), the admin API, the operations endpoints, the reply path that answers
 * finished jobs where their commands came from, the sweep that closes approvals past their deadline, and
 * the sweep that delivers notifications. Platforms are built from one {@link GatewayServices}; this
 * class knows none of them by name. On undeploy it stops taking requests and lets requests in flight
 * finish.
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
  private final SecretStore secrets;
  private final Clock notificationClock;
  private final List<PlatformSettings> platformSettings;
  private final Map<String, ReplyDestination> destinations = new ConcurrentHashMap<>();
  private List<ChatPlatform> platforms = List.of();
  private PolicyDirectory policies;
  private HttpServer server;
  private Router router;
  private Approvals approvals;
  private JobResultReplier replier;
  private JobProgressRelay jobMessageProgress;
  private NotificationSweeper notifications;
  private Optional<AuditAnchoring> auditAnchoring = Optional.empty();
  private Optional<AnchorWebhook> anchorWebhook = Optional.empty();
  private List<AuditForwarder> auditForwarders = List.of();
  private AnchorChannelPoster anchorPoster;

  /**
   * @param platforms the chat platforms to serve, as {@link ChatPlatforms#installed} read them (the
   *                  node reads them before it starts anything, so a malformed value stops it early)
   */
  public GatewayVerticle(SwitchboardConfig config, List<PlatformSettings> platforms, Pool pool,
                         PrometheusMeterRegistry registry, SecretStore secrets) {
    this(config, platforms, pool, registry, secrets, Clock.systemUTC());
  }

  /** @param notificationClock the clock of notification dedup windows, group waits and retries (tests move it) */
  public GatewayVerticle(SwitchboardConfig config, List<PlatformSettings> platforms, Pool pool,
                         PrometheusMeterRegistry registry, SecretStore secrets, Clock notificationClock) {
    this.config = config;
    this.pool = pool;
    this.registry = registry;
    this.secrets = secrets;
    this.notificationClock = notificationClock;
    this.platformSettings = List.copyOf(platforms);
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
    Clock clock = Clock.systemUTC();
    policies = new PolicyDirectory(vertx, pool, PolicyDirectory.DEFAULT_RECHECK_INTERVAL);
    GroupCommit commits = new GroupCommit(pool, vertx.eventBus(), metrics);
    JobEnqueuer enqueuer = new JobEnqueuer(commits, vertx.eventBus());
    CommandRefusals refusals = new CommandRefusals(commits);
    RateLimiter rateLimiter = new RateLimiter(pool);
    JobCancellations cancellations = new JobCancellations(pool, vertx.eventBus());
    approvals = new Approvals(vertx, pool, enqueuer, APPROVAL_SWEEP_INTERVAL, this::approvalExpired);
    AnswerOutbox answerOutbox = new AnswerOutbox(vertx, pool, metrics, ANSWER_SWEEP_INTERVAL);
    InstallationChanges installationChanges = new InstallationChanges(vertx.eventBus());
    GatewayServices services = new GatewayServices(vertx, pool,
        WebClient.create(vertx, new WebClientOptions().setUserAgent("Switchboard")), secrets, policies, approvals,
        platform -> new CommandPipeline(platform, new CommandParser(), policies, new ChatBuiltins(pool), rateLimiter,
            approvals, enqueuer, cancellations, refusals, metrics, clock),
        cancellations, answerOutbox, pacer(metrics), new JobMessageStore(pool), new JobMessageSteps(), metrics,
        installationChanges,
        new WorkspaceClaimVerification(pool, installationChanges), clock);
    platforms = platformSettings.stream().map(settings -> settings.create(services)).toList();

    router = Router.router(vertx);
    router.route().handler(SecurityHeaders::add);
    // One correlation id per incoming request, on the request's own duplicated context: every line
    // logged on its path (verification first) carries it; the command pipeline adds tenant and platform.
    // Then the request's server span (RequestSpans), which hands the request on.
    router.route().handler(ctx -> {
      LogContext.ensureCorrelationId();
      RequestSpans.start(ctx);
    });
    platforms.forEach(platform -> platform.mount(router));
    OperationsRoutes.mount(router, pool, registry, config.metricsToken());
    router.route().failureHandler(Problems.failureHandler());
    router.errorHandler(404, ctx -> Problems.send(ctx, ErrorCode.NOT_FOUND, "no such resource"));
    router.errorHandler(405, ctx -> Problems.send(ctx, ErrorCode.METHOD_NOT_ALLOWED, "method not allowed here"));

    Map<String, ReplyChannel> replyChannels = new HashMap<>();
    platforms.forEach(platform -> platform.replyDestinations().forEach(destination -> {
      if (destinations.putIfAbsent(destination.kind(), destination) != null) {
        throw new IllegalStateException("two platforms answer reply kind '" + destination.kind() + "'");
      }
      replyChannels.put(destination.kind(), destination.results());
    }));
    replier = new JobResultReplier(vertx, new ReplyOutbox(pool), metrics, REPLY_SWEEP_INTERVAL, replyChannels,
        services.pacer());
    // One taker of progress lines for the job messages of every platform (they share one table).
    Map<String, JobMessageProgress.Editor> progressEditors = new HashMap<>();
    platforms.forEach(platform -> platform.progressEditor().ifPresent(editor ->
        progressEditors.put(platform.name(), editor)));
    jobMessageProgress = new JobProgressRelay(vertx, "chat", new JobMessageProgress(services.jobMessages(),
        services.jobMessageSteps(), metrics, progressEditors));
    // No cleartext HTTP/2 upgrade: chat platforms and proxies speak HTTP/1.1 here, and an upgrade
    // request over the header limit hung the connection or got a bare 431 instead of a problem document.
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.httpHost()).setPort(config.httpPort())
            .setHttp2ClearTextEnabled(false))
        .invalidRequestHandler(Problems::invalidRequest)
        .requestHandler(router);
    NotificationOutbox notificationOutbox = new NotificationOutbox(pool);
    Map<String, NotificationDelivery> deliveries = new HashMap<>();
    Map<String, BotTokens> notificationTokens = new HashMap<>();
    Map<String, WorkspaceOwnership> ownership = new HashMap<>();
    Map<String, OwnAppCredentials> ownApps = new HashMap<>();
    for (ChatPlatform platform : platforms) {
      Optional<ChannelNotifications> posting = platform.notifications(notificationOutbox, notificationClock);
      posting.ifPresent(p -> deliveries.put(platform.name(), p.delivery()));
      posting.ifPresent(p -> notificationTokens.put(platform.name(), p.botTokens()));
      platform.ownership().ifPresent(proof -> ownership.put(platform.name(), proof));
      platform.ownApp().ifPresent(ownApp -> ownApps.put(platform.name(), ownApp));
    }
    notifications = new NotificationSweeper(vertx, notificationOutbox,
        new NotificationDeliveries(deliveries, notificationOutbox, notificationClock), notificationClock);
    approvals.start();
    answerOutbox.start();
    Optional<AuditAnchors> auditAnchors = AuditKey.installed()
        .map(key -> new AuditAnchors(config.auditAnchors().file(), key));
    anchorWebhook = config.auditAnchors().webhook().map(url -> new AnchorWebhook(vertx, services.http(), url));
    auditForwarders = AuditRecordSinks.configured(vertx, services.http(), config.auditForwarding()).stream()
        .map(sink -> new AuditForwarder(vertx, pool, sink, config.auditForwarding().interval(), registry)).toList();
    NotificationInbox notificationInbox = new NotificationInbox(pool, config.notifications(), notificationClock);
    NotificationTargets notificationTargets = new NotificationTargets(pool, notificationTokens);
    anchorPoster = new AnchorChannelPoster(vertx, pool, policies::policyOf, notificationTargets, notificationInbox,
        registry, Clock.systemUTC());
    List<AnchorSink> anchorSinks = new ArrayList<>();
    anchorWebhook.ifPresent(anchorSinks::add);
    anchorSinks.add(anchorPoster);
    auditAnchoring = auditAnchors.map(anchors -> new AuditAnchoring(vertx, pool, anchors,
        config.auditAnchors().interval(), Clock.systemUTC(), anchorSinks));
    return AdminApi.load(vertx, pool, config.operatorToken(), secrets, cancellations, ownership, ownApps,
            auditAnchors)
        .onSuccess(api -> {
          api.mount(router);
          platforms.forEach(platform -> platform.mountAdmin(router));
          new NotificationsApi(notificationInbox, notificationOutbox, notificationTargets, metrics).mount(router);
        })
        .compose(api -> policies.start()).compose(v -> replier.start()).compose(v -> jobMessageProgress.start())
        .compose(v -> Future.all(platforms.stream().map(ChatPlatform::start).toList()))
        .compose(v -> notifications.start())
        .compose(v -> auditAnchoring.map(AuditAnchoring::start).orElse(Future.succeededFuture()))
        .onSuccess(v -> auditAnchoring.ifPresent(a -> anchorPoster.start()))
        .onSuccess(v -> auditForwarders.forEach(AuditForwarder::start))
        .compose(v -> server.listen());
  }

  /** One pacer for every platform's outbound calls, each platform with its own limits. */
  private ChannelPacer pacer(GatewayMetrics metrics) {
    Map<String, Duration> intervals = new HashMap<>();
    Map<String, WorkspaceRate> workspaceRates = new HashMap<>();
    for (PlatformSettings settings : platformSettings) {
      settings.outboundPacing().ifPresent(pacing -> {
        intervals.put(settings.platform(), pacing.channelInterval());
        workspaceRates.put(settings.platform(), pacing.workspace());
      });
    }
    return new ChannelPacer(PacerTimers.of(vertx), intervals, workspaceRates, config.pacing().queueCapacity(),
        metrics);
  }

  /** Tells the conversation an expired approval came from, through the platform that answers its kind. */
  private void approvalExpired(Approval expired) {
    String kind = expired.replyTo().getString("kind");
    ReplyDestination destination = kind == null ? null : destinations.get(kind);
    if (destination == null) {
      LOG.warn("Approval {} expired, and no platform answers its reply kind '{}'", expired.id(), kind);
      return;
    }
    destination.expiry().tell(expired)
        .onFailure(e -> LOG.warn("Telling that approval {} expired failed: {}", expired.id(), e.toString()));
  }

  @Override
  public Future<?> stop() {
    return server.shutdown(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)
        .compose(v -> replier.stop()).compose(v -> jobMessageProgress.stop()).compose(v -> notifications.stop())
        .compose(v -> Future.all(platforms.stream().map(ChatPlatform::stop).toList()))
        .compose(v -> policies.stop())
        .compose(v -> auditAnchoring.map(AuditAnchoring::stop).orElse(Future.succeededFuture()))
        .onComplete(ar -> {
          anchorWebhook.ifPresent(AnchorWebhook::stop);
          anchorPoster.stop();
          auditForwarders.forEach(AuditForwarder::stop);
          approvals.stop();
        });
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

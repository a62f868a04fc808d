package io.switchboard.gateway.mattermost;

import io.switchboard.gateway.approval.Approval;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.gateway.platform.ChatPlatform;
import io.switchboard.gateway.platform.GatewayServices;
import io.switchboard.gateway.platform.ReplyDestination;
import io.switchboard.gateway.platform.WorkspaceOwnership;
import io.switchboard.gateway.progress.JobMessageProgress;
import io.switchboard.tenancy.InstallationDirectory;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

import java.util.List;
import java.util.Optional;

/**
 * Mattermost as a way into Switchboard: each installation is one team of a self-hosted Mattermost
 * server, bound by a tenant admin with the server's URL, a custom slash command's token and a bot
 * account's token ({@link MattermostInstallations}). Routes: {@code POST /mattermost/commands} (the
 * slash command, {@link MattermostCommands}) and {@code POST /mattermost/actions} (button clicks,
 * {@link MattermostActions}). Jobs answer in one bot post, edited with progress and the result
 * ({@link MattermostJobPosts}, reply kind {@value MattermostReplyTo#KIND}); an approval that expires
 * is told in its channel. Policy subjects are {@code mattermost:user:<user id>} and
 * {@code mattermost:group:<group id>} ({@link MattermostGroupMemberships}).
 */
public final class MattermostPlatform implements ChatPlatform {

  private final MattermostSettings settings;
  private final GatewayServices services;
  private final MattermostApi api;
  private final MattermostSecrets secrets;
  private final MattermostJobPosts posts;
  private final MattermostInstallations installations;

  public MattermostPlatform(MattermostSettings settings, GatewayServices services) {
    this.settings = settings;
    this.services = services;
    this.api = new MattermostApi(services.vertx(), services.http(), services.metrics());
    this.secrets = new MattermostSecrets(services.secrets());
    this.posts = new MattermostJobPosts(api, secrets, services.jobMessages(), services.jobMessageSteps(),
        services.pacer(), settings.actionsUrl());
    this.installations = new MattermostInstallations(api, secrets, settings.allowHttp());
  }

  @Override
  public String name() {
    return MattermostSettings.PLATFORM;
  }

  @Override
  public void mount(Router router) {
    MattermostTeams teams = new MattermostTeams(services.pool(), InstallationDirectory.DEFAULT_TTL);
    services.installationChanges().keepFresh(MattermostSettings.PLATFORM, teams::evict, teams::evictAll);
    MattermostRequestAuthenticator authenticator = new MattermostRequestAuthenticator(teams, secrets);
    MattermostGroupMemberships groups = new MattermostGroupMemberships(api, secrets, services.clock());
    CommandPipeline pipeline = services.pipelines().forPlatform(MattermostSettings.PLATFORM)
        .withGroupMemberships(groups);
    router.post("/mattermost/commands").handler(new MattermostCommands(authenticator, pipeline, posts,
        settings.actionsUrl(), services.metrics()));
    router.post("/mattermost/actions").handler(new MattermostActions(authenticator, services.policies(), groups,
        services.approvals(), services.cancellations(), pipeline, posts, services.pool(), settings.actionsUrl(),
        services.metrics(), services.clock()));
  }

  @Override
  public List<ReplyDestination> replyDestinations() {
    return List.of(new ReplyDestination(MattermostReplyTo.KIND, posts::result, this::expired));
  }

  @Override
  public Optional<WorkspaceOwnership> ownership() {
    return Optional.of(installations);
  }

  @Override
  public Optional<JobMessageProgress.Editor> progressEditor() {
    return Optional.of(posts::edit);
  }

  /** An approval that expired unanswered is told in its channel, as a new post of the bot. */
  private Future<Void> expired(Approval approval) {
    return MattermostReplyTo.fromJson(approval.replyTo())
        .map(to -> posts.post(approval.tenantId(), to, ApprovalMessages.decided(approval, List.of())))
        .orElseGet(() -> Future.failedFuture("approval " + approval.id() + " has a malformed Mattermost reply_to"));
  }
}

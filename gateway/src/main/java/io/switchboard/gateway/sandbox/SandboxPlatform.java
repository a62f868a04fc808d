package io.switchboard.gateway.sandbox;

import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.platform.ChatPlatform;
import io.switchboard.gateway.platform.GatewayServices;
import io.switchboard.gateway.platform.ReplyDestination;
import io.switchboard.gateway.progress.JobProgressRelay;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

import java.util.List;

/**
 * The sandbox web chat, assembled: its page and API ({@link SandboxChat}), answers and results kept as the
 * session's messages ({@link SandboxMessages}), progress of running jobs, and the sweep that deletes idle
 * sessions. Only built when {@link SandboxSettings#enabled()}.
 */
public final class SandboxPlatform implements ChatPlatform {

  private final SandboxMessages messages;
  private final SandboxChat chat;
  private final SandboxCleanup cleanup;
  private final JobProgressRelay progress;

  SandboxPlatform(SandboxSettings settings, GatewayServices services) {
    messages = new SandboxMessages(services.pool());
    chat = new SandboxChat(new SandboxSessions(services.pool()), messages,
        new SandboxVotes(services.policies(), services.approvals(), messages, services.clock()),
        services.pipelines().forPlatform(SandboxChat.PLATFORM), services.metrics(),
        new SandboxAccess(settings.allowRemote()));
    cleanup = new SandboxCleanup(services.vertx(), services.pool(), settings.sessionIdle(), services.clock());
    progress = new JobProgressRelay(services.vertx(), SandboxChat.PLATFORM, messages::progress);
  }

  @Override
  public String name() {
    return SandboxChat.PLATFORM;
  }

  @Override
  public void mount(Router router) {
    chat.mount(router);
  }

  @Override
  public List<ReplyDestination> replyDestinations() {
    return List.of(new ReplyDestination(SandboxSession.REPLY_KIND, messages,
        expired -> messages.approvalChanged(expired, SandboxRendering.of(ApprovalMessages.decided(expired, List.of())))));
  }

  @Override
  public Future<Void> start() {
    cleanup.start();
    return progress.start();
  }

  @Override
  public Future<Void> stop() {
    return progress.stop();
  }
}

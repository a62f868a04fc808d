package io.switchboard.gateway.platform;

import io.switchboard.gateway.notify.ChannelNotifications;
import io.switchboard.gateway.notify.NotificationOutbox;
import io.switchboard.gateway.progress.JobMessageProgress;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * One way into Switchboard: a chat platform (Slack, Teams, Discord, the sandbox, ...) as one package
 * behind this interface. A platform mounts its routes, where it verifies every request before it
 * looks anything up, turns verified requests into {@code ChatCommand}s and clicks for the shared
 * {@code CommandPipeline}, renders {@code ChatMessage}s in its own format and delivers them with its
 * own pacing, and names the {@code reply_to} kinds it answers. It is built by its
 * {@link PlatformSettings} from the shared {@link GatewayServices}; {@code GatewayVerticle} only loops
 * over the installed platforms ({@link ChatPlatforms}).
 */
public interface ChatPlatform {

  /** The platform's name as stored in installations, jobs and policy subjects ({@code slack}, {@code teams}, ...). */
  String name();

  /**
   * Mounts every chat-facing route of the platform (webhooks, interactions, OAuth callbacks). A platform
   * that is not configured still mounts them, answering 503 {@code not_configured}.
   */
  void mount(Router router);

  /**
   * Mounts the platform's own admin operations under {@code /api/v1/}; called after the admin API's
   * gate, so they are authenticated and validated against the API contract like every other operation.
   */
  default void mountAdmin(Router router) {
  }

  /** The {@code reply_to} kinds of jobs and approvals this platform answers, each with how it answers them. */
  List<ReplyDestination> replyDestinations();

  /**
   * How the platform edits a job's message (kept in {@code chat_job_messages}) to show a progress line
   * that the gateway took for it; empty for a platform that keeps no such messages (the sandbox keeps
   * its own and relays progress itself).
   */
  default Optional<JobMessageProgress.Editor> progressEditor() {
    return Optional.empty();
  }

  /** How a tenant admin proves a workspace is theirs through the admin API; empty: by claim code or operator only. */
  default Optional<WorkspaceOwnership> ownership() {
    return Optional.empty();
  }

  /** What names a tenant's own app in a binding of a workspace; empty: the platform has only a shared app. */
  default Optional<OwnAppCredentials> ownApp() {
    return Optional.empty();
  }

  /**
   * How the platform posts notifications (alerts from Alertmanager) to its channels; empty when it does
   * not, and a notification target on it is refused.
   *
   * @param outbox the stored notifications, which a delivery marks shown or gives back for a retry
   * @param clock  the clock of notification retries
   */
  default Optional<ChannelNotifications> notifications(NotificationOutbox outbox, Clock clock) {
    return Optional.empty();
  }

  /** Starts what runs in the background (progress relays, sweeps); the gateway listens only after. */
  default Future<Void> start() {
    return Future.succeededFuture();
  }

  /** Stops what {@link #start()} started, once the server stopped taking requests. */
  default Future<Void> stop() {
    return Future.succeededFuture();
  }
}

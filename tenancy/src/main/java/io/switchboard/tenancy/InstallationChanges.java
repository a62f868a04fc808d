package io.switchboard.tenancy;

import io.switchboard.core.EventBusAddresses;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Tells every gateway (on every node, through the event bus) that an installation or a tenant
 * changed, so each forgets what its installation caches hold for it at once instead of after their
 * time to live. Announce after the change is committed.
 */
public final class InstallationChanges {

  /**
   * One change: an installation of {@code platform} for {@code workspaceId}, or, with both empty, a
   * tenant's status (which decides whether all its installations are found).
   */
  public record Change(Optional<String> platform, Optional<String> workspaceId) {

    public boolean wholeTenant() {
      return platform.isEmpty();
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject();
      platform.ifPresent(p -> json.put("platform", p));
      workspaceId.ifPresent(w -> json.put("workspace", w));
      return json;
    }

    static Change fromJson(JsonObject json) {
      return new Change(Optional.ofNullable(json.getString("platform")), Optional.ofNullable(json.getString("workspace")));
    }
  }

  private final EventBus bus;

  public InstallationChanges(EventBus bus) {
    this.bus = bus;
  }

  /** The installation of {@code platform} for {@code workspaceId} was added, enabled or disabled. */
  public void installationChanged(String platform, String workspaceId) {
    bus.publish(EventBusAddresses.INSTALLATIONS_CHANGED, new Change(Optional.of(platform), Optional.of(workspaceId))
        .toJson());
  }

  /** A tenant was suspended or resumed: every cached installation may be stale. */
  public void tenantChanged() {
    bus.publish(EventBusAddresses.INSTALLATIONS_CHANGED, new Change(Optional.empty(), Optional.empty()).toJson());
  }

  /**
   * Keeps one platform's installation cache fresh: for every change announced on any node, calls
   * {@code evictWorkspace} with the workspace of a change of that platform, and {@code evictAll} for a
   * tenant's change. Runs on the caller's context.
   */
  public void keepFresh(String platform, Consumer<String> evictWorkspace, Runnable evictAll) {
    bus.<JsonObject>consumer(EventBusAddresses.INSTALLATIONS_CHANGED, message -> {
      Change change = message.body() == null ? null : Change.fromJson(message.body());
      if (change == null) {
        return;
      }
      if (change.wholeTenant()) {
        evictAll.run();
      } else if (change.platform().get().equals(platform)) {
        change.workspaceId().ifPresent(evictWorkspace);
      }
    });
  }
}
